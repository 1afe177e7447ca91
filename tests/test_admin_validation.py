"""Each validation rule a curator can trip, with the message they see."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practices.models import BestPractice, Finding, Initiative, Source, Status

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_curator,
    make_editor,
    make_finding,
    make_initiative,
    make_jurisdiction,
    make_practice,
    make_source,
)

NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def curator(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def add_form(client, model, **values):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    data = admin_form_data(client.get(url))
    data.update(values)
    return url, data


def errors_of(response):
    assert response.status_code == 200, "the form was accepted"
    return response.content.decode()


def practice_values(**overrides):
    jurisdiction = make_jurisdiction()
    source = make_source()
    values = {
        "title": "A practice",
        "slug": "a-practice",
        "recommendation": "Do it.",
        "theme": "prevention",
        "jurisdiction": str(jurisdiction.pk),
        "status": Status.DRAFT,
        "practicesource_set-TOTAL_FORMS": "1",
        "practicesource_set-0-source": str(source.pk),
    }
    values.update(overrides)
    return values


def test_duplicate_slug_names_the_record_that_has_it(curator):
    make_practice(title="The first one", slug="a-practice")
    url, data = add_form(curator, BestPractice, **practice_values())
    page = errors_of(curator.post(url, data))
    assert "The slug “a-practice” is already used by the best practice " in page
    assert "“The first one”. Choose a different slug." in page
    assert BestPractice.objects.filter(slug="a-practice").count() == 1


def test_best_practice_without_a_theme_is_refused(curator):
    url, data = add_form(curator, BestPractice, **practice_values(theme=""))
    page = errors_of(curator.post(url, data))
    assert "Choose the practice&#x27;s theme: prevention, protection" in page
    assert not BestPractice.objects.filter(slug="a-practice").exists()


def test_removing_the_last_source_of_a_published_practice_is_refused(curator):
    practice = make_practice(status=Status.PUBLISHED)
    url = reverse("admin:practices_bestpractice_change", args=[practice.pk])
    data = admin_form_data(curator.get(url)) | {"practicesource_set-0-DELETE": "on"}
    page = errors_of(curator.post(url, data))
    assert "A best practice cannot be published without a source" in page


def test_a_draft_best_practice_may_be_saved_without_a_source(curator):
    values = practice_values()
    values["practicesource_set-TOTAL_FORMS"] = "0"
    url, data = add_form(curator, BestPractice, **values)
    assert curator.post(url, data).status_code == 302


def test_publish_action_skips_a_practice_without_a_source(db):
    editor = Client()
    make_editor("editor")
    assert editor.login(username="editor", password=CURATOR_PASSWORD)
    practice = make_practice(title="Sourceless", status=Status.DRAFT)
    practice.practicesource_set.all().delete()
    response = editor.post(
        reverse("admin:practices_bestpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk], "post": "yes"},
        follow=True,
    )
    page = response.content.decode()
    assert "“Sourceless” has no source; add the source it comes from" in page
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT


def test_initiative_start_year_in_the_future_is_refused(curator):
    jurisdiction = make_jurisdiction()
    url, data = add_form(
        curator,
        Initiative,
        title="Future plan",
        slug="future-plan",
        kind="programme",
        role="example",
        jurisdiction=str(jurisdiction.pk),
        summary="A plan.",
        status=Status.DRAFT,
        start_year=str(NEXT_YEAR),
    )
    page = errors_of(curator.post(url, data))
    assert f"{NEXT_YEAR} is in the future" in page
    assert "give the year the source reports" in page


def test_source_year_in_the_future_is_refused(curator):
    url, data = add_form(
        curator,
        Source,
        title="A report",
        slug="a-report",
        kind="report",
        language="en",
        status=Status.DRAFT,
        year=str(NEXT_YEAR),
    )
    page = errors_of(curator.post(url, data))
    assert f"{NEXT_YEAR} is in the future" in page
    assert not Source.objects.filter(slug="a-report").exists()


def finding_values(**overrides):
    values = {
        "title": "Arrests went up",
        "slug": "arrests-went-up",
        "kind": "count",
        "statement": "Arrests went up.",
        "jurisdiction": str(make_jurisdiction().pk),
        "source": str(make_source().pk),
        "status": Status.DRAFT,
        "figures-TOTAL_FORMS": "0",
    }
    values.update(overrides)
    return values


def test_finding_without_a_source_is_refused(curator):
    url, data = add_form(curator, Finding, **finding_values(source=""))
    page = errors_of(curator.post(url, data))
    assert "A finding must cite its source" in page
    assert not Finding.objects.exists()


def test_finding_period_in_the_future_is_refused(curator):
    url, data = add_form(curator, Finding, **finding_values(period_end=str(NEXT_YEAR)))
    page = errors_of(curator.post(url, data))
    assert f"{NEXT_YEAR} is in the future" in page


def figure(n, value, year=""):
    return {
        f"figures-{n}-position": str(n),
        f"figures-{n}-label": f"Figure {n}",
        f"figures-{n}-value": str(value),
        f"figures-{n}-unit": "arrests",
        f"figures-{n}-year": str(year),
    }


def test_change_finding_with_one_figure_is_refused(curator):
    values = finding_values(kind="change", **{"figures-TOTAL_FORMS": "1"})
    url, data = add_form(curator, Finding, **values, **figure(0, 10))
    page = errors_of(curator.post(url, data))
    assert "A before/after (change) finding needs at least two figures" in page
    assert "it has 1." in page


def test_change_finding_with_two_figures_is_accepted(curator):
    values = finding_values(kind="change", **{"figures-TOTAL_FORMS": "2"})
    url, data = add_form(curator, Finding, **values, **figure(0, 10), **figure(1, 30))
    assert curator.post(url, data).status_code == 302
    assert Finding.objects.get().figures.count() == 2


def test_deleting_the_second_figure_of_a_change_finding_is_refused(curator):
    finding = make_finding(kind="change", figures=[("1998", 10), ("2003", 3)])
    url = reverse("admin:practices_finding_change", args=[finding.pk])
    data = admin_form_data(curator.get(url))
    data["figures-1-DELETE"] = "on"
    page = errors_of(curator.post(url, data))
    assert "needs at least two figures" in page
    assert finding.figures.count() == 2


def test_figure_year_in_the_future_is_refused(curator):
    values = finding_values(**{"figures-TOTAL_FORMS": "1"})
    url, data = add_form(curator, Finding, **values, **figure(0, 5, NEXT_YEAR))
    page = errors_of(curator.post(url, data))
    assert f"{NEXT_YEAR} is in the future" in page


def test_this_year_is_not_in_the_future(curator):
    this_year = timezone.localdate().year
    initiative = make_initiative(start_year=2000, status=Status.DRAFT)
    url = reverse("admin:practices_initiative_change", args=[initiative.pk])
    data = admin_form_data(curator.get(url)) | {"start_year": str(this_year)}
    assert curator.post(url, data).status_code == 302
    initiative.refresh_from_db()
    assert initiative.start_year == this_year
