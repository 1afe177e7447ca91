"""Readers' suggestions in Chromium, with the page cache on: a visitor suggests a
correction and a curator acts on it; a visitor suggests a practice and the accepted
suggestion becomes a draft."""

import pytest
from django.conf import settings

from practices.models import BestPractice, Status, Suggestion

from .test_journeys import RECOMMENDATION, choose_in_autocomplete, log_in

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed"
).expect

ADMIN = "/" + settings.ADMIN_PATH
PRACTICE = "/practices/us-proactive-local-police-initiatives/"


@pytest.fixture
def visitor(browser, site, problems):
    """A second tab, not logged in."""
    context = browser.new_context(base_url=site.url)
    context.set_default_timeout(10_000)
    yield problems.watch(context.new_page())
    context.close()


def test_correction_reaches_the_dashboard_and_the_practice_is_corrected(
    site, browser, page, visitor, new_curator, new_editor, problems
):
    visitor.goto(PRACTICE)  # cached for anonymous visitors from now on
    visitor.get_by_role("link", name="Suggest a correction").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Suggest a correction")
    visitor.get_by_label("What should change or be added?").fill(
        "The recommendation should say the police work with victim services."
    )
    visitor.get_by_label("The source it comes from").fill(
        "Perrin, Invisible Chains (2010), chapter 9"
    )
    visitor.get_by_role("button", name="Send suggestion").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Thank you")
    expect(visitor.get_by_role("heading", name="What happens next")).to_be_visible()

    new_curator("carla")
    log_in(page, "carla")
    page.goto(ADMIN)
    dashboard = page.locator("#curator-dashboard")
    dashboard.get_by_role("link", name="New suggestions from readers: 1").click()
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator(".readonly", has_text="victim services")).to_be_visible()
    page.get_by_label("State").select_option("accepted")
    page.get_by_label("Curator note").fill("Right: chapter 9 says so.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    suggestion = Suggestion.objects.get()
    assert suggestion.state == Suggestion.State.ACCEPTED
    assert suggestion.handled_by.username == "carla"

    # From the suggestion to the record: the curator corrects it and submits the
    # change; an editor publishes it (the editorial workflow's second pair of eyes).
    page.goto(ADMIN + f"practices/suggestion/{suggestion.pk}/change/")
    page.get_by_role("link", name="in the admin").click()
    change = page.url
    recommendation = page.get_by_label(RECOMMENDATION)
    recommendation.fill(
        recommendation.input_value() + " Police work with victim services."
    )
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for review")
    visitor.goto(PRACTICE)
    expect(visitor.locator("main")).not_to_contain_text(
        "Police work with victim services."
    )

    new_editor("edith")
    edith_context = browser.new_context(base_url=site.url)
    try:
        edith = problems.watch(edith_context.new_page())
        log_in(edith, "edith")
        edith.goto(change)
        edith.locator("#workflow").get_by_role("button", name="Publish changes").click()
        expect(edith.locator(".messagelist")).to_contain_text(
            "published as its next public version"
        )
    finally:
        edith_context.close()

    visitor.goto(PRACTICE)
    expect(visitor.locator("main")).to_contain_text("Police work with victim services.")


def test_suggested_practice_becomes_a_draft_when_accepted(
    site, page, visitor, new_curator
):
    visitor.goto("/")
    visitor.get_by_role("link", name="Suggest a practice").click()
    visitor.get_by_label("What should change or be added?").fill(
        "Sweden funds shelters for victims through a national programme."
    )
    visitor.get_by_label("The source it comes from").fill("https://example.org/report")
    visitor.get_by_role("button", name="Send suggestion").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Thank you")

    new_curator("carla")
    log_in(page, "carla")
    page.goto(ADMIN)
    page.locator("#curator-dashboard").get_by_role(
        "link", name="New suggestions from readers: 1"
    ).click()
    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_label("State").select_option("accepted")
    choose_in_autocomplete(page, "id_jurisdiction", "Swe", "Sweden")
    page.get_by_label("Theme").select_option("protection")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Draft practice created")
    page.locator(".messagelist li", has_text="Draft practice created").get_by_role(
        "link"
    ).click()
    expect(page.locator("main")).to_contain_text("Draft")

    suggestion = Suggestion.objects.get()
    draft = suggestion.practice
    assert draft.status == Status.DRAFT
    assert draft.jurisdiction.slug == "sweden"
    assert draft.recommendation.startswith("Sweden funds shelters")
    assert BestPractice.objects.filter(suggestions=suggestion).exists()
