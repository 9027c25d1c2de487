"""Security tests over the whole HTTP API, derived from its OpenAPI schema."""
