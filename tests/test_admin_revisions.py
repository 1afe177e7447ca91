"""No lost edits, and a history curators can read, compare and restore."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from practices.models import BestPractice, Initiative, Status
from practices.services import RevisionConflict, record_save_checked

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_curator,
    make_finding,
    make_initiative,
    make_practice,
)

# Drafts: edits of a published record wait as a pending change (see
# test_workflow.py); these tests are about how saved edits are checked and kept.
DRAFT = Status.DRAFT


def logged_in(username):
    make_curator(username)
    client = Client()
    assert client.login(username=username, password=CURATOR_PASSWORD)
    return client


@pytest.fixture
def alice(db):
    return logged_in("alice")


@pytest.fixture
def bob(db):
    return logged_in("bob")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_second_of_two_concurrent_edits_of_one_field_shows_both(alice, bob):
    """Edits of different fields merge (tests/test_admin_merge.py); of the same
    field, the later save is not saved until its author has seen the other."""
    practice = make_practice(status=DRAFT, title="Original title")
    url = change_url(practice)
    alices_form = admin_form_data(alice.get(url))
    bobs_form = admin_form_data(bob.get(url))

    bobs_form["title"] = "Bob's better title"
    assert bob.post(url, bobs_form).status_code == 302

    alices_form["title"] = "Alice's title"
    alices_form["recommendation"] = "Alice rewrote the recommendation."
    response = alice.post(url, alices_form)

    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "Your changes were NOT saved yet: bob also changed Title" in page
    assert "Bob&#x27;s better title" in page and "Alice&#x27;s title" in page
    assert "Alice rewrote the recommendation." in page
    practice.refresh_from_db()
    assert practice.title == "Bob's better title"
    assert practice.recommendation != "Alice rewrote the recommendation."


def test_resubmitting_the_stale_form_is_refused_again(alice, bob):
    practice = make_practice(status=DRAFT)
    url = change_url(practice)
    stale = admin_form_data(alice.get(url)) | {"title": "Alice insists"}
    bob.post(url, admin_form_data(bob.get(url)) | {"title": "Bob"})
    alice.post(url, stale)
    response = alice.post(url, stale)
    assert "Your changes were NOT saved" in response.content.decode()
    practice.refresh_from_db()
    assert practice.title == "Bob"


def test_an_edit_from_a_fresh_form_after_a_colleague_saves_goes_through(alice, bob):
    practice = make_practice(status=DRAFT)
    url = change_url(practice)
    bob.post(url, admin_form_data(bob.get(url)) | {"title": "Bob"})
    response = alice.post(url, admin_form_data(alice.get(url)) | {"title": "Alice"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.revision) == ("Alice", 3)


def test_each_admin_save_increments_the_revision(alice):
    practice = make_practice(status=DRAFT)
    url = change_url(practice)
    for _ in range(2):
        alice.post(url, admin_form_data(alice.get(url)))
    practice.refresh_from_db()
    assert practice.revision == 3


def test_a_form_without_its_revision_is_refused(alice):
    practice = make_practice(status=DRAFT, title="Kept")
    url = change_url(practice)
    data = admin_form_data(alice.get(url))
    del data["loaded_revision"]
    response = alice.post(url, data | {"title": "Lost?"})
    assert "does not say which revision" in response.content.decode()
    practice.refresh_from_db()
    assert practice.title == "Kept"


def test_two_saves_racing_from_one_revision_only_the_first_wins(db):
    """What the form's lock cannot stop on SQLite, the conditional UPDATE does."""
    practice = make_practice(status=DRAFT, title="Start")
    first = BestPractice.objects.get(pk=practice.pk)
    second = BestPractice.objects.get(pk=practice.pk)
    first.title = "First"
    record_save_checked(first, loaded_revision=1)
    second.title = "Second"
    with pytest.raises(RevisionConflict):
        record_save_checked(second, loaded_revision=1)
    practice.refresh_from_db()
    assert (practice.title, practice.revision) == ("First", 2)


