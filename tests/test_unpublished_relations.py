"""Published records whose relations are not published: no public page shows broken
wording or links to a page that answers 404 (what publishing without the dependency
check used to produce: "No published source is recorded for this entry., a best
practice is:", and "From: Ontario" linking to nothing)."""

import re
from urllib.parse import urlsplit

import pytest

from practices.models import Status

from .factories import (
    make_finding,
    make_initiative,
    make_jurisdiction,
    make_organization,
    make_practice,
    make_quotation,
    make_source,
)

DRAFT = Status.DRAFT
HREF = re.compile(r'href="([^"]+)"')
BROKEN_WORDING = [
    re.compile(r"\.,"),  # a sentence's full stop followed by more of the sentence
    re.compile(r"recorded for this entry\.,"),
    re.compile(r"From:?\s*</dt>\s*<dd>\s*</dd>"),
]


@pytest.fixture
def records(db):
    place = make_jurisdiction("Ontario", slug="ontario", status=DRAFT)
    country = make_jurisdiction("Canada", slug="canada", status=DRAFT)
    city = make_jurisdiction("Toronto", slug="toronto", parent=country)
    org = make_organization("Draft police unit", jurisdiction=place, status=DRAFT)
    book = make_source("Draft report", slug="draft-report", status=DRAFT)
    source = make_source(
        "Published study", slug="published-study", organization=org, reported_in=book
    )
    part = make_initiative("Draft plan", jurisdiction=place, status=DRAFT)
    initiative = make_initiative(
        "Hotel outreach",
        slug="hotel-outreach",
        jurisdiction=place,
        source=book,
        part_of=part,
        tags=["hotels"],
    )
    initiative.lead_organizations.add(org)
    draft_initiative = make_initiative("Draft initiative", status=DRAFT)
    practice = make_practice(
        "Train hotel staff",
        slug="train-hotel-staff",
        jurisdiction=place,
        source=book,
        initiatives=[initiative, draft_initiative],
        tags=["hotels"],
    )
    finding = make_finding(
        "Calls a month",
        slug="calls-a-month",
        jurisdiction=place,
        source=book,
        initiative=draft_initiative,
    )
    make_quotation(source=book, jurisdiction=place, initiative=initiative)
    organization = make_organization("Published NGO", slug="ngo", jurisdiction=place)
    return [practice, initiative, finding, source, organization, city]


def internal_links(html):
    for href in HREF.findall(html):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(("/static/", "/admin/")):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def test_no_public_page_shows_broken_wording_or_links_to_a_404(client, records):
    pages = [record.get_absolute_url() for record in records]
    pages += ["/", "/practices/", "/initiatives/", "/findings/", "/sources/"]
    pages += ["/jurisdictions/", "/tags/hotels/", "/search/?q=hotel"]
    checked, problems = {}, []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        text = re.sub(r"<[^>]+>", "", html)
        for pattern in BROKEN_WORDING:
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 60) : match.end() + 20]
                problems.append(f"{url} reads “{' '.join(around.split())}”")
        for link in internal_links(html):
            if link not in checked:
                checked[link] = client.get(link).status_code
            if checked[link] == 404:
                problems.append(f"{url} links to {link}, which answers 404")
    assert problems == [], "\n".join(problems)
    assert len(checked) > 20  # the crawl did follow the pages' links
