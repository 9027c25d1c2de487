"""Ingestion adapters: staging to temporary files, sniffing, metadata and thumbnails."""
