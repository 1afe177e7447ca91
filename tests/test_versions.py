"""Versioned permalinks: numbered from the published history, stable after edits."""

import pytest

from practices.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_version_permalink_keeps_its_text_after_the_page_is_edited(client):
    practice = f.make_practice(recommendation="Fund specialised task forces.")
    practice.recommendation = "Fund task forces and shelters."
    practice.save()
    old = client.get(f"{practice.get_absolute_url()}v/1/")
    new = client.get(f"{practice.get_absolute_url()}v/2/")
    assert old.status_code == new.status_code == 200
    assert "Fund specialised task forces." in old.content.decode()
    assert "Fund task forces and shelters." not in old.content.decode()
    assert "This is an older version" in old.content.decode()
    assert f'href="{practice.get_absolute_url()}"' in old.content.decode()
    assert "Fund task forces and shelters." in new.content.decode()
    assert "This is an older version" not in new.content.decode()


@pytest.mark.parametrize("kind", ["initiative", "jurisdiction", "finding"])
def test_every_citable_kind_keeps_its_text_in_its_versions(client, kind):
    field, obj = {
        "initiative": ("summary", lambda: f.make_initiative(summary="First words.")),
        "jurisdiction": (
            "description",
            lambda: f.make_jurisdiction(description="First words."),
        ),
        "finding": ("statement", lambda: f.make_finding(statement="First words.")),
    }[kind]
    record = obj()
    setattr(record, field, "Second words.")
    record.save()
    body = client.get(f"{record.get_absolute_url()}v/1/").content.decode()
    assert "First words." in body and "Second words." not in body


def test_draft_edits_are_not_versions_and_the_page_shows_its_number(client):
    practice = f.make_practice(status=Status.DRAFT)
    practice.title = "Still a draft"
    practice.save()
    practice.status = Status.PUBLISHED
    practice.save()
    practice.title = "Published twice"
    practice.save()
    body = client.get(practice.get_absolute_url()).content.decode()
    assert "Version 2, last updated" in body
    history = client.get(f"{practice.get_absolute_url()}history/")
    assert history.status_code == 200
    assert f"{practice.get_absolute_url()}v/2/" in history.content.decode()
    assert client.get(f"{practice.get_absolute_url()}v/3/").status_code == 404
    assert client.get(f"{practice.get_absolute_url()}v/0/").status_code == 404


def test_versions_of_a_record_that_is_no_longer_published_are_not_found(client):
    practice = f.make_practice()
    practice.status = Status.DRAFT
    practice.save()
    assert client.get(f"{practice.get_absolute_url()}v/1/").status_code == 404
    assert client.get(f"{practice.get_absolute_url()}history/").status_code == 404


def test_the_cite_panel_cites_the_permalink_of_the_version_being_read(client):
    practice = f.make_practice()
    practice.save()
    current = client.get(practice.get_absolute_url())
    assert current.context["cite"]["permalink"] == f"{practice.get_absolute_url()}v/2/"
    old = client.get(f"{practice.get_absolute_url()}v/1/")
    assert old.context["cite"]["citation"].url.endswith(
        f"{practice.get_absolute_url()}v/1/"
    )
    assert 'name="robots" content="noindex"' in old.content.decode()


def test_loaded_content_has_a_first_version_on_every_page(client, db):
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    body = client.get("/practices/").content.decode()
    assert "best practice" in body
    from practices.models import BestPractice

    practice = BestPractice.objects.published().first()
    page = client.get(practice.get_absolute_url()).content.decode()
    assert "Version 1, last updated" in page
    assert client.get(f"{practice.get_absolute_url()}v/1/").status_code == 200
