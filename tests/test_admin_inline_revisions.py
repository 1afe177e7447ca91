"""No lost edits inline: findings and quotations edited under their initiative are
refused, whole, when a colleague saved them after the page was loaded."""

import pytest
from django.urls import reverse

from practices.admin_forms import InlineContentForm
from practices.models import Finding, Initiative, Quotation, Status

from .factories import admin_form_data, make_finding, make_initiative, make_quotation
from .test_admin_revisions import alice, bob, change_url  # noqa: F401 (fixtures)

# Drafts: edits of a published record wait as a pending change (see
# test_workflow.py); these tests are about how saved edits are checked and kept.
DRAFT = Status.DRAFT


@pytest.fixture
def initiative(db):
    initiative = make_initiative(status=DRAFT, title="Initiative as loaded")
    make_finding(status=DRAFT, initiative=initiative, title="Finding as loaded")
    make_quotation(status=DRAFT, initiative=initiative, text="Quotation as loaded.")
    return initiative


def bob_retitles_the_finding(bob, finding):  # noqa: F811
    url = change_url(finding)
    response = bob.post(url, admin_form_data(bob.get(url)) | {"title": "Bob's title"})
    assert response.status_code == 302


def test_stale_inline_finding_edit_is_refused_whole_and_keeps_the_input(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
):
    url = change_url(initiative)
    alices_form = admin_form_data(alice.get(url))
    bob_retitles_the_finding(bob, initiative.findings.get())

    alices_form["title"] = "Alice's initiative title"
    alices_form["findings-0-statement"] = "Alice's rewritten statement."
    response = alice.post(url, alices_form)

    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "Your changes were NOT saved" in page
    assert "bob" in page
    assert "Finding as loaded" in page and "Bob&#x27;s title" in page
    assert "Alice&#x27;s rewritten statement." in page  # her input is still there
    assert "Alice&#x27;s initiative title" in page
    finding = Finding.objects.get(initiative=initiative)
    assert (finding.title, finding.revision) == ("Bob's title", 2)
    assert finding.statement != "Alice's rewritten statement."
    initiative.refresh_from_db()
    assert (initiative.title, initiative.revision) == ("Initiative as loaded", 1)


def test_resubmitting_a_refused_inline_form_is_refused_again(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
):
    url = change_url(initiative)
    stale = admin_form_data(alice.get(url)) | {"findings-0-title": "Alice's title"}
    bob_retitles_the_finding(bob, initiative.findings.get())
    alice.post(url, stale)
    response = alice.post(url, stale)
    assert "Your changes were NOT saved" in response.content.decode()
    assert Finding.objects.get(initiative=initiative).title == "Bob's title"


def test_stale_inline_quotation_edit_is_refused(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
):
    quotation = initiative.quotations.get()
    url = change_url(initiative)
    alices_form = admin_form_data(alice.get(url))
    quotation_url = change_url(quotation)
    bob.post(
        quotation_url,
        admin_form_data(bob.get(quotation_url)) | {"text": "Bob's words."},
    )

    alices_form["quotations-0-text"] = "Alice's words."
    response = alice.post(url, alices_form)

    assert "Your changes were NOT saved" in response.content.decode()
    assert Quotation.objects.get(pk=quotation.pk).text == "Bob's words."


def test_deleting_a_finding_a_colleague_just_edited_is_refused(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
):
    url = change_url(initiative)
    alices_form = admin_form_data(alice.get(url))
    bob_retitles_the_finding(bob, initiative.findings.get())

    response = alice.post(url, alices_form | {"findings-0-DELETE": "on"})

    assert response.status_code == 200
    assert "Your changes were NOT saved" in response.content.decode()
    assert Finding.objects.filter(title="Bob's title").exists()


def test_inline_edit_from_a_fresh_page_after_a_colleague_saves_goes_through(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
):
    bob_retitles_the_finding(bob, initiative.findings.get())
    url = change_url(initiative)
    data = admin_form_data(alice.get(url)) | {"findings-0-title": "Alice's title"}
    assert alice.post(url, data).status_code == 302
    finding = Finding.objects.get(initiative=initiative)
    assert (finding.title, finding.revision) == ("Alice's title", 3)


def test_a_colleague_change_the_inline_does_not_show_does_not_block_the_save(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
):
    finding = initiative.findings.get()
    url = change_url(initiative)
    alices_form = admin_form_data(alice.get(url))
    bob.post(
        reverse("admin:practices_finding_changelist"),
        {"action": "mark_reviewed", "_selected_action": [finding.pk]},
    )
    finding.refresh_from_db()
    assert finding.revision == 2  # Bob's action saved a revision

    response = alice.post(url, alices_form | {"title": "Alice's initiative title"})

    assert response.status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).title == "Alice's initiative title"
    finding.refresh_from_db()
    assert finding.last_reviewed is not None  # Bob's review date kept


def test_inline_save_that_races_past_the_form_check_is_refused_whole(
    alice,  # noqa: F811
    bob,  # noqa: F811
    initiative,
    monkeypatch,
):
    """Without row locks (SQLite) two saves can both pass the form's check; the
    conditional UPDATE still stops the second, and its parent's edit rolls back."""
    url = change_url(initiative)
    alices_form = admin_form_data(alice.get(url))
    bob_retitles_the_finding(bob, initiative.findings.get())
    monkeypatch.setattr(InlineContentForm, "check_revision", lambda self, loaded: None)

    alices_form["title"] = "Alice's initiative title"
    alices_form["findings-0-title"] = "Alice's finding title"
    response = alice.post(url, alices_form, follow=True)

    assert "Your changes were NOT saved" in response.content.decode()
    assert Finding.objects.get(initiative=initiative).title == "Bob's title"
    assert Initiative.objects.get(pk=initiative.pk).title == "Initiative as loaded"
