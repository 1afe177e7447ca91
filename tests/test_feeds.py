"""Atom feeds, the sitemap and robots.txt list published records only."""

import pytest

from practices.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    malmo = f.make_jurisdiction("Malmö", slug="malmo", parent=sweden)
    usa = f.make_jurisdiction("United States", slug="united-states")
    f.make_practice("Malmö practice", jurisdiction=malmo, tags=["hotline"])
    f.make_practice("US practice", jurisdiction=usa, tags=["task forces"])
    f.make_practice("Secret draft", jurisdiction=malmo, status=Status.DRAFT)
    f.make_jurisdiction("Hidden land", slug="hidden", status=Status.DRAFT)


def test_practice_feed_is_atom_with_published_practices_only(client, data):
    response = client.get("/feeds/practices/")
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert "Malmö practice" in text and "US practice" in text
    assert "Secret draft" not in text
    assert "<updated>" in text


def test_jurisdiction_feed_takes_in_its_cities(client, data):
    text = client.get("/feeds/jurisdictions/sweden/").content.decode()
    assert "Malmö practice" in text
    assert "US practice" not in text and "Secret draft" not in text
    assert client.get("/feeds/jurisdictions/hidden/").status_code == 404


def test_tag_feed_lists_practices_with_the_tag(client, data):
    text = client.get("/feeds/tags/task-forces/").content.decode()
    assert "US practice" in text and "Malmö practice" not in text
    assert client.get("/feeds/tags/no-such-tag/").status_code == 404


def test_pages_advertise_the_feed(client, data):
    assert 'type="application/atom+xml"' in client.get("/").content.decode()


def test_sitemap_lists_published_detail_pages_with_lastmod(client, data, settings):
    settings.SITE_URL = "https://kb.example.org"
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-practices.xml</loc>" in index
    practices = client.get("/sitemap-practices.xml").content.decode()
    assert practices.count("<url>") == 2
    assert "<loc>https://kb.example.org/practices/" in practices
    assert "<lastmod>" in practices
    assert "secret-draft" not in practices
    jurisdictions = client.get("/sitemap-jurisdictions.xml").content.decode()
    assert "/jurisdictions/malmo/" in jurisdictions
    assert "/jurisdictions/hidden/" not in jurisdictions


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client, settings):
    settings.SITE_URL = "https://kb.example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: https://kb.example.org/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_robots_txt_does_not_reveal_a_custom_admin_path(client, settings):
    settings.ADMIN_PATH = "curators-7f3k/"
    text = client.get("/robots.txt").content.decode()
    assert "curators-7f3k" not in text
    assert "Sitemap:" in text
