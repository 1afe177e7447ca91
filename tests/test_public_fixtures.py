"""The real content: every public URL answers 200, and the researcher's journey
from the home page to United States task-force practices and their sources."""

import re

import pytest

from practices.models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Source,
)
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.skipif(
    not list(FIXTURES_DIR.glob("*.json")), reason="the content fixtures are not there"
)


def hrefs(response):
    return re.findall(r'href="([^"#]+)"', response.content.decode())


def test_every_public_url_answers_200_with_the_content(client, content):
    urls = [
        "/",
        "/about/",
        "/practices/",
        "/initiatives/",
        "/jurisdictions/",
        "/findings/",
        "/tags/",
        "/sources/",
        "/search/?q=task+force",
        "/compare/?j=united-states&j=sweden",
        "/practices/?tag=task-forces&jurisdiction=united-states",
    ]
    for model in [
        BestPractice,
        Initiative,
        Jurisdiction,
        Finding,
        Source,
        Organization,
    ]:
        records = list(model.objects.published())
        assert records, model
        urls += [r.get_absolute_url() for r in records]
    urls += [f"/tags/{slug}/" for slug in _published_tag_slugs()]
    failures = {}
    for url in urls:
        status = client.get(url).status_code
        if status != 200:
            failures[url] = status
    assert not failures


def _published_tag_slugs():
    from practices.selectors import tag_list

    return [t.slug for t in tag_list()]


def test_home_to_united_states_task_force_practices_in_two_clicks(client, content):
    home = client.get("/")
    us_link = next(h for h in hrefs(home) if h == "/jurisdictions/united-states/")
    united_states = client.get(us_link)  # click 1
    assert united_states.status_code == 200
    tag_link = next(
        h.replace("&amp;", "&")
        for h in hrefs(united_states)
        if "jurisdiction=united-states" in h and "tag=task-forces" in h
    )
    listing = client.get(tag_link)  # click 2
    practices = list(listing.context["object_list"])
    expected = BestPractice.objects.published().filter(
        jurisdiction__path__startswith=Jurisdiction.objects.get(
            slug="united-states"
        ).path,
        tags__slug="task-forces",
    )
    assert practices and {p.pk for p in practices} == {p.pk for p in expected}
    practice = client.get(practices[0].get_absolute_url())  # click 3
    html = practice.content.decode()
    sources = html[html.index('id="references"') :]
    assert re.search(r'href="/sources/[^"]+/"', sources)


def test_a_place_page_lists_findings_that_give_a_number_for_it(client, content):
    # Stockholm's officer gives Oslo's estimate: the finding is filed under
    # Stockholm, and Oslo's and Norway's pages list it too, once.
    estimate = Finding.objects.get(slug="stockholm-oslo-2007-estimates")
    for slug in ["oslo", "norway", "stockholm", "sweden"]:
        response = client.get(f"/jurisdictions/{slug}/")
        findings = list(response.context["findings"])
        assert findings.count(estimate) == 1, slug
        assert estimate.get_absolute_url() in response.content.decode(), slug
    oslo = client.get("/jurisdictions/oslo/").content.decode()
    assert "Findings (0)" not in oslo
    assert estimate.title in oslo
    assert (
        client.get("/jurisdictions/canada/")
        .context["findings"]
        .filter(slug="stockholm-oslo-2007-estimates")
        .count()
        == 0
    )
