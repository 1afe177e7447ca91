"""Concurrent edits merge: when a colleague saved a record after a curator opened it,
the fields only one of them changed are merged, and a field both changed shows both
versions, with the curator's input kept, until the curator chooses."""

import pytest
from django.test import Client
from django.urls import reverse

from practices.admin import workflow as workflow_admin
from practices.models import Finding, PendingChange, Status

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_editor,
    make_finding,
    make_initiative,
    make_practice,
)
from .test_admin_revisions import alice, bob, change_url  # noqa: F401

DRAFT = Status.DRAFT


def opened_by_both(alice, bob, obj):  # noqa: F811
    url = change_url(obj)
    return url, admin_form_data(alice.get(url)), admin_form_data(bob.get(url))


def test_edits_of_different_fields_of_a_draft_merge(alice, bob):  # noqa: F811
    practice = make_practice(status=DRAFT, title="Original title")
    url, alices_form, bobs_form = opened_by_both(alice, bob, practice)
    assert alice.post(url, alices_form | {"title": "Alice's title"}).status_code == 302

    response = bob.post(
        url, bobs_form | {"recommendation": "Bob's recommendation."}, follow=True
    )

    page = response.content.decode()
    assert "your edit was merged with theirs, keeping their changes to Title" in page
    practice.refresh_from_db()
    assert practice.title == "Alice's title"
    assert practice.recommendation == "Bob's recommendation."
    assert practice.revision == 3
    newest, before = practice.history.order_by("-history_date")[:2]
    assert (before.history_user.username, before.title) == ("alice", "Alice's title")
    assert (newest.history_user.username, newest.recommendation) == (
        "bob",
        "Bob's recommendation.",
    )
    assert newest.title == "Alice's title"


def test_a_tag_edit_and_a_title_edit_merge(alice, bob):  # noqa: F811
    practice = make_practice(status=DRAFT, tags=["alpha", "beta"])
    url, alices_form, bobs_form = opened_by_both(alice, bob, practice)
    alice.post(url, alices_form | {"tags": "alpha, gamma", "confirm_new_tags": "gamma"})
    assert bob.post(url, bobs_form | {"title": "Bob's title"}).status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Bob's title"
    assert sorted(practice.tags.names()) == ["alpha", "gamma"]


@pytest.fixture
def both_retitled(alice, bob):  # noqa: F811
    """Alice and Bob retitle one draft; Bob, saving second, also rewrote its
    recommendation. Returns the practice, its URL and the form Bob was shown."""
    practice = make_practice(status=DRAFT, title="Original title")
    url, alices_form, bobs_form = opened_by_both(alice, bob, practice)
    alice.post(url, alices_form | {"title": "Alice's title"})
    shown = bob.post(
        url,
        bobs_form | {"title": "Bob's title", "recommendation": "Bob's recommendation."},
    )
    return practice, url, shown


def test_edits_of_the_same_field_show_both_and_save_nothing(bob, both_retitled):  # noqa: F811
    practice, url, response = both_retitled
    assert response.status_code == 200  # the form again
    page = response.content.decode()
    assert "Your changes were NOT saved yet: alice also changed Title" in page
    assert 'Their version: <q class="their-version">Alice&#x27;s title</q>' in page
    assert 'name="title" value="Bob&#x27;s title"' in page  # his input is kept
    assert "Bob&#x27;s recommendation." in page
    assert 'name="merge_use_theirs" value="title"' in page
    practice.refresh_from_db()
    assert (practice.title, practice.revision) == ("Alice's title", 2)
    assert practice.recommendation != "Bob's recommendation."

    # Saving again, keeping his title, goes through: he has seen theirs.
    assert bob.post(url, admin_form_data(response)).status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.recommendation) == (
        "Bob's title",
        "Bob's recommendation.",
    )


def test_use_their_version_keeps_the_colleagues_value(bob, both_retitled):  # noqa: F811
    practice, url, shown = both_retitled
    again = admin_form_data(shown) | {"merge_use_theirs": "title"}
    assert bob.post(url, again).status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.recommendation) == (
        "Alice's title",
        "Bob's recommendation.",
    )


def test_a_third_save_while_choosing_is_merged_again(alice, bob):  # noqa: F811
    practice = make_practice(status=DRAFT, title="Original title")
    url, alices_form, bobs_form = opened_by_both(alice, bob, practice)
    alice.post(url, alices_form | {"title": "Alice's title"})
    shown = bob.post(url, bobs_form | {"title": "Bob's title"})
    # Alice saves again (another field) while Bob decides.
    alice.post(url, admin_form_data(alice.get(url)) | {"discussion": "Alice's note."})
    assert bob.post(url, admin_form_data(shown)).status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.discussion) == ("Bob's title", "Alice's note.")


