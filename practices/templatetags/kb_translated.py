"""Translated content on the public pages: a text shown in English because it is
not translated yet says so, and carries lang="en" so screen readers switch voice."""

from django import template
from django.utils.html import format_html

from .. import languages

register = template.Library()


@register.simple_tag
def text_lang(obj, name):
    """` lang="en"` on the element holding field `name` of `obj` when the page's
    language lacks its translation, else nothing (the page's own lang applies)."""
    language = languages.language_of(obj, name)
    if language == languages.content_language():
        return ""
    return format_html(' lang="{}"', language)


@register.simple_tag
def translated(obj, name):
    """Field `name` of `obj` in the page's language, or its original."""
    return languages.text_in(obj, name)


@register.filter
def untranslated(obj):
    """Whether the page shows some of `obj`'s text in English for want of a
    translation."""
    return languages.shown_in_original(obj)
