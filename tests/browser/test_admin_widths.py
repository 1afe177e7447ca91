"""Curators' forms fit a 1,280 px screen: the finding form with its figures and the
initiative form with its findings scroll down, never sideways. Screenshots go to
artifacts/admin-widths/."""

import pytest
from django.db.models import Count

from practices.models import BestPractice, Finding

from .support import DESKTOP, artifact_dir
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
