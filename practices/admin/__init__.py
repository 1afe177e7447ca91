"""The curators' admin: one module per concern, registered on import."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from . import content, imports, suggestions, tags  # noqa: F401

# The admin names the knowledge base, not "Django administration".
admin.site.site_header = format_lazy(
    gettext_lazy("{site}: editors' desk"), site=settings.SITE_NAME
)
admin.site.site_title = format_lazy(
    gettext_lazy("{site} admin"), site=settings.SITE_NAME
)
admin.site.index_title = gettext_lazy("Content, review and publishing")
