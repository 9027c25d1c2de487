"""`v3 demo`, run end to end."""
