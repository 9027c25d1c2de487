"""Use cases of the product, written against the ports only."""
