"""A curator's day through the admin: add a practice with tags and an illustrating
initiative, publish it, and find it on the public site."""

import pytest
from django.test import Client
from django.urls import reverse

from practices.models import BestPractice, Initiative, Status

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_curator,
    make_editor,
    make_initiative,
    make_jurisdiction,
    make_source,
)


@pytest.fixture
def curator_client(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def practice_add_data(jurisdiction, initiative, source, **overrides):
    data = {
        "title": "Train hotel staff to spot trafficking",
        "slug": "train-hotel-staff",
        "recommendation": "Hotels should train their staff to recognise victims.",
        "theme": "prevention",
        "jurisdiction": str(jurisdiction.pk),
        "position": "3",
        "initiatives": [str(initiative.pk)],
        "discussion": "",
        "status": Status.DRAFT,
        "last_reviewed": "",
        "tags": "hotels, Staff training",
        "confirm_new_tags": "hotels, staff training",  # "Yes, create the new tags"
        "practicesource_set-TOTAL_FORMS": "1",
        "practicesource_set-INITIAL_FORMS": "0",
        "practicesource_set-MIN_NUM_FORMS": "0",
        "practicesource_set-MAX_NUM_FORMS": "1000",
        "practicesource_set-0-source": str(source.pk),
        "practicesource_set-0-locator": "Best practices",
    }
    data.update(overrides)
    return data


@pytest.fixture
def added_practice(curator_client):
    jurisdiction = make_jurisdiction("Sweden")
    initiative = make_initiative("Hotel outreach programme", jurisdiction=jurisdiction)
    source = make_source("The book")
    response = curator_client.post(
        reverse("admin:practices_bestpractice_add"),
        practice_add_data(jurisdiction, initiative, source),
    )
    assert response.status_code == 302, response.context["errors"]
    return BestPractice.objects.get(slug="train-hotel-staff")


def test_curator_adds_a_draft_practice_with_tags_initiative_and_source(added_practice):
    assert added_practice.status == Status.DRAFT
    assert sorted(t.name for t in added_practice.tags.all()) == [
        "Staff training",
        "hotels",
    ]
    assert [i.title for i in added_practice.initiatives.all()] == [
        "Hotel outreach programme"
    ]
    assert [s.title for s in added_practice.sources.all()] == ["The book"]
    assert added_practice.revision == 1
    assert added_practice.history.first().history_user.username == "curator"


def test_draft_practice_is_not_public(client, added_practice):
    response = client.get(f"/practices/{added_practice.slug}/")
    assert response.status_code == 404


@pytest.fixture
def editor_client(db):
    make_editor("editor")
    client = Client()
    assert client.login(username="editor", password=CURATOR_PASSWORD)
    return client


def publish(editor_client, practice):
    """An editor's bulk publish, confirmed on the page that asks first."""
    return editor_client.post(
        reverse("admin:practices_bestpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk], "post": "yes"},
        follow=True,
    )


def test_publish_action_makes_the_practice_public(editor_client, added_practice):
    response = publish(editor_client, added_practice)
    assert "Published 1: “Train hotel staff to spot trafficking”." in (
        response.content.decode()
    )
    added_practice.refresh_from_db()
    assert added_practice.status == Status.PUBLISHED
    assert added_practice.published_at is not None
    assert editor_client.get("/practices/train-hotel-staff/").status_code == 200


@pytest.fixture
def published_practice(editor_client, added_practice):
    publish(editor_client, added_practice)
    return added_practice


def test_published_practice_appears_on_its_tag_page(client, published_practice):
    tag = published_practice.tags.get(name="hotels")
    response = client.get(f"/tags/{tag.slug}/")
    assert response.status_code == 200
    assert 'href="/practices/train-hotel-staff/"' in response.content.decode()


def test_published_practice_is_found_by_search(client, published_practice):
    response = client.get("/search/", {"q": "hotel staff"})
    assert response.status_code == 200
    assert 'href="/practices/train-hotel-staff/"' in response.content.decode()


def test_draft_practice_is_not_found_by_search(client, added_practice):
    response = client.get("/search/", {"q": "hotel staff"})
    assert 'href="/practices/train-hotel-staff/"' not in response.content.decode()


def test_change_page_links_a_draft_to_its_preview(curator_client, added_practice):
    url = reverse("admin:practices_bestpractice_change", args=[added_practice.pk])
    preview = reverse("admin:practices_bestpractice_preview", args=[added_practice.pk])
    page = curator_client.get(url).content.decode()
    assert f'href="{preview}"' in page
    assert 'href="/practices/train-hotel-staff/"' not in page


def test_change_page_links_a_published_record_to_its_public_page(
    curator_client, published_practice
):
    url = reverse("admin:practices_bestpractice_change", args=[published_practice.pk])
    page = curator_client.get(url).content.decode()
    assert 'href="/practices/train-hotel-staff/"' in page


def test_practice_list_shows_tags_without_a_query_per_row(
    curator_client, added_practice, django_assert_max_num_queries
):
    for n in range(5):
        make_initiative()  # unrelated rows must not matter
        BestPractice.objects.create(
            title=f"Other {n}",
            slug=f"other-{n}",
            recommendation="x",
            theme="protection",
            jurisdiction=added_practice.jurisdiction,
        ).tags.add("hotels", f"t{n}")
    url = reverse("admin:practices_bestpractice_changelist")
    with django_assert_max_num_queries(20):
        response = curator_client.get(url)
    assert "Staff training, hotels" in response.content.decode()
    assert "hotels, t4" in response.content.decode()


def test_curator_adds_an_initiative_with_a_finding_inline(curator_client):
    jurisdiction = make_jurisdiction("Sweden")
    source = make_source("The book")
    url = reverse("admin:practices_initiative_add")
    response = curator_client.get(url)
    data = admin_form_data(response)
    data.update(
        {
            "title": "National hotline",
            "slug": "national-hotline",
            "kind": "hotline",
            "role": "example",
            "jurisdiction": str(jurisdiction.pk),
            "summary": "According to the book, a hotline took calls.",
            "status": Status.DRAFT,
            "tags": "hotline",
            "confirm_new_tags": "hotline",
            "initiativesource_set-TOTAL_FORMS": "1",
            "initiativesource_set-0-source": str(source.pk),
            "findings-TOTAL_FORMS": "1",
            "findings-0-title": "Calls a month",
            "findings-0-slug": "hotline-calls",
            "findings-0-kind": "count",
            "findings-0-status": Status.DRAFT,
            "findings-0-statement": "The hotline took 300 calls a month.",
            "findings-0-jurisdiction": str(jurisdiction.pk),
            "findings-0-source": str(source.pk),
        }
    )
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    initiative = Initiative.objects.get(slug="national-hotline")
    assert [f.title for f in initiative.findings.all()] == ["Calls a month"]
    assert [s.title for s in initiative.sources.all()] == ["The book"]
