"""Absolute addresses: with KB_SITE_URL unset, citations, canonical links, exports,
feeds, the sitemap and metadata point at the host the reader came to; with it set,
at KB_SITE_URL whatever the host. The page cache keeps one copy per host."""

import json

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

MIRROR = "mirror.example.net"


@pytest.fixture
def unset(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["testserver", MIRROR]


@pytest.fixture
def practice():
    return f.make_practice("Hotline for victims", slug="hotline-for-victims")


def get(client, url, host=MIRROR):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_without_kb_site_url_every_address_uses_the_request_host(
    client, unset, practice
):
    page_url = f"http://{MIRROR}/practices/hotline-for-victims/"
    html = get(client, "/practices/hotline-for-victims/")
    assert f'<link rel="canonical" href="{page_url}">' in html
    assert "127.0.0.1" not in html
    assert f"http://{MIRROR}/practices/hotline-for-victims/v/" in get(
        client, "/practices/hotline-for-victims/cite.bib"
    )
    assert page_url in get(client, "/practices.csv")
    assert json.loads(get(client, "/data/knowledge-base.json"))["url"] == (
        f"http://{MIRROR}"
    )
    assert f'href="{page_url}"' in get(client, "/feeds/practices/")
    assert f"<loc>{page_url}</loc>" in get(client, "/sitemap-practices.xml")
    assert f"Sitemap: http://{MIRROR}/sitemap.xml" in get(client, "/robots.txt")


def test_kb_site_url_wins_over_the_request_host(client, settings, practice):
    settings.SITE_URL = "https://kb.example.org"
    settings.ALLOWED_HOSTS = ["testserver", MIRROR]
    html = get(client, "/practices/hotline-for-victims/")
    assert (
        '<link rel="canonical" href="https://kb.example.org/practices/'
        'hotline-for-victims/">' in html
    )
    assert MIRROR not in html
    assert MIRROR not in get(client, "/practices.csv")
    assert MIRROR not in get(client, "/feeds/practices/")


def test_the_page_cache_keeps_each_host_its_own_page(client, unset, practice):
    # The second request would be served from the cache if its key ignored the host.
    get(client, "/practices/hotline-for-victims/", host="testserver")
    html = get(client, "/practices/hotline-for-victims/")
    assert f'href="http://{MIRROR}/practices/hotline-for-victims/"' in html
    assert "http://testserver/" not in html
