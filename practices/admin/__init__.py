"""The curators' admin: one module per concern, registered on import."""

from . import content, imports, suggestions, tags  # noqa: F401
