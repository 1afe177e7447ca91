"""Curators' forms fit a 1,280 px screen: the finding form with its figures and the
initiative form with its findings scroll down, never sideways; the review panel of
a published record fits a 390 px phone. Screenshots go to artifacts/admin-widths/."""

import pytest
from django.db.models import Count
from django.test import Client
from playwright.sync_api import expect

from practices.models import BestPractice, Finding

from ..factories import CURATOR_PASSWORD, admin_form_data
from .support import DESKTOP, MOBILE, artifact_dir
from .test_journeys import ADMIN, log_in

pytestmark = pytest.mark.browser


def test_finding_and_initiative_forms_need_no_horizontal_scrolling(
    site, page, new_curator
):
    assert DESKTOP["width"] == 1280
    new_curator("carla")
    finding = (
        Finding.objects.filter(initiative__isnull=False)
        .annotate(count=Count("figures"))
        .order_by("-count", "pk")
        .first()
    )
    assert finding is not None and finding.figures.count() >= 2
    shots = artifact_dir("admin-widths")
    log_in(page, "carla")
    forms = {
        "finding": f"{ADMIN}practices/finding/{finding.pk}/change/",
        "initiative": f"{ADMIN}practices/initiative/{finding.initiative_id}/change/",
    }
    for name, url in forms.items():
        page.goto(url)
        page.screenshot(path=shots / f"{name}.png", full_page=True)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"the {name} form scrolls sideways: {widths}"
    # From the initiative form, the finding's figures are one link away.
    page.get_by_role("link", name=f"Edit or add the figures of “{finding}”").click()
    assert page.url.endswith(f"/finding/{finding.pk}/change/#figures-group")


def test_the_tags_input_suggests_the_tag_being_typed(site, page, new_curator):
    """Browsers match a datalist against the whole input: the script offers "the
    tags so far, <tag>", so the second tag is suggested too."""
    new_curator("tara")
    practice = BestPractice.objects.exclude(tags=None).order_by("pk").first()
    first = practice.tags.order_by("name").first().name
    log_in(page, "tara")
    page.goto(f"{ADMIN}practices/bestpractice/{practice.pk}/change/")
    tags = page.locator("input[data-tag-suggest]")
    tags.fill("")
    tags.press_sequentially(f"{first}, ")
    values = page.eval_on_selector_all(
        "#id_tags-suggestions option", "options => options.map(o => o.value)"
    )
    assert values and all(value.startswith(f"{first}, ") for value in values)
    assert f"{first}, {first}" not in values  # a chosen tag is not offered again
    box = tags.bounding_box()
    assert box["width"] >= 400  # the tags chosen so far stay in view


# What makes two buttons look alike: their colours, corners and padding.
LOOK = """button => {
    const style = getComputedStyle(button);
    return [style.backgroundColor, style.color, style.borderRadius, style.padding];
}"""


def test_review_panel_of_a_pending_change_fits_a_phone_with_the_admins_buttons(
    site, phone, new_curator, new_editor
):
    """An editor reviews a curator's change to a published practice on a phone: the
    comment box and the buttons fit the 390 px screen, and the buttons look like
    the admin's own Save buttons rather than the browser's bare ones."""
    assert MOBILE["width"] == 390
    new_curator("carla")
    new_editor("edith")
    practice = BestPractice.objects.published().order_by("pk").first()
    url = f"{ADMIN}practices/bestpractice/{practice.pk}/change/"
    curator = Client()
    assert curator.login(username="carla", password=CURATOR_PASSWORD)
    data = admin_form_data(curator.get(url)) | {
        "title": f"{practice.title} (edited)",
        "_submit_review": "Save and submit for review",
    }
    page = curator.post(url, data, follow=True).content.decode()
    assert "saved as a pending change" in page and "submitted for review" in page

    log_in(phone, "edith")
    phone.goto(url)
    panel = phone.locator("#workflow")
    expect(panel).to_contain_text("pending changes")
    publish = panel.get_by_role("button", name="Publish changes")
    discard = panel.get_by_role("button", name="Discard pending changes")
    expect(publish).to_be_visible()
    expect(discard).to_be_visible()
    panel.screenshot(path=artifact_dir("admin-widths") / "review-panel-390.png")
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the change page scrolls sideways: {widths}"
    comment = panel.get_by_label("Comment (required to request changes)")
    box = comment.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]
    # Publishing is the panel's main action, as saving is the form's.
    save = phone.locator('input[name="_save"]')
    save_and_continue = phone.locator('input[name="_continue"]')
    assert publish.evaluate(LOOK) == save.evaluate(LOOK)
    assert discard.evaluate(LOOK) == save_and_continue.evaluate(LOOK)
