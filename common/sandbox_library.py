"""The sandbox's only tags and filters (common.sandbox): it needs them as a module to load."""

from .sandbox import library as register  # noqa: F401
