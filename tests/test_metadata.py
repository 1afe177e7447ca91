"""Every citable detail page carries consistent metadata for reference managers
(Highwire, Dublin Core), social sites (Open Graph) and search engines (JSON-LD)."""

import json
import re
from html.parser import HTMLParser

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self._in_ld = {}, {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or attrs.get("property")):
            self.meta[attrs.get("name") or attrs.get("property")] = attrs["content"]
        if tag == "link":
            self.links[attrs["rel"]] = attrs["href"]
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))
            self._in_ld = False


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Head()
    parser.feed(response.content.decode())
    return response, parser


@pytest.fixture
def records(settings):
    settings.SITE_URL = "https://kb.example.org"
    settings.SITE_NAME = "The KB"
    law = f.make_initiative("Sex purchase law", kind="law")
    practice = f.make_practice(jurisdiction=law.jurisdiction, initiatives=[law])
    finding = f.make_finding(jurisdiction=law.jurisdiction, initiative=law)
    return {
        "practice": practice,
        "initiative": law,
        "finding": finding,
        "jurisdiction": law.jurisdiction,
    }


@pytest.mark.parametrize("kind", ["practice", "initiative", "finding", "jurisdiction"])
def test_every_detail_page_has_consistent_metadata(client, records, kind):
    obj = records[kind]
    response, head = head_of(client, obj.get_absolute_url())
    cite = response.context["cite"]["citation"]
    permalink = f"https://kb.example.org{obj.get_absolute_url()}v/1/"
    title = getattr(obj, "title", None) or obj.name
    assert head.meta["citation_title"] == head.meta["dcterms.title"] == title
    assert head.meta["og:title"] == cite.title == title
    assert head.meta["citation_author"] == head.meta["dcterms.creator"] == "The KB"
    assert head.meta["citation_publisher"] == "The KB"
    assert head.meta["citation_language"] == "en"
    assert head.meta["citation_public_url"] == head.meta["dcterms.identifier"]
    assert head.meta["citation_public_url"] == permalink == cite.url
    assert re.fullmatch(r"\d{4}/\d\d/\d\d", head.meta["citation_publication_date"])
    assert head.meta["dcterms.modified"] == cite.updated.isoformat()
    assert head.meta["og:type"] == "website"
    assert head.meta["og:site_name"] == "The KB"
    canonical = f"https://kb.example.org{obj.get_absolute_url()}"
    assert head.links["canonical"] == head.meta["og:url"] == canonical
    (ld,) = head.json_ld
    assert ld["author"] == ld["publisher"]
    assert ld["author"]["@type"] == "Organization"
    assert ld["dateModified"] == cite.updated.isoformat()
    assert ld["name"] == title
    assert ld["spatialCoverage"]["name"] == records["jurisdiction"].name
    expected = {
        "practice": "Article",
        "initiative": "Legislation",
        "finding": "Article",
        "jurisdiction": "WebPage",
    }[kind]
    assert ld["@type"] == expected


def test_json_ld_cannot_be_broken_out_of_by_content(client, settings):
    settings.SITE_URL = "https://kb.example.org"
    practice = f.make_practice(
        title="</script><script>alert(1)</script>", recommendation="a & b <i>"
    )
    response = client.get(practice.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>")[
        0
    ]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == practice.title


def test_cite_panel_copy_buttons_are_hidden_until_javascript_shows_them(
    client, records
):
    html = client.get(records["practice"].get_absolute_url()).content.decode()
    assert 'data-copy-target="cite-apa" hidden' in html
    assert re.search(r'<script src="/static/js/cite\.js" defer>', html)
    assert 'href="' + records["practice"].get_absolute_url() + 'cite.ris"' in html
