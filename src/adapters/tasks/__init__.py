"""Task runners: where background job work runs."""
