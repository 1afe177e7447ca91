"""The curators' admin: one module per concern, registered on import."""

from . import content, tags  # noqa: F401
