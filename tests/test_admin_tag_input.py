"""The tags field suggests existing tags and asks before a save creates a new one;
editors delete tags nobody uses."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from .factories import (
    admin_form_data,
    make_curator,
    make_editor,
    make_initiative,
    make_practice,
)
from .test_workflow import logged_in


@pytest.fixture
def as_curator(db):
    return logged_in(make_curator, "curator")


@pytest.fixture
def as_editor(db):
    return logged_in(make_editor, "editor")


@pytest.fixture
def draft(db):
    return make_practice(status="draft", tags=["hotels", "victim services"])


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("kind", ["practice", "initiative"])
def test_the_tags_field_suggests_the_existing_tags(as_curator, kind):
    make = make_practice if kind == "practice" else make_initiative
    record = make(status="draft", tags=["hotels", "victim services"])
    page = as_curator.get(change_url(record)).content.decode()
    assert 'list="id_tags-suggestions"' in page
    datalist = page.split('<datalist id="id_tags-suggestions">')[1].split("</")[0]
    assert '<option value="hotels">' in datalist
    assert '<option value="victim services">' in datalist
    assert "/static/js/tag-suggest.js" in page


def test_a_new_tag_is_not_created_without_confirmation(as_curator, draft):
    url = change_url(draft)
    data = admin_form_data(as_curator.get(url)) | {"tags": "hotel, victim services"}
    response = as_curator.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saving will create new tag “hotel”." in page
    assert "Existing tags that look alike: “hotels”." in page
    assert 'value="hotel, victim services"' in page  # the input is kept
    assert not Tag.objects.filter(name="hotel").exists()
    draft.refresh_from_db()
    assert sorted(draft.tags.names()) == ["hotels", "victim services"]

    confirmed = admin_form_data(response) | {"confirm_new_tags": "hotel"}
    assert as_curator.post(url, confirmed).status_code == 302
    assert sorted(draft.tags.names()) == ["hotel", "victim services"]


def test_confirming_one_new_tag_does_not_confirm_another(as_curator, draft):
    url = change_url(draft)
    data = admin_form_data(as_curator.get(url)) | {
        "tags": "hotels, train staff",
        "confirm_new_tags": "hotel",
    }
    response = as_curator.post(url, data)
    assert "Saving will create new tag “train staff”." in response.content.decode()
    assert not Tag.objects.filter(name="train staff").exists()


def test_an_existing_tag_in_another_case_is_not_new(as_curator, draft):
    url = change_url(draft)
    data = admin_form_data(as_curator.get(url)) | {"tags": "Hotels"}
    assert as_curator.post(url, data).status_code == 302
    assert Tag.objects.filter(name__iexact="hotels").count() == 1


# --- deleting tags ------------------------------------------------------------------


def test_editor_deletes_an_unused_tag(as_editor, db):
    unused = Tag.objects.create(name="typo tagg", slug="typo-tagg")
    url = reverse("admin:taggit_tag_delete", args=[unused.pk])
    assert as_editor.post(url, {"post": "yes"}).status_code == 302
    assert not Tag.objects.filter(pk=unused.pk).exists()


def test_a_tag_in_use_cannot_be_deleted_and_the_page_says_why(as_editor, draft):
    used = Tag.objects.get(name="hotels")
    changelist = reverse("admin:taggit_tag_changelist")
    response = as_editor.post(
        changelist, {"action": "delete_selected", "_selected_action": [used.pk]}
    )
    page = response.content.decode()
    assert "tag “hotels”, used by 1 best practice and 0 initiatives" in page
    as_editor.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [used.pk], "post": "yes"},
    )
    assert Tag.objects.filter(pk=used.pk).exists()
    url = reverse("admin:taggit_tag_delete", args=[used.pk])
    assert as_editor.post(url, {"post": "yes"}).status_code == 403
    assert sorted(draft.tags.names()) == ["hotels", "victim services"]


def test_a_curator_cannot_delete_tags(as_curator, db):
    unused = Tag.objects.create(name="typo tagg", slug="typo-tagg")
    url = reverse("admin:taggit_tag_delete", args=[unused.pk])
    assert as_curator.post(url, {"post": "yes"}).status_code == 403
    assert Tag.objects.filter(pk=unused.pk).exists()


def test_a_pending_changes_confirmed_new_tag_is_not_asked_again(as_curator, db):
    live = make_practice(tags=["hotels"])
    url = change_url(live)
    data = admin_form_data(as_curator.get(url)) | {
        "tags": "hotels, night shifts",
        "confirm_new_tags": "night shifts",
    }
    assert as_curator.post(url, data).status_code == 302  # a pending change
    assert not Tag.objects.filter(name="night shifts").exists()  # not published
    colleague = logged_in(make_curator, "colleague")
    again = admin_form_data(colleague.get(url)) | {"title": "Retitled"}
    assert colleague.post(url, again).status_code == 302
