"""Webhook adapters: Standard Webhooks signing and the guarded outbound request."""
