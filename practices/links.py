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
    pattern = _pattern(viewname, get_language(), get_script_prefix(), get_urlconf())
    return pattern.replace(PLACEHOLDER, quote(slug, safe=SAFE), 1)
