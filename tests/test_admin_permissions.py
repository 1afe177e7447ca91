"""The Curators group: content yes; users, groups and deleting published records no.
And the create_curator command that makes such accounts."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from practices.models import BestPractice, Initiative, Status

from .factories import CURATOR_PASSWORD, make_curator, make_initiative, make_practice


@pytest.fixture
def curator(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def test_create_curator_makes_a_staff_member_of_curators_only(db):
    out = io.StringIO()
    call_command(
        "create_curator",
        "maria",
        email="maria@example.org",
        password=CURATOR_PASSWORD,
        stdout=out,
    )
    user = get_user_model().objects.get(username="maria")
    assert user.is_staff and not user.is_superuser
    assert user.email == "maria@example.org"
    assert [g.name for g in user.groups.all()] == ["Curators"]
    assert user.check_password(CURATOR_PASSWORD)
    assert "Created curator “maria”" in out.getvalue()


def test_create_curator_reads_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("KB_CURATOR_PASSWORD", "another-long-passphrase-7")
    call_command("create_curator", "ana", stdout=io.StringIO())
    assert (
        get_user_model()
        .objects.get(username="ana")
        .check_password("another-long-passphrase-7")
    )


def test_create_curator_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_curator", "weak", password="123", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="weak").exists()


def test_create_curator_without_a_password_and_no_terminal_fails_clearly(
    db, monkeypatch
):
    monkeypatch.delenv("KB_CURATOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(CommandError, match="pass --password or set"):
        call_command("create_curator", "nopass", stdout=io.StringIO())


def test_create_curator_makes_an_existing_user_a_curator(db):
    user = get_user_model().objects.create_user("sam", password=CURATOR_PASSWORD)
    call_command("create_curator", "sam", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="Curators").exists()
    assert user.check_password(CURATOR_PASSWORD)  # unchanged


def test_curators_group_has_no_rights_on_users_groups_or_permissions(db):
    group = Group.objects.get(name="Curators")
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert apps == {"practices", "taggit"}
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_bestpractice", "change_bestpractice", "view_bestpractice"} <= codenames
    assert {"add_tag", "change_tag", "view_tag"} <= codenames
    assert "delete_tag" not in codenames


@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
    ],
)
def test_curator_cannot_reach_user_or_group_admin(curator, url):
    assert curator.get(url).status_code == 403


def test_curator_sees_the_content_and_tags_on_the_admin_index(curator):
    page = curator.get(reverse("admin:index")).content.decode()
    assert "Best practices" in page and "Tags" in page
    assert "/admin/auth/user/" not in page


def test_curator_cannot_delete_a_published_record(curator):
    practice = make_practice(status=Status.PUBLISHED)
    url = reverse("admin:practices_bestpractice_delete", args=[practice.pk])
    assert curator.get(url).status_code == 403
    assert curator.post(url, {"post": "yes"}).status_code == 403
    assert BestPractice.objects.filter(pk=practice.pk).exists()


def test_record_in_review_cannot_be_deleted_either(curator):
    initiative = make_initiative(status=Status.REVIEW)
    url = reverse("admin:practices_initiative_delete", args=[initiative.pk])
    assert curator.post(url, {"post": "yes"}).status_code == 403
    assert Initiative.objects.filter(pk=initiative.pk).exists()


def test_bulk_delete_refuses_when_a_published_record_is_selected(curator):
    draft = make_practice(status=Status.DRAFT)
    published = make_practice(status=Status.PUBLISHED)
    changelist = reverse("admin:practices_bestpractice_changelist")
    selection = {
        "action": "delete_selected",
        "_selected_action": [draft.pk, published.pk],
    }
    confirm = curator.post(changelist, selection).content.decode()
    assert "only drafts can be deleted; unpublish first" in confirm
    assert f"best practice “{published.title}”, which is published" in confirm
    assert f"“{draft.title}”, which is" not in confirm
    assert curator.post(changelist, selection | {"post": "yes"}).status_code == 403
    assert BestPractice.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2


def test_curator_can_delete_a_draft(curator):
    draft = make_practice(status=Status.DRAFT)
    url = reverse("admin:practices_bestpractice_delete", args=[draft.pk])
    assert curator.post(url, {"post": "yes"}).status_code == 302
    assert not BestPractice.objects.filter(pk=draft.pk).exists()


def test_change_page_of_a_published_record_offers_no_delete_link(curator):
    practice = make_practice(status=Status.PUBLISHED)
    url = reverse("admin:practices_bestpractice_change", args=[practice.pk])
    page = curator.get(url).content.decode()
    assert (
        reverse("admin:practices_bestpractice_delete", args=[practice.pk]) not in page
    )