def test_inline_edit_of_a_finding_bumps_its_revision(alice):
    initiative = make_initiative(status=DRAFT)
    finding = make_finding(status=DRAFT, initiative=initiative)
    url = change_url(initiative)
    data = admin_form_data(alice.get(url))
    data["findings-0-title"] = "Retitled inline"
    assert alice.post(url, data).status_code == 302
    finding.refresh_from_db()
    assert (finding.title, finding.revision) == ("Retitled inline", 2)


@pytest.fixture
def edited_twice(alice, bob):
    initiative = make_initiative(status=DRAFT, title="First title")
    url = change_url(initiative)
    alice.post(url, admin_form_data(alice.get(url)) | {"title": "Second title"})
    bob.post(url, admin_form_data(bob.get(url)) | {"title": "Third title"})
    initiative.refresh_from_db()
    assert initiative.title == "Third title"
    return initiative


def test_history_page_lists_who_changed_what(alice, edited_twice):
    url = reverse("admin:practices_initiative_history", args=[edited_twice.pk])
    page = alice.get(url).content.decode()
    assert "alice" in page and "bob" in page
    assert "Second title" in page and "Third title" in page
    assert "Compare the two chosen versions" in page


def test_comparing_two_versions_shows_both_values(alice, edited_twice):
    oldest, newest = (
        edited_twice.history.order_by("history_date").first(),
        edited_twice.history.order_by("history_date").last(),
    )
    url = reverse("admin:practices_initiative_history_compare", args=[edited_twice.pk])
    response = alice.get(url, {"from": oldest.pk, "to": newest.pk})
    assert response.status_code == 200
    table = response.content.decode().split('id="version-comparison"')[1]
    table = table.split("</table>")[0]
    assert "First title" in table and "Third title" in table
    assert "Second title" not in table


def test_restoring_an_earlier_version_saves_it_as_a_new_revision(alice, edited_twice):
    oldest = edited_twice.history.order_by("history_date").first()
    url = reverse(
        "admin:practices_initiative_simple_history",
        args=[edited_twice.pk, oldest.pk],
    )
    response = alice.get(url)
    assert response.status_code == 200
    response = alice.post(url, admin_form_data(response))
    assert response.status_code == 302
    restored = Initiative.objects.get(pk=edited_twice.pk)
    assert restored.title == "First title"
    assert restored.revision == 4
    assert restored.history.first().history_user.username == "alice"


def test_restoring_is_refused_when_someone_saved_since(alice, bob, edited_twice):
    oldest = edited_twice.history.order_by("history_date").first()
    url = reverse(
        "admin:practices_initiative_simple_history",
        args=[edited_twice.pk, oldest.pk],
    )
    restore_form = admin_form_data(alice.get(url))
    change = change_url(edited_twice)
    bob.post(change, admin_form_data(bob.get(change)) | {"title": "Fourth title"})
    response = alice.post(url, restore_form)
    assert "Your changes were NOT saved" in response.content.decode()
    assert Initiative.objects.get(pk=edited_twice.pk).title == "Fourth title"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
)
def test_two_curators_saving_at_the_same_instant_one_is_refused():
    """Real concurrency: two requests, each in its own thread and connection."""
    alice, bob = logged_in("alice"), logged_in("bob")
    practice = make_practice(status=DRAFT, title="Start")
    url = change_url(practice)
    forms = {
        "alice": (alice, admin_form_data(alice.get(url)) | {"title": "Alice"}),
        "bob": (bob, admin_form_data(bob.get(url)) | {"title": "Bob"}),
    }
    start = threading.Barrier(2)
    results = {}

    def save(name):
        client, data = forms[name]
        try:
            start.wait()
            results[name] = client.post(url, data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(name,)) for name in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results.values()) == [200, 302]  # one saved, one refused
    winner = next(name for name, status in results.items() if status == 302)
    practice.refresh_from_db()
    assert (practice.title, practice.revision) == (winner.capitalize(), 2)
