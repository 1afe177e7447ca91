"""Every public page answers, shows only published records and attributes claims."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from practices.models import Initiative, Status, Theme
from tests import factories as f

pytestmark = pytest.mark.django_db


def build_world():
    """A country with a state and a city, tagged practices, initiatives, findings,
    and drafts that must never show. Shared by the test_public_* modules."""
    us = f.make_jurisdiction("United States", slug="united-states")
    state = f.make_jurisdiction(
        "Massachusetts", parent=us, kind="state", slug="massachusetts"
    )
    city = f.make_jurisdiction("Boston", parent=state, slug="boston")
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    book = f.make_source("Invisible Chains", slug="invisible-chains")
    study = f.make_source(
        "Northeastern study",
        slug="northeastern-study",
        kind="study",
        reported_in=book,
        locator="U.S. Human Trafficking Task Forces",
    )
    org = f.make_organization("Boston Police", slug="boston-police")
    task_force = f.make_initiative(
        "Boston task force",
        jurisdiction=city,
        source=book,
        slug="boston-task-force",
        tags=["task forces"],
    )
    task_force.lead_organizations.add(org)
    contrast = f.make_initiative(
        "Legalized brothels",
        jurisdiction=sweden,
        source=book,
        slug="legalized-brothels",
        role=Initiative.Role.CAUTIONARY,
    )
    draft_initiative = f.make_initiative(
        "Secret draft initiative",
        jurisdiction=city,
        slug="secret-draft",
        status=Status.DRAFT,
    )
    practice = f.make_practice(
        "Create task forces",
        jurisdiction=us,
        source=book,
        slug="create-task-forces",
        theme=Theme.PARTNERSHIP,
        tags=["task forces", "police"],
        initiatives=[task_force, contrast, draft_initiative],
        discussion="Task forces **work** together.",
    )
    f.make_practice(
        "Train police",
        jurisdiction=state,
        source=book,
        slug="train-police",
        theme=Theme.PROSECUTION,
        tags=["police"],
    )
    f.make_practice(
        "Swedish law",
        jurisdiction=sweden,
        source=book,
        slug="swedish-law",
        tags=["demand"],
    )
    f.make_practice("Draft practice", jurisdiction=us, status=Status.DRAFT)
    finding = f.make_finding(
        "Cases before and after",
        jurisdiction=city,
        source=study,
        initiative=task_force,
        slug="cases-before-after",
        kind="change",
        claimant="the task force's coordinator",
        figures=[("Before", Decimal("150.00")), ("After", Decimal("32.20"))],
    )
    f.make_quotation(
        "We work together.",
        source=book,
        initiative=task_force,
        jurisdiction=city,
        slug="we-work-together",
    )
    return {
        "us": us,
        "state": state,
        "city": city,
        "sweden": sweden,
        "book": book,
        "study": study,
        "org": org,
        "task_force": task_force,
        "contrast": contrast,
        "practice": practice,
        "finding": finding,
    }


@pytest.fixture
def world(db):
    return build_world()


PINNED = [
    ("home", {}, "/"),
    ("about", {}, "/about/"),
    ("about-basis", {}, "/about/basis/"),
    ("search", {}, "/search/"),
    ("compare", {}, "/compare/"),
    ("practice-list", {}, "/practices/"),
    ("practice-detail", {"slug": "x"}, "/practices/x/"),
    ("initiative-list", {}, "/initiatives/"),
    ("initiative-detail", {"slug": "x"}, "/initiatives/x/"),
    ("jurisdiction-list", {}, "/jurisdictions/"),
    ("jurisdiction-detail", {"slug": "x"}, "/jurisdictions/x/"),
    ("finding-list", {}, "/findings/"),
    ("finding-detail", {"slug": "x"}, "/findings/x/"),
    ("tag-list", {}, "/tags/"),
    ("tag-detail", {"slug": "x"}, "/tags/x/"),
    ("source-list", {}, "/sources/"),
    ("source-detail", {"slug": "x"}, "/sources/x/"),
    ("organization-detail", {"slug": "x"}, "/organizations/x/"),
]


@pytest.mark.parametrize(("name", "kwargs", "path"), PINNED)
def test_public_url_paths_are_pinned(name, kwargs, path):
    assert reverse(f"practices:{name}", kwargs=kwargs) == path


def test_non_ascii_slugs_are_routed():
    assert reverse("practices:tag-detail", kwargs={"slug": "malmö"}) == (
        "/tags/malm%C3%B6/"
    )


def _pages(world):
    return [
        "/",
        "/about/",
        "/search/?q=task",
        "/compare/?j=united-states&j=sweden",
        "/practices/",
        world["practice"].get_absolute_url(),
        "/initiatives/",
        world["task_force"].get_absolute_url(),
        "/jurisdictions/",
        world["us"].get_absolute_url(),
        "/findings/",
        world["finding"].get_absolute_url(),
        "/tags/",
        "/tags/task-forces/",
        "/sources/",
        world["book"].get_absolute_url(),
        world["org"].get_absolute_url(),
    ]


def test_every_public_page_answers_with_one_h1_and_no_drafts(client, world):
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        assert "Secret draft initiative" not in html, url
        assert "Draft practice" not in html, url
        assert 'style="' not in html, url
        # Only scripts loaded from files, and JSON-LD data blocks (never executed).
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(
            " src=" in tag or 'type="application/ld+json"' in tag for tag in scripts
        ), url
        assert '<main id="main"' in html, url


def test_an_attribution_is_followed_by_its_colon_without_a_space(client, world):
    """ "Recommended in Perrin (2010)[1]: Recognize…", not "…[1] : Recognize…"."""
    for url in ("/practices/", world["practice"].get_absolute_url()):
        html = client.get(url).content.decode()
        assert re.search(r'class="attribution".*?</span>:', html, re.S), url
        assert not re.search(r"</span>\s+:", html), url
