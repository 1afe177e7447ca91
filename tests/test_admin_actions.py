"""Bulk editorial actions, the review-due view, and tag counts and merging."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from practices.models import BestPractice, Finding, PendingChange, Status
from practices.services import tags_merge
from practices.workflow import record_link

from .factories import (
    CURATOR_PASSWORD,
    make_curator,
    make_editor,
    make_finding,
    make_initiative,
    make_practice,
)

TODAY = timezone.localdate()


@pytest.fixture
def curator(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def run_action(client, model, action, objs, **extra):
    opts = model._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objs], **extra},
        follow=True,
    )


@pytest.fixture
def editor(db):
    make_editor("editor")
    client = Client()
    assert client.login(username="editor", password=CURATOR_PASSWORD)
    return client


def test_bulk_publish_asks_first_then_publishes_every_selected_draft(editor):
    drafts = [make_finding(status=Status.DRAFT) for _ in range(3)]
    confirm = run_action(editor, Finding, "publish", drafts)
    page = confirm.content.decode()
    assert "You are about to <strong>publish 3 findings</strong>" in page
    assert "the Atom feeds, the CSV and JSON exports" in page
    assert Finding.objects.published().count() == 0

    response = run_action(editor, Finding, "publish", drafts, post="yes")
    assert "Published 3:" in response.content.decode()
    assert Finding.objects.published().count() == 3
    newest = drafts[0].history.first()
    assert (newest.history_user.username, newest.history_change_reason) == (
        "editor",
        "Published",
    )


def test_bulk_unpublish_asks_first_then_moves_records_back_to_draft(editor):
    practices = [make_practice(status=Status.PUBLISHED) for _ in range(2)]
    curator = make_curator("carol")
    PendingChange.objects.create(
        **record_link(practices[0]), data={"title": ["Edited"]}, edited_by=curator
    )
    confirm = run_action(editor, BestPractice, "unpublish", practices)
    page = confirm.content.decode()
    assert "unpublish 2 best practices" in page
    assert "disappear from their public pages, the lists and search" in page
    # The editor is told which records hold a curator's unpublished edit.
    assert (
        f"{practices[0]} (Published; pending changes by carol, kept in its form "
        "for when it is published again)"
    ) in page
    assert f"{practices[1]} (Published)" in page
    assert BestPractice.objects.published().count() == 2

    run_action(editor, BestPractice, "unpublish", practices, post="yes")
    assert set(BestPractice.objects.values_list("status", flat=True)) == {"draft"}
    assert not BestPractice.objects.filter(published_at__isnull=False).exists()


def test_curators_are_not_offered_publish_or_unpublish(curator):
    page = curator.get(reverse("admin:practices_bestpractice_changelist"))
    actions = dict(page.context["action_form"].fields["action"].choices)
    assert "send_to_review" in actions
    assert "publish" not in actions and "unpublish" not in actions
    draft = make_practice(status=Status.DRAFT)
    run_action(curator, BestPractice, "publish", [draft], post="yes")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_send_to_review_moves_drafts_only(curator):
    draft = make_practice(status=Status.DRAFT)
    published = make_practice(status=Status.PUBLISHED)
    run_action(curator, BestPractice, "send_to_review", [draft, published])
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (Status.REVIEW, Status.PUBLISHED)


def test_bulk_action_bumps_the_revision_so_open_forms_are_refused(curator):
    practice = make_practice(status=Status.DRAFT)
    run_action(curator, BestPractice, "mark_reviewed", [practice])
    practice.refresh_from_db()
    assert practice.last_reviewed == TODAY
    assert practice.revision == 2


def test_review_due_filter_lists_unreviewed_and_stale_records(curator, settings):
    settings.KB_REVIEW_INTERVAL_DAYS = 30
    make_practice(title="Never reviewed", last_reviewed=None)
    make_practice(
        title="Reviewed long ago", last_reviewed=TODAY - datetime.timedelta(days=31)
    )
    make_practice(
        title="Reviewed lately", last_reviewed=TODAY - datetime.timedelta(days=29)
    )
    url = reverse("admin:practices_bestpractice_changelist")
    page = curator.get(url, {"review_due": "yes"}).content.decode()
    assert "Never reviewed" in page and "Reviewed long ago" in page
    assert "Reviewed lately" not in page
    assert "Due (not reviewed in 30 days)" in page


def test_review_interval_defaults_to_a_year(curator, settings):
    del settings.KB_REVIEW_INTERVAL_DAYS
    make_practice(title="Last spring", last_reviewed=TODAY - datetime.timedelta(300))
    make_practice(title="Two years ago", last_reviewed=TODAY - datetime.timedelta(730))
    url = reverse("admin:practices_bestpractice_changelist")
    page = curator.get(url, {"review_due": "yes"}).content.decode()
    assert "Two years ago" in page and "Last spring" not in page


def test_admin_index_links_to_the_review_due_lists(curator):
    page = curator.get(reverse("admin:index")).content.decode()
    url = reverse("admin:practices_bestpractice_changelist") + "?review_due=yes"
    assert f'href="{url}"' in page


def test_tag_list_counts_practices_and_initiatives(curator):
    make_practice(tags=["hotels"])
    make_practice(tags=["hotels", "police"])
    make_initiative(tags=["hotels"])
    page = curator.get(reverse("admin:taggit_tag_changelist")).content.decode()
    row = page.split(">hotels</a>")[1].split("</tr>")[0]
    assert '<td class="field-practice_count">2</td>' in row
    assert '<td class="field-initiative_count">1</td>' in row


def test_merging_tags_moves_every_record_to_the_kept_tag(curator):
    both = make_practice(tags=["trafficking", "Trafficking victims"])
    one = make_practice(tags=["trafficking-victims"])
    initiative = make_initiative(tags=["trafficking-victims"])
    keep = Tag.objects.get(name="Trafficking victims")
    dupes = Tag.objects.filter(name__in=["trafficking", "trafficking-victims"])
    changelist = reverse("admin:taggit_tag_changelist")
    selected = [keep.pk, *dupes.values_list("pk", flat=True)]

    confirm = curator.post(
        changelist, {"action": "merge_tags", "_selected_action": selected}
    )
    assert "Tag to keep" in confirm.content.decode()

    response = curator.post(
        changelist,
        {
            "action": "merge_tags",
            "_selected_action": selected,
            "apply": "yes",
            "target": keep.pk,
        },
        follow=True,
    )
    assert "into “Trafficking victims”" in response.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["Trafficking victims"]
    for obj in (both, one, initiative):
        assert [t.name for t in obj.tags.all()] == ["Trafficking victims"]


def test_merging_two_duplicates_of_one_record_leaves_it_one_link(db):
    both_dupes = make_practice(tags=["hotel", "hotels"])
    other = make_practice(tags=["motel"])
    tags = list(Tag.objects.order_by("name"))  # hotel, hotels, motel
    target = Tag.objects.get(name="motel")

    moved = tags_merge(tags, target)

    assert moved == 1  # the record that had no "motel" yet gains one link
    assert [t.name for t in both_dupes.tags.all()] == ["motel"]
    assert [t.name for t in other.tags.all()] == ["motel"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["motel"]
