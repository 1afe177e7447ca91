"""Tags in the revision history: each admin save records the tags as saved; the
history, the version comparison and the edit-conflict message show tag changes,
and restoring a version restores its tags."""

import pytest
from django.urls import reverse

from practices.models import BestPractice, Initiative, Status

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_editor,
    make_initiative,
    make_practice,
)
from .test_admin_revisions import alice, bob, change_url  # noqa: F401 (fixtures)

# Drafts: edits of a published record wait as a pending change (see
# test_workflow.py); these tests are about how saved edits are checked and kept.
DRAFT = Status.DRAFT


def newest_first(obj):
    return list(obj.history.order_by("-history_date", "-history_id"))


@pytest.fixture
def retagged(alice):  # noqa: F811
    """A practice saved in the admin with tags alpha, beta, then alpha, gamma."""
    practice = make_practice(
        status=DRAFT, title="Tagged practice", tags=["beta", "alpha"]
    )
    url = change_url(practice)
    assert alice.post(url, admin_form_data(alice.get(url))).status_code == 302
    data = admin_form_data(alice.get(url)) | {
        "tags": "gamma, alpha",
        "confirm_new_tags": "gamma",
    }
    assert alice.post(url, data).status_code == 302
    return BestPractice.objects.get(pk=practice.pk)


def test_each_admin_save_records_the_tags_as_saved(retagged):
    newest, before = newest_first(retagged)[:2]
    assert newest.tags_snapshot == "alpha, gamma"
    assert before.tags_snapshot == "alpha, beta"
    assert newest.revision == before.revision + 1


def test_history_page_shows_the_tag_change(alice, retagged):  # noqa: F811
    url = reverse("admin:practices_bestpractice_history", args=[retagged.pk])
    page = alice.get(url).content.decode()
    assert "<strong>tags:</strong> alpha, beta &rarr; alpha, gamma" in page


def test_comparing_two_versions_shows_the_tags_of_each(alice, retagged):  # noqa: F811
    newest, before = newest_first(retagged)[:2]
    url = reverse("admin:practices_bestpractice_history_compare", args=[retagged.pk])
    response = alice.get(url, {"from": before.pk, "to": newest.pk})
    table = response.content.decode().split('id="version-comparison"')[1]
    table = table.split("</table>")[0]
    assert '<th scope="row">Tags</th><td>alpha, beta</td><td>alpha, gamma</td>' in (
        table
    )


def test_edit_conflict_on_tags_shows_the_colleagues_tags(alice, bob):  # noqa: F811
    initiative = make_initiative(status=DRAFT, tags=["alpha", "beta"])
    url = change_url(initiative)
    bob.post(url, admin_form_data(bob.get(url)))  # a first admin save: tags recorded
    alices_form = admin_form_data(alice.get(url))
    bob.post(
        url,
        admin_form_data(bob.get(url))
        | {"tags": "alpha, gamma", "confirm_new_tags": "gamma"},
    )

    response = alice.post(
        url, alices_form | {"tags": "alpha, delta", "confirm_new_tags": "delta"}
    )

    page = response.content.decode()
    assert "Your changes were NOT saved yet: bob also changed Tags" in page
    assert '<q class="their-version">alpha, gamma</q>' in page
    assert 'value="alpha, delta"' in page
    assert sorted(Initiative.objects.get(pk=initiative.pk).tags.names()) == [
        "alpha",
        "gamma",
    ]


def test_restoring_a_version_restores_its_tags(alice, retagged):  # noqa: F811
    before = newest_first(retagged)[1]
    url = reverse(
        "admin:practices_bestpractice_simple_history", args=[retagged.pk, before.pk]
    )
    response = alice.get(url)
    assert alice.post(url, admin_form_data(response)).status_code == 302

    restored = BestPractice.objects.get(pk=retagged.pk)
    assert sorted(restored.tags.names()) == ["alpha", "beta"]
    newest = newest_first(restored)[0]
    assert (newest.tags_snapshot, newest.history_user.username) == (
        "alpha, beta",
        "alice",
    )


def test_publishing_in_bulk_keeps_the_tags_in_the_history(client, db):
    make_editor("editor")
    assert client.login(username="editor", password=CURATOR_PASSWORD)
    practice = make_practice(tags=["alpha"], status="draft")
    client.post(
        reverse("admin:practices_bestpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk], "post": "yes"},
    )
    newest = newest_first(practice)[0]
    assert newest.status == "published"
    assert newest.tags_snapshot == "alpha"
