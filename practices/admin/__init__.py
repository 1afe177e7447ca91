"""The curators' admin: one module per concern, registered on import."""

from . import content, imports, tags  # noqa: F401
