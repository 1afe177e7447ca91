"""Record addresses built from a cached pattern (practices/links.py) are exactly
the ones reverse() gives, in every language and for any slug a curator can save."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from practices.links import slug_url

ROUTES = [
    "practices:practice-detail",
    "practices:initiative-detail",
    "practices:jurisdiction-detail",
    "practices:finding-detail",
    "practices:source-detail",
    "practices:organization-detail",
    "practices:tag-detail",
    "api:practice-detail",
]
SLUGS = ["victim-services", "göteborg-1998", "ñandú_2", "a", "x" * 200, "50%-off"]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("route", ROUTES)
def test_addresses_are_the_ones_reverse_gives(route, language):
    with translation.override(language):
        for slug in SLUGS:
            assert slug_url(route, slug) == reverse(route, kwargs={"slug": slug})


def test_french_and_spanish_addresses_keep_their_prefix():
    with translation.override("fr"):
        assert slug_url("practices:practice-detail", "a") == "/fr/practices/a/"
    with translation.override("es"):
        assert slug_url("practices:tag-detail", "b") == "/es/tags/b/"
    assert slug_url("practices:practice-detail", "a") == "/practices/a/"


def test_a_slug_no_route_takes_is_refused_as_reverse_refuses_it():
    for slug in ("", "a/b"):
        with pytest.raises(NoReverseMatch):
            slug_url("practices:practice-detail", slug)
