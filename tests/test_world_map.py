"""The world map on the home and jurisdictions pages: which countries it shades and
links, their accessible names, no inline styles, and its weight on the page."""

import gzip
import json
import re

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string

from practices import selectors, worldmap
from practices.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db

MAP_PAGES = ["/", "/jurisdictions/"]
# The most the map may add to a page, gzip-compressed.
MAP_BUDGET_BYTES = 60 * 1024


def map_section(html):
    match = re.search(r'<section class="world-map".*?</section>', html, re.S)
    return match.group(0) if match else None


def map_links(html):
    """(href, accessible name, shade class) of each country link in the map."""
    section = map_section(html)
    return {
        (href, label, shade)
        for href, label, title, shade in re.findall(
            r'<a href="([^"]+)" aria-label="([^"]+)"><title>([^<]+)</title>'
            r'<path class="(map-shade-\d)"',
            section,
        )
        if label == title
    }


@pytest.fixture
def world():
    us = f.make_jurisdiction("United States", slug="united-states", iso_code="US")
    texas = f.make_jurisdiction(
        "Texas", parent=us, kind="state", slug="texas", iso_code="US-TX"
    )
    for _ in range(2):
        f.make_practice(jurisdiction=texas)
    f.make_practice(jurisdiction=us)
    sweden = f.make_jurisdiction("Sweden", slug="sweden", iso_code="SE")
    f.make_practice(jurisdiction=sweden)
    # Content that must not reach the map: a draft practice in Norway, a published
    # practice in a country that is itself a draft, a country with initiatives only.
    norway = f.make_jurisdiction("Norway", slug="norway", iso_code="NO")
    f.make_practice(jurisdiction=norway, status=Status.DRAFT)
    f.make_practice(jurisdiction=sweden, status=Status.REVIEW)
    canada = f.make_jurisdiction(
        "Canada", slug="canada", iso_code="CA", status=Status.DRAFT
    )
    f.make_practice(jurisdiction=canada)
    australia = f.make_jurisdiction("Australia", slug="australia", iso_code="AU")
    f.make_initiative(jurisdiction=australia)


@pytest.mark.parametrize("url", MAP_PAGES)
def test_map_shades_and_links_exactly_the_countries_with_published_practices(
    client, world, url
):
    html = client.get(url).content.decode()
    assert map_links(html) == {
        (
            "/jurisdictions/united-states/",
            "United States: 3 best practices",
            "map-shade-2",
        ),
        ("/jurisdictions/sweden/", "Sweden: 1 best practice", "map-shade-1"),
    }
    section = map_section(html)
    for hidden in ("Norway", "Canada", "Australia", "/jurisdictions/norway/"):
        assert hidden not in section


def test_countries_without_content_are_one_hidden_shape(client, world):
    section = map_section(client.get("/").content.decode())
    # Every path outside a link is the plain land, hidden from assistive technology.
    unlinked = re.sub(r"<a .*?</a>", "", section, flags=re.S)
    paths = re.findall(r"<path [^>]*>", unlinked)
    assert len(paths) == 1
    assert 'class="map-land"' in paths[0] and 'aria-hidden="true"' in paths[0]


def test_map_is_a_labelled_group_that_scales_to_the_page_width(client, world):
    section = map_section(client.get("/").content.decode())
    svg = re.search(r"<svg class=\"world-map-svg\"[^>]*>", section).group(0)
    assert 'role="group"' in svg and 'aria-labelledby="world-map-title"' in svg
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    # Its size comes from the stylesheet (width: 100%), not from fixed attributes.
    assert " width=" not in svg and " height=" not in svg
    assert '<h2 id="world-map-title">' in section


@pytest.mark.parametrize("url", MAP_PAGES)
def test_map_pages_have_no_inline_styles(client, world, url):
    html = client.get(url).content.decode()
    assert map_section(html)
    assert not re.search(r"\sstyle\s*=", html, re.I)
    assert "<style" not in html.lower()


def test_the_text_list_of_countries_stays_beside_the_map(client, world):
    html = client.get("/").content.decode()
    after_map = html.split(map_section(html))[1]
    assert 'href="/jurisdictions/united-states/"' in after_map
    assert 'href="/jurisdictions/sweden/"' in after_map


def test_no_map_without_published_practices(client):
    f.make_jurisdiction("Sweden", slug="sweden", iso_code="SE")
    assert map_section(client.get("/").content.decode()) is None


def test_shades_follow_the_legend():
    counts = (1, 2, 3, 5, 6, 10, 11, 5000)
    assert [worldmap.shade(n) for n in counts] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_map_runs_one_query(django_assert_num_queries, world):
    with django_assert_num_queries(1):
        assert "United States: 3 best practices" in render_to_string(
            "includes/world_map.html"
        )


@pytest.mark.parametrize("url", MAP_PAGES)
def test_map_adds_at_most_60_kb_compressed_with_every_country_shaded(
    client, monkeypatch, url
):
    """The worst case: every country on the map has practices."""
    _, outlines, _ = worldmap.outlines()
    every_country = [
        (iso, f"Country {iso}", f"country-{iso.lower()}", 1000) for iso in outlines
    ]
    monkeypatch.setattr(selectors, "country_practice_counts", lambda: every_country)
    with_map = client.get(url).content
    assert len(map_links(with_map.decode())) == len(outlines)
    monkeypatch.setattr(selectors, "country_practice_counts", lambda: [])
    cache.clear()  # the page cache would answer with the first rendering
    without_map = client.get(url).content
    assert map_section(without_map.decode()) is None
    added = len(gzip.compress(with_map)) - len(gzip.compress(without_map))
    assert 0 < added <= MAP_BUDGET_BYTES, added


def test_every_country_in_the_fixtures_has_an_outline(settings):
    fixtures = settings.BASE_DIR / "fixtures" / "01_jurisdictions.json"
    codes = {
        row["fields"]["iso_code"]
        for row in json.loads(fixtures.read_text(encoding="utf-8"))
        if row["fields"]["kind"] == "country"
    }
    _, outlines, _ = worldmap.outlines()
    assert codes == {"US", "SE", "NO", "CA", "AU"}
    assert codes <= set(outlines)
