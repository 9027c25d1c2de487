"""Schemathesis fuzzing of the HTTP API from its own OpenAPI schema."""