def test_a_forged_base_is_refused_with_a_form_error(alice, bob):  # noqa: F811
    practice = make_practice(status=DRAFT, title="Original title")
    url, alices_form, bobs_form = opened_by_both(alice, bob, practice)
    alice.post(url, alices_form | {"title": "Alice's title"})
    for forged in ("not-signed-at-all", alices_form["loaded_values"] + "x"):
        response = bob.post(
            url, bobs_form | {"loaded_values": forged, "title": "Bob's title"}
        )
        assert response.status_code == 200
        assert "Your changes were NOT saved" in response.content.decode()
    # Not stale, but altered: still refused.
    fresh = admin_form_data(bob.get(url))
    response = bob.post(url, fresh | {"loaded_values": "x", "title": "Bob's title"})
    assert response.status_code == 200
    assert "record of what it showed when opened is not valid" in (
        response.content.decode()
    )
    practice.refresh_from_db()
    assert practice.title == "Alice's title"


def test_a_base_from_another_record_is_refused(alice):  # noqa: F811
    one, other = make_practice(status=DRAFT), make_practice(status=DRAFT)
    borrowed = admin_form_data(alice.get(change_url(other)))["loaded_values"]
    url = change_url(one)
    data = admin_form_data(alice.get(url)) | {"loaded_values": borrowed}
    response = alice.post(url, data | {"title": "Changed"})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    one.refresh_from_db()
    assert one.title != "Changed"


# --- a published record: edits are pending changes -----------------------------


@pytest.fixture
def live(db):
    return make_practice(title="Live title", recommendation="Published words.")


def test_pending_changes_of_different_fields_merge(alice, bob, live):  # noqa: F811
    url, alices_form, bobs_form = opened_by_both(alice, bob, live)
    alice.post(url, alices_form | {"title": "Alice's title"})
    response = bob.post(
        url, bobs_form | {"recommendation": "Bob's words."}, follow=True
    )
    page = response.content.decode()
    assert "saved as a pending change" in page
    assert "keeping their changes to Title" in page
    pending = PendingChange.objects.get()
    assert pending.data["title"] == ["Alice's title"]
    assert pending.data["recommendation"] == ["Bob's words."]
    assert pending.edited_by.username == "bob"
    live.refresh_from_db()
    assert (live.title, live.recommendation) == ("Live title", "Published words.")

    # The merged change publishes whole.
    make_editor("editor")
    editor = Client()
    assert editor.login(username="editor", password=CURATOR_PASSWORD)
    workflow = reverse("admin:practices_bestpractice_workflow", args=[live.pk])
    bob.post(workflow, {"action": "submit"})
    editor.post(workflow, {"action": "approve"})
    live.refresh_from_db()
    assert (live.title, live.recommendation) == ("Alice's title", "Bob's words.")


