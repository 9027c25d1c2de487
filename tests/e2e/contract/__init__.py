"""The contract slips of issue 9: lengths, money, errors, methods, merge patches, OpenAPI."""
