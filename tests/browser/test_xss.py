"""Hostile text in every text field of a published practice, initiative and finding
runs nowhere on the public site: not with the Content-Security-Policy, and not even
with the policy switched off in the browser (so escaping alone holds).

The records are written with the ORM, below the admin's validation, so the pages are
tested against the worst a curator's account (or a bad import) could store."""

import pytest
from django.db import models

from practices.models import (
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    Jurisdiction,
    PracticeSource,
)

from ..factories import make_finding, make_initiative, make_practice

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed"
).expect

# Starts with a javascript: URL (in case a field is ever used as a link), then raw
# HTML with a script and an event handler, then a Markdown link to javascript:.
PAYLOAD = (
    "javascript:alert(1)//<script>alert(2)</script><img src=x onerror=alert(3)>"
    "[a](javascript:alert(4))"
)
SHORT_PAYLOAD = "<script>alert(5)</script>"
TAG = '<script>alert("tag")</script>'

# What a page must not contain once rendered: inline scripts (JSON-LD data aside),
# event-handler attributes, and links or frames that would run javascript:.
INJECTED = """() => {
    const found = [];
    for (const s of document.querySelectorAll("script:not([src])")) {
        // A JSON-LD data block never runs; it must still be one whole JSON value
        // (a payload that closed it early would leave broken JSON behind).
        if (s.type === "application/ld+json") {
            try { JSON.parse(s.textContent); continue; } catch (e) {}
        }
        found.push(`inline script: ${s.outerHTML.slice(0, 160)}`);
    }
    for (const el of document.querySelectorAll("*")) {
        for (const attr of el.attributes) {
            if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}`);
        }
    }
    const linking = "[href], [src], [action], [formaction]";
    for (const el of document.querySelectorAll(linking)) {
        for (const name of ["href", "src", "action", "formaction"]) {
            const v = (el.getAttribute(name) || "").replace(/\\s/g, "").toLowerCase();
            if (v.startsWith("javascript:")) found.push(`${el.tagName} ${name}=${v}`);
        }
    }
    return found;
}"""


def hostile_fields(model):
    """A payload for every free-text field of `model`, cut to the field's length."""
    values = {}
    for field in model._meta.concrete_fields:
        is_text = isinstance(field, models.CharField | models.TextField)
        if not is_text or isinstance(field, models.SlugField) or field.choices:
            continue
        if not field.editable:
            continue
        limit = field.max_length or len(PAYLOAD)
        values[field.name] = PAYLOAD if limit >= len(PAYLOAD) else SHORT_PAYLOAD
    return values


@pytest.fixture
def hostile_records(site):
    sweden = Jurisdiction.objects.get(slug="sweden")
    initiative = make_initiative(
        slug="hostile-initiative",
        jurisdiction=sweden,
        tags=[TAG],
        **hostile_fields(Initiative),
    )
    practice = make_practice(
        slug="hostile-practice",
        jurisdiction=sweden,
        tags=[TAG],
        initiatives=[initiative],
        **hostile_fields(BestPractice),
    )
    PracticeSource.objects.filter(practice=practice).update(locator=PAYLOAD)
    finding = make_finding(
        slug="hostile-finding",
        jurisdiction=sweden,
        initiative=initiative,
        **hostile_fields(Finding),
    )
    FindingFigure.objects.create(
        finding=finding, position=0, value=12, **hostile_fields(FindingFigure)
    )
    tag = practice.tags.get()
    source = PracticeSource.objects.get(practice=practice).source
    return {
        "source_url": source.get_absolute_url(),
        "practice": practice,
        "initiative": initiative,
        "finding": finding,
        "tag_url": f"/tags/{tag.slug}/",
    }


def public_pages(records):
    return [
        "/",
        "/practices/",
        "/practices/?q=script",
        f"/practices/?jurisdiction=sweden&tag={records['tag_url'].split('/')[2]}",
        records["practice"].get_absolute_url(),
        "/initiatives/",
        records["initiative"].get_absolute_url(),
        "/findings/",
        records["finding"].get_absolute_url(),
        "/jurisdictions/sweden/",
        "/tags/",
        records["tag_url"],
        "/search/?q=alert",
        "/search/?q=script",
        "/compare/?j=sweden&j=united-states",
        "/gaps/",
        records["source_url"],
    ]


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_hostile_text_in_every_field_runs_on_no_public_page(
    browser, site, hostile_records, problems, csp
):
    context = browser.new_context(base_url=site.url, bypass_csp=csp == "bypassed")
    try:
        page = problems.watch(context.new_page())
        injected = {}
        for path in public_pages(hostile_records):
            response = page.goto(path)
            assert response.status == 200, path
            # Give a payload that slipped through a moment to run (onerror fires
            # once the bogus image fails to load).
            page.wait_for_load_state("networkidle")
            found = page.evaluate(INJECTED)
            if found:
                injected[path] = found
        # The payload is shown to readers as the text it is.
        page.goto(hostile_records["practice"].get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "<script>alert(2)</script>"
        )
    finally:
        context.close()
    assert injected == {}
    assert list(problems) == []  # no dialog, no console error, no page error