def test_pending_changes_of_the_same_field_show_both(alice, bob, live):  # noqa: F811
    url, alices_form, bobs_form = opened_by_both(alice, bob, live)
    alice.post(url, alices_form | {"title": "Alice's title"})
    response = bob.post(url, bobs_form | {"title": "Bob's title"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alice&#x27;s title" in page and 'value="Bob&#x27;s title"' in page
    assert PendingChange.objects.get().data["title"] == ["Alice's title"]
    response = bob.post(url, admin_form_data(response), follow=True)
    assert "saved as a pending change" in response.content.decode()
    assert PendingChange.objects.get().data["title"] == ["Bob's title"]


def test_a_pending_change_made_after_opening_the_live_form_merges(
    alice,  # noqa: F811
    bob,  # noqa: F811
    live,
):
    """Bob opened the live record; Alice's pending change came after: Bob's save
    keeps her edit and her inline rows."""
    url, alices_form, bobs_form = opened_by_both(alice, bob, live)
    alice.post(
        url,
        alices_form
        | {"title": "Alice's title", "practicesource_set-0-locator": "p. 9"},
    )
    bob.post(url, bobs_form | {"discussion": "Bob's discussion."})
    pending = PendingChange.objects.get()
    assert pending.data["title"] == ["Alice's title"]
    assert pending.data["practicesource_set-0-locator"] == ["p. 9"]
    assert pending.data["discussion"] == ["Bob's discussion."]


def test_both_editing_the_inline_rows_is_refused_and_says_so(
    alice,  # noqa: F811
    bob,  # noqa: F811
    live,
):
    url, alices_form, bobs_form = opened_by_both(alice, bob, live)
    alice.post(url, alices_form | {"practicesource_set-0-locator": "p. 9"})
    response = bob.post(
        url,
        bobs_form | {"practicesource_set-0-locator": "p. 12", "title": "Bob's title"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your changes were NOT saved" in page
    assert "rows cannot be merged" in page
    assert 'value="p. 12"' in page  # his input is kept
    assert PendingChange.objects.get().data["practicesource_set-0-locator"] == ["p. 9"]


def test_a_colleagues_inline_edit_of_a_draft_is_kept_by_a_merge(
    alice,  # noqa: F811
    bob,  # noqa: F811
):
    initiative = make_initiative(status=DRAFT, title="Initiative")
    finding = make_finding(status=DRAFT, initiative=initiative, title="Finding")
    url, alices_form, bobs_form = opened_by_both(alice, bob, initiative)
    alice.post(url, alices_form | {"findings-0-title": "Alice's finding title"})
    response = bob.post(url, bobs_form | {"title": "Bob's initiative title"})
    assert response.status_code == 302
    finding.refresh_from_db()
    initiative.refresh_from_db()
    assert finding.title == "Alice's finding title"
    assert initiative.title == "Bob's initiative title"
    assert Finding.objects.count() == 1


def test_a_save_while_the_pending_change_is_being_read_is_not_overwritten(
    alice,  # noqa: F811
    bob,  # noqa: F811
    live,
    monkeypatch,
):
    """Alice saves between Bob's form reading the pending change and the rest of his
    page (the soak, bench/soak.py, lost an edit here): Bob's save must not replace
    her pending change with one that never showed her words."""
    url = change_url(live)
    alice.post(url, admin_form_data(alice.get(url)) | {"discussion": "First."})
    alices_form = admin_form_data(alice.get(url))
    real = workflow_admin.pending_change

    def pending_change_then_alice_saves(obj):
        pending = real(obj)
        monkeypatch.setattr(workflow_admin, "pending_change", real)
        alice.post(url, alices_form | {"discussion": "First. Alice's words."})
        return pending

    monkeypatch.setattr(
        workflow_admin, "pending_change", pending_change_then_alice_saves
    )
    opened = bob.get(url)
    assert "NOT saved" not in opened.content.decode()  # opening is not saving
    bobs_form = admin_form_data(opened)
    assert bobs_form["discussion"] == "First."  # read before Alice's save
    response = bob.post(url, bobs_form | {"discussion": "First. Bob's words."})

    assert response.status_code == 200  # both changed it: shown, nothing saved
    assert "Alice&#x27;s words" in response.content.decode()
    assert PendingChange.objects.get().data["discussion"] == ["First. Alice's words."]


def test_a_save_while_the_form_looks_for_a_pending_change_is_not_overwritten(
    alice,  # noqa: F811
    bob,  # noqa: F811
    live,
    monkeypatch,
):
    """Alice saves the first pending change of a published record just after Bob's
    form found none (the soak lost an edit here: her save left the live row as it
    was but moved its revision on, and Bob's form took that revision with the old
    text): Bob's save must not replace her pending change with the live text."""
    url = change_url(live)
    alices_form = admin_form_data(alice.get(url))
    real = workflow_admin.pending_change

    def no_pending_change_then_alice_saves(obj):
        pending = real(obj)
        monkeypatch.setattr(workflow_admin, "pending_change", real)
        alice.post(url, alices_form | {"discussion": "Alice's words."})
        return pending

    monkeypatch.setattr(
        workflow_admin, "pending_change", no_pending_change_then_alice_saves
    )
    bobs_form = admin_form_data(bob.get(url))
    assert "Alice" not in bobs_form.get("discussion", "")  # read before her save
    response = bob.post(url, bobs_form | {"discussion": "Bob's words."})

    assert response.status_code == 200  # both changed it: shown, nothing saved
    assert "Alice&#x27;s words" in response.content.decode()
    assert PendingChange.objects.get().data["discussion"] == ["Alice's words."]


def test_the_same_curator_in_two_tabs_is_told_of_their_other_tab(alice):  # noqa: F811
    """Not "alice also changed Title" to alice herself."""
    practice = make_practice(status=DRAFT, title="Original title")
    url = change_url(practice)
    first_tab, second_tab = (
        admin_form_data(alice.get(url)),
        admin_form_data(alice.get(url)),
    )
    alice.post(url, first_tab | {"title": "First tab's title"})
    page = alice.post(url, second_tab | {"title": "Second tab's title"}).content
    page = page.decode()
    assert (
        "Your changes were NOT saved yet: your other tab or window also changed "
        "Title" in page
    )
    assert "Your other tab or window changed this too." in page
    assert "alice also changed" not in page
