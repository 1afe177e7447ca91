"""Journeys through the site in Chromium: a researcher narrowing the practices down,
and a curator adding, publishing and finding a practice (and two curators' concurrent
edits merged, or shown side by side)."""

import re

import pytest
from django.conf import settings

from practices.models import BestPractice, Initiative, Jurisdiction, Source

from ..factories import CURATOR_PASSWORD, make_practice

pytestmark = pytest.mark.browser

# The original fields, not their French and Spanish translations below them
# ("Title (French)"): Django's admin labels end with a colon.
TITLE = re.compile(r"^Title:?$")
RECOMMENDATION = re.compile(r"^Recommendation:?$")
expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed"
).expect

ADMIN = "/" + settings.ADMIN_PATH


def test_researcher_narrows_by_country_and_tags_pages_through_and_reaches_sources(
    site, page
):
    # Enough practices in the United States for two pages of one tag's results.
    united_states = Jurisdiction.objects.get(slug="united-states")
    book = Source.objects.get(slug="perrin-2010-invisible-chains")
    for n in range(25):
        make_practice(
            f"Shelter network {n:02}",
            jurisdiction=united_states,
            source=book,
            tags=["victim services"],
            position=100 + n,
        )

    page.goto("/")
    page.get_by_role("region", name="Browse by country").get_by_role(
        "link", name="United States"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("United States")
    page.get_by_role("link", name="Filter these practices").click()
    expect(page).to_have_url(re.compile(r"/practices/\?jurisdiction=united-states$"))

    facets = page.get_by_role("region", name="Narrow the list")
    facets.get_by_role("link", name="victim services", exact=True).click()
    facets.get_by_role("link", name="case management", exact=True).click()
    active = page.get_by_role("region", name="Active filters")
    expect(active).to_contain_text("Tag: victim services")
    expect(active).to_contain_text("Tag: case management")
    # Only one practice carries both tags.
    expect(page.locator("#results-title")).to_have_text("1 best practice")

    active.get_by_role("link", name="Remove the tag filter case management").click()
    expect(active).not_to_contain_text("Tag: case management")
    expect(active).to_contain_text("Tag: victim services")
    expect(page.locator("#results-title")).to_have_text("28 best practices")

    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Next page").click()
    expect(pages).to_contain_text("Page 2 of 2")
    # The filters survive paging.
    assert (
        "jurisdiction=united-states" in page.url and "tag=victim-services" in page.url
    )
    expect(active).to_contain_text("Jurisdiction: United States")
    expect(page.locator(".practice-item")).to_have_count(8)

    page.get_by_role("link", name="Shelter network 24").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shelter network 24")
    references = page.get_by_role("region", name="References")
    references.get_by_role("link", name=book.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(book.title)


def log_in(page, username):
    page.goto(ADMIN + "login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text(username)


def choose_in_autocomplete(page, select_id, typed, option):
    """Pick `option` in one of the admin's select2 autocomplete widgets."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_curator_adds_an_editor_publishes_and_a_visitor_finds_the_practice(
    site, page, new_curator, new_editor, browser
):
    new_curator("carla")
    new_editor("edith")
    initiative = Initiative.objects.get(slug="us-human-trafficking-task-forces")
    book = Source.objects.get(slug="perrin-2010-invisible-chains")

    log_in(page, "carla")
    page.goto(ADMIN + "practices/bestpractice/add/")
    page.get_by_label(TITLE).press_sequentially("Train hotel staff to spot trafficking")
    # The admin's own script fills the slug in from the title.
    expect(page.locator("#id_slug")).to_have_value(
        "train-hotel-staff-to-spot-trafficking"
    )
    page.get_by_label(RECOMMENDATION).fill(
        "Hotels should train their staff to recognise victims and call the hotline."
    )
    page.get_by_label("Theme").select_option("prevention")
    choose_in_autocomplete(page, "id_jurisdiction", "Swe", "Sweden")
    page.locator("#id_initiatives + .select2 .select2-search__field").fill(
        initiative.title[:12]
    )
    page.locator(".select2-results__option", has_text=initiative.title).click()
    page.get_by_label("Tags").fill("hotel staff, staff training")
    page.get_by_role("button", name="Add another source").click()
    choose_in_autocomplete(
        page, "id_practicesource_set-0-source", "Invisible", book.title
    )
    page.locator("#id_practicesource_set-0-locator").fill("Best practices")
    page.get_by_role("button", name="Save and submit for review").click()
    # New tags are not made silently: the form asks first, keeping the input.
    expect(page.locator(".field-tags .errorlist")).to_contain_text(
        "Saving will create new tags “hotel staff”, “staff training”."
    )
    page.get_by_label("Yes, create the new tags").check()
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for review")

    # An editor publishes it from the list, after the page that asks first.
    page.context.clear_cookies()
    log_in(page, "edith")
    page.goto(ADMIN + "practices/bestpractice/?q=hotel+staff")
    row = page.locator("#result_list tbody tr", has_text="Train hotel staff")
    expect(row).to_contain_text("In review")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("#confirm-action")).to_contain_text("publish 1 best practice")
    page.get_by_role("button", name="Yes, publish 1 best practice").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 1:")

    practice = BestPractice.objects.get(slug="train-hotel-staff-to-spot-trafficking")
    assert [i.title for i in practice.initiatives.all()] == [initiative.title]

    # A visitor, not logged in, finds it through its tag and through search.
    visitor = browser.new_context(base_url=site.url)
    try:
        public = visitor.new_page()
        public.goto("/tags/hotel-staff/")
        public.get_by_role("link", name="Train hotel staff to spot trafficking").click()
        expect(public.get_by_role("heading", level=1)).to_have_text(
            "Train hotel staff to spot trafficking"
        )
        examples = public.get_by_role("region", name="Initiatives that illustrate it")
        expect(examples.get_by_role("link", name=initiative.title)).to_be_visible()

        public.get_by_role("search").first.get_by_label("Search").fill("hotel staff")
        public.keyboard.press("Enter")
        expect(public).to_have_url(re.compile(r"/search/\?q=hotel\+staff"))
        expect(
            public.get_by_role("link", name=re.compile("Train hotel staff"))
        ).to_be_visible()
    finally:
        visitor.close()


def test_two_curators_concurrent_edits_merge_or_show_both_in_the_browser(
    site, browser, new_curator, problems
):
    new_curator("alice")
    new_curator("bob")
    practice = BestPractice.objects.get(slug="us-case-management")
    change = f"{ADMIN}practices/bestpractice/{practice.pk}/change/"
    alice_context = browser.new_context(base_url=site.url)
    bob_context = browser.new_context(base_url=site.url)
    try:
        alice = problems.watch(alice_context.new_page())
        bob = problems.watch(bob_context.new_page())
        log_in(alice, "alice")
        log_in(bob, "bob")
        alice.goto(change)
        bob.goto(change)

        bob.get_by_label(TITLE).fill("Case management, by Bob")
        bob.get_by_role("button", name="Save", exact=True).click()
        expect(bob.locator(".messagelist")).to_contain_text("saved as a pending change")

        # Different fields: Alice's save from the older form merges with Bob's.
        alice.get_by_label(RECOMMENDATION).fill("Alice's rewrite, from a stale form.")
        alice.get_by_role("button", name="Save", exact=True).click()
        expect(alice.locator(".messagelist")).to_contain_text(
            "your edit was merged with theirs, keeping their changes to Title"
        )
        expect(alice.get_by_label(TITLE)).to_have_value("Case management, by Bob")
        expect(alice.get_by_label(RECOMMENDATION)).to_have_value(
            "Alice's rewrite, from a stale form."
        )

        # The same field: Bob, still on his older form, sees both versions.
        bob.get_by_label(RECOMMENDATION).fill("Bob's recommendation.")
        bob.get_by_role("button", name="Save", exact=True).click()
        expect(bob.get_by_text("Your changes were NOT saved yet")).to_be_visible()
        their = bob.locator(".field-recommendation .their-version")
        expect(their).to_have_text("Alice's rewrite, from a stale form.")
        expect(bob.get_by_label(RECOMMENDATION)).to_have_value("Bob's recommendation.")
        bob.get_by_label("Use their version").check()
        bob.get_by_role("button", name="Save", exact=True).click()
        expect(bob.locator(".messagelist")).to_contain_text("saved as a pending change")
        expect(bob.get_by_label(RECOMMENDATION)).to_have_value(
            "Alice's rewrite, from a stale form."
        )
        expect(bob.get_by_label(TITLE)).to_have_value("Case management, by Bob")

        # The public page shows none of it until an editor publishes the change.
        alice.goto(practice.get_absolute_url())
        expect(alice.get_by_role("heading", level=1)).to_have_text(practice.title)
        expect(alice.locator("body")).not_to_contain_text("Alice's rewrite")
    finally:
        alice_context.close()
        bob_context.close()
    assert list(problems) == []


def test_published_practice_edited_submitted_previewed_and_published(
    site, browser, new_curator, new_editor, problems
):
    new_curator("carla")
    new_editor("edith")
    practice = BestPractice.objects.get(slug="us-case-management")
    change = f"{ADMIN}practices/bestpractice/{practice.pk}/change/"
    carla_context = browser.new_context(base_url=site.url)
    edith_context = browser.new_context(base_url=site.url)
    visitor_context = browser.new_context(base_url=site.url)
    try:
        carla = problems.watch(carla_context.new_page())
        edith = problems.watch(edith_context.new_page())
        visitor = problems.watch(visitor_context.new_page())
        log_in(carla, "carla")
        log_in(edith, "edith")

        # The curator edits the published practice: the public page stays as it was.
        carla.goto(change)
        carla.get_by_label(TITLE).fill("Case management for every survivor")
        carla.get_by_role("button", name="Save and continue editing").click()
        expect(carla.locator(".messagelist")).to_contain_text(
            "saved as a pending change"
        )
        visitor.goto(practice.get_absolute_url())
        expect(visitor.get_by_role("heading", level=1)).to_have_text(practice.title)

        # She submits it, and cannot publish it herself.
        panel = carla.locator("#workflow")
        panel.get_by_role("button", name="Submit for review").click()
        expect(carla.locator(".messagelist")).to_contain_text("submitted for review")
        expect(panel.get_by_role("button", name="Publish changes")).to_have_count(0)
        expect(panel.get_by_role("button", name="Approve and publish")).to_have_count(0)

        # The editor previews the pending change, then publishes it.
        edith.goto(change)
        edith.locator("#workflow").get_by_role(
            "link", name=re.compile("Preview")
        ).click()
        expect(edith.locator(".preview-banner")).to_contain_text("Preview — not public")
        expect(edith.get_by_role("heading", level=1)).to_have_text(
            "Case management for every survivor"
        )
        edith.go_back()
        edith.locator("#workflow").get_by_role("button", name="Publish changes").click()
        expect(edith.locator(".messagelist")).to_contain_text(
            "published as its next public version"
        )

        visitor.goto(practice.get_absolute_url())
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            "Case management for every survivor"
        )
        expect(visitor.locator(".preview-banner")).to_have_count(0)
    finally:
        for context in (carla_context, edith_context, visitor_context):
            context.close()
    assert list(problems) == []


def test_editor_requests_changes_and_the_curator_sees_the_comment(
    site, browser, new_curator, new_editor, problems
):
    new_curator("carla")
    new_editor("edith")
    practice = BestPractice.objects.get(slug="us-case-management")
    change = f"{ADMIN}practices/bestpractice/{practice.pk}/change/"
    carla_context = browser.new_context(base_url=site.url)
    edith_context = browser.new_context(base_url=site.url)
    try:
        carla = problems.watch(carla_context.new_page())
        edith = problems.watch(edith_context.new_page())
        log_in(carla, "carla")
        log_in(edith, "edith")
        carla.goto(change)
        carla.get_by_label(TITLE).fill("Case management (draft wording)")
        carla.get_by_role("button", name="Save and submit for review").click()
        expect(carla.locator(".messagelist")).to_contain_text("submitted for review")

        edith.goto(change)
        panel = edith.locator("#workflow")
        panel.get_by_label("Comment").fill("Quote the book's wording for the title.")
        panel.get_by_role("button", name="Request changes").click()
        expect(edith.locator(".messagelist")).to_contain_text("Changes requested")

        carla.goto(change)
        comments = carla.locator("#review-comments")
        expect(comments).to_contain_text("Changes requested by edith")
        expect(comments).to_contain_text("Quote the book's wording for the title.")
        expect(carla.locator("#workflow-status")).to_contain_text(
            "not yet submitted for review"
        )
    finally:
        carla_context.close()
        edith_context.close()
    assert list(problems) == []


def test_student_copies_the_apa_citation_downloads_ris_and_opens_the_permalink(
    site, page, context
):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    practice = BestPractice.objects.get(slug="us-proactive-local-police-initiatives")

    page.goto("/practices/")
    page.get_by_role("link", name=practice.title).click()
    panel = page.get_by_role("region", name="Cite this page")
    # The page's own APA citation (the panel also cites the original sources).
    copy_apa = panel.locator("button[data-copy-target=cite-apa]")
    expect(copy_apa).to_have_text(re.compile(r"^Copy APA"))
    copy_apa.click()
    expect(copy_apa).to_have_text("Copied")
    apa = " ".join(panel.locator("#cite-apa").text_content().split())
    assert page.evaluate("navigator.clipboard.readText()") == apa
    assert practice.title in apa

    with page.expect_download() as download:
        panel.get_by_role("link", name="RIS (cite.ris)").click()
    assert download.value.suggested_filename.endswith(".ris")
    ris = download.value.path().read_text(encoding="utf-8")
    assert ris.startswith("TY  - ")
    assert f"TI  - {practice.title}" in ris
    assert "ER  - " in ris

    # The citation points at the permanent link of this version; it opens.
    panel.get_by_role("link", name="Permanent link to this version").click()
    expect(page).to_have_url(re.compile(rf"/practices/{practice.slug}/v/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(practice.title)
    assert page.url.removeprefix(site.url) in apa
