"""Template helpers for citations and page metadata."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..views.cite import json_ld_script

register = template.Library()


@register.simple_tag
def json_ld(data):
    """A schema.org data block, escaped so no text can end the element early."""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(json_ld_script(data)),
    )


@register.filter
def highwire_date(value):
    """Highwire Press dates are written YYYY/MM/DD."""
    return value.strftime("%Y/%m/%d") if value else ""
