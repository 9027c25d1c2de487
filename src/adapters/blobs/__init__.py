"""Blob stores: in memory (fake), on the filesystem, and in the database (1 MiB chunks)."""
