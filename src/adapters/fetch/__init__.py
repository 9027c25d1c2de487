"""Fetching remote files for URL imports (httpx), with server-side request forgery guards."""
