"""Generative-media adapters (SPEC §8): Replicate, OpenAI images, Google Veo.

Each module wraps one official SDK; ``outputs`` stages and verifies what they produce,
``polling`` holds the deadline/backoff/cancel and rate-limit loops they share.
"""
