"""The curators' admin: one module per concern, registered on import."""

from django.conf import settings
from django.contrib import admin

from . import content, imports, suggestions, tags  # noqa: F401

# The admin names the knowledge base, not "Django administration".
admin.site.site_header = f"{settings.SITE_NAME}: editors' desk"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Content, review and publishing"
