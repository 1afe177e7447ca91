"""Addresses of record pages, built without resolving the URL patterns each time.

A list page links each of its records, their jurisdictions and their tags: some
135 `reverse()` calls, about a quarter of the time its items take to render at
100,000 practices. A one-slug route's address changes only with the route, the
language (its prefix), the script prefix and the URLconf, so it is reversed once
for them with a placeholder slug, and each slug is put in its place, quoted as
`reverse()` quotes it.
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language

from .site import site_url

PLACEHOLDER = "kb-slug-placeholder"
# What reverse() leaves unquoted in a path (django.urls.resolvers).
SAFE = RFC3986_SUBDELIMS + "/~:@"


@functools.lru_cache(maxsize=256)
def _pattern(viewname, language, script_prefix, urlconf):
    # The arguments other than `viewname` are only the cache's key: reverse()
    # reads them from the thread's state itself.
    return reverse(viewname, kwargs={"slug": PLACEHOLDER})


def slug_url(viewname, slug):
    """`reverse(viewname, kwargs={"slug": slug})` for a route whose one argument
    is `<str:slug>`."""
    if not slug or "/" in slug:
        return reverse(viewname, kwargs={"slug": slug})  # its own error, if any
    return _filled(_current_pattern(viewname), slug)


def _current_pattern(viewname):
    return _pattern(viewname, get_language(), get_script_prefix(), get_urlconf())


def _filled(pattern, slug):
    return pattern.replace(PLACEHOLDER, quote(slug, safe=SAFE), 1)


class Addresses:
    """Absolute addresses of one-slug routes, for one response: `slug_url` with
    the site's address in front, where the language, script prefix, URLconf and
    site address are read once per route rather than for each address. Reading
    them was most of slug_url's cost, and an API page of fifty practices builds
    some nine hundred addresses (bench/README.md, ninth round). So an instance
    lives no longer than the response it was made for: these do not change
    within one."""

    def __init__(self):
        self.origin = site_url()
        self.patterns = {}

    def __call__(self, viewname, slug):
        if not slug or "/" in slug:
            return self.origin + slug_url(viewname, slug)
        pattern = self.patterns.get(viewname)
        if pattern is None:
            pattern = self.origin + _current_pattern(viewname)
            self.patterns[viewname] = pattern
        return _filled(pattern, slug)
