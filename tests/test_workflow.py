"""The editorial workflow: curators edit and submit, editors approve, publish, request
changes and discard; a published record's edit waits as a pending change."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from practices.models import BestPractice, PendingChange, Status
from practices.versions import current_version_number

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_curator,
    make_editor,
    make_jurisdiction,
    make_practice,
    make_source,
)


def logged_in(make, username):
    make(username)
    client = Client()
    assert client.login(username=username, password=CURATOR_PASSWORD)
    return client


@pytest.fixture
def curator(db):
    return logged_in(make_curator, "curator")


@pytest.fixture
def editor(db):
    return logged_in(make_editor, "editor")


def url_of(obj, name):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk])


def step(client, obj, action, **extra):
    return client.post(
        url_of(obj, "workflow"), {"action": action, **extra}, follow=True
    )


@pytest.fixture
def live_practice(db):
    practice = make_practice(title="Live title", recommendation="Published words.")
    practice.tags.add("hotels")
    return practice


@pytest.fixture
def edited(curator, live_practice):
    """The curator's edit of a published practice: title, words and tags."""
    url = url_of(live_practice, "change")
    data = admin_form_data(curator.get(url)) | {
        "title": "Edited title",
        "recommendation": "Edited words.",
        "tags": "hotels, staff training",
        "confirm_new_tags": "staff training",
    }
    response = curator.post(url, data, follow=True)
    assert "saved as a pending change" in response.content.decode()
    return live_practice


# --- roles -----------------------------------------------------------------------


def test_create_editor_makes_a_staff_member_of_editors(db):
    out = io.StringIO()
    call_command("create_editor", "eda", password=CURATOR_PASSWORD, stdout=out)
    user = get_user_model().objects.get(username="eda")
    assert user.is_staff and not user.is_superuser
    assert [g.name for g in user.groups.all()] == ["Editors"]
    assert user.has_perm("practices.publish_content")
    assert "Created editor “eda”" in out.getvalue()


def test_only_editors_hold_the_publish_permission_and_neither_manages_users(db):
    curators = Group.objects.get(name="Curators")
    editors = Group.objects.get(name="Editors")
    codes = set(editors.permissions.values_list("codename", flat=True))
    assert "publish_content" in codes and "delete_tag" in codes
    assert "publish_content" not in set(
        curators.permissions.values_list("codename", flat=True)
    )
    for group in (curators, editors):
        apps = set(group.permissions.values_list("content_type__app_label", flat=True))
        assert apps == {"practices", "taggit"}


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/"])
def test_editor_cannot_manage_users_either(editor, url):
    assert editor.get(url).status_code == 403


def test_editor_cannot_delete_a_published_record_either(editor, live_practice):
    url = url_of(live_practice, "delete")
    assert editor.post(url, {"post": "yes"}).status_code == 403
    assert BestPractice.objects.filter(pk=live_practice.pk).exists()


def test_status_is_not_a_form_field(curator, live_practice):
    form = curator.get(url_of(live_practice, "change")).context["adminform"].form
    assert "status" not in form.fields


# --- pending changes on published records ------------------------------------------


def test_editing_a_published_practice_leaves_the_public_page_unchanged(client, edited):
    edited.refresh_from_db()
    assert (edited.title, edited.recommendation) == ("Live title", "Published words.")
    assert sorted(edited.tags.names()) == ["hotels"]
    page = client.get(edited.get_absolute_url()).content.decode()
    assert "Published words." in page and "Edited words." not in page
    csv = b"".join(client.get("/practices.csv").streaming_content).decode()
    assert "Live title" in csv and "Edited" not in csv
    assert "Edited" not in client.get("/feeds/practices/").content.decode()
    assert current_version_number(edited) == 1


def test_the_form_shows_the_pending_change_not_the_live_record(curator, edited):
    page = curator.get(url_of(edited, "change")).content.decode()
    assert 'value="Edited title"' in page
    assert "pending changes" in page and "not yet submitted for review" in page


def test_published_list_shows_which_records_have_pending_changes(curator, edited):
    other = make_practice(title="Untouched practice")
    changelist = reverse("admin:practices_bestpractice_changelist")
    response = curator.get(changelist, {"pending": "yes"})
    rows = list(response.context["cl"].result_list)
    assert rows == [edited]
    assert other not in rows
    assert 'class="field-pending_changes"' in response.content.decode()


def test_a_colleagues_stale_form_is_refused_on_a_pending_change(edited, db):
    bob = logged_in(make_curator, "bob")
    url = url_of(edited, "change")
    stale = admin_form_data(bob.get(url))
    curator = Client()
    assert curator.login(username="curator", password=CURATOR_PASSWORD)
    curator.post(url, admin_form_data(curator.get(url)) | {"title": "Newer"})
    response = bob.post(url, stale | {"title": "Bob's title"})
    assert "Your changes were NOT saved" in response.content.decode()
    pending = PendingChange.objects.get()
    assert pending.data["title"] == ["Newer"]


def test_curator_submits_but_cannot_publish_the_change(curator, edited):
    response = step(curator, edited, "submit")
    assert "submitted for review" in response.content.decode()
    assert step(curator, edited, "approve").status_code == 403
    edited.refresh_from_db()
    assert edited.title == "Live title"


def test_editor_publishes_the_change_as_the_next_version(curator, editor, edited):
    step(curator, edited, "submit")
    response = step(editor, edited, "approve", comment="Good.")
    assert "published as its next public version" in response.content.decode()
    edited.refresh_from_db()
    assert (edited.title, edited.recommendation) == ("Edited title", "Edited words.")
    assert sorted(edited.tags.names()) == ["hotels", "staff training"]
    assert not PendingChange.objects.exists()
    assert current_version_number(edited) == 2
    assert edited.history.first().history_change_reason == "Published changes"


def test_an_unsubmitted_change_is_not_published(editor, edited):
    response = step(editor, edited, "approve")
    assert "not submitted for review" in response.content.decode()
    edited.refresh_from_db()
    assert edited.title == "Live title"


def test_discard_drops_the_pending_change(curator, edited):
    step(curator, edited, "discard")
    assert not PendingChange.objects.exists()
    page = curator.get(url_of(edited, "change")).content.decode()
    assert 'value="Live title"' in page


def shown_pending_revision(client, obj):
    """The pending change's revision the review panel of `client`'s form shows."""
    page = client.get(url_of(obj, "change")).content.decode()
    marker = 'name="pending_revision" value="'
    assert marker in page
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_approving_refuses_a_change_replaced_after_the_editor_opened_it(
    curator, editor, edited
):
    step(curator, edited, "submit")
    seen = shown_pending_revision(editor, edited)
    # A colleague saves a newer edit (and submits it) while the editor reads.
    bob = logged_in(make_curator, "bob")
    url = url_of(edited, "change")
    bob.post(url, admin_form_data(bob.get(url)) | {"recommendation": "Bob's words."})
    step(bob, edited, "submit")
    response = step(editor, edited, "approve", pending_revision=seen)
    assert "newer pending changes" in response.content.decode()
    edited.refresh_from_db()
    assert edited.recommendation == "Published words."
    assert PendingChange.objects.get().data["recommendation"] == ["Bob's words."]
    # Once the editor has seen the newer change, approving it publishes it.
    seen = shown_pending_revision(editor, edited)
    step(editor, edited, "approve", pending_revision=seen)
    edited.refresh_from_db()
    assert edited.recommendation == "Bob's words."


@pytest.mark.parametrize("shown", ["", "²", "9" * 40, "-1"])
def test_approving_refuses_a_change_the_form_did_not_show(
    curator, editor, edited, shown
):
    """The form showed no pending change (or sends something that is no revision):
    a pending change that exists now is one the editor has not seen."""
    step(curator, edited, "submit")
    response = step(editor, edited, "approve", pending_revision=shown)
    assert response.status_code == 200
    assert "newer pending changes" in response.content.decode()
    edited.refresh_from_db()
    assert edited.title == "Live title"


def test_a_form_opened_on_a_discarded_change_does_not_bring_it_back(curator, edited):
    """Bob opened the form while it showed the pending change, then it was
    discarded: his save keeps his own edit, not the discarded ones."""
    bob = logged_in(make_curator, "bob")
    url = url_of(edited, "change")
    opened = admin_form_data(bob.get(url))
    assert opened["title"] == "Edited title"
    step(curator, edited, "discard")
    response = bob.post(url, opened | {"recommendation": "Bob's words."}, follow=True)
    # The discard changed the recommendation back too: Bob is asked which to keep,
    # and the discarded title and tags are not brought back.
    page = response.content.decode()
    assert "a colleague also changed Recommendation" in page
    assert "Already merged from their edit: Title, Tags." in page
    assert not PendingChange.objects.exists()
    bob.post(url, admin_form_data(response))  # keeps his recommendation
    data = PendingChange.objects.get().data
    assert data["recommendation"] == ["Bob's words."]
    assert data["title"] == ["Live title"]


def test_discarding_keeps_a_change_saved_after_the_discarder_opened_it(curator, edited):
    seen = shown_pending_revision(curator, edited)
    bob = logged_in(make_curator, "bob")
    url = url_of(edited, "change")
    bob.post(url, admin_form_data(bob.get(url)) | {"recommendation": "Bob's words."})
    response = step(curator, edited, "discard", pending_revision=seen)
    assert "newer pending changes" in response.content.decode()
    assert PendingChange.objects.get().data["recommendation"] == ["Bob's words."]


def test_submitting_refuses_a_change_replaced_after_the_curator_opened_it(
    curator, edited
):
    """Bob saved a newer edit while the curator read theirs: the curator's "Submit"
    does not send Bob's unsubmitted words for review in the curator's name."""
    seen = shown_pending_revision(curator, edited)
    bob = logged_in(make_curator, "bob")
    url = url_of(edited, "change")
    bob.post(url, admin_form_data(bob.get(url)) | {"recommendation": "Bob's words."})
    response = step(curator, edited, "submit", pending_revision=seen)
    assert "newer pending changes" in response.content.decode()
    pending = PendingChange.objects.get()
    assert (pending.data["recommendation"], pending.submitted_at) == (
        ["Bob's words."],
        None,
    )
    seen = shown_pending_revision(curator, edited)
    response = step(curator, edited, "submit", pending_revision=seen)
    assert "submitted for review" in response.content.decode()


# --- review by someone else ------------------------------------------------------


def test_an_editor_cannot_approve_their_own_change(editor, live_practice, settings):
    settings.KB_FORBID_SELF_APPROVAL = True
    url = url_of(live_practice, "change")
    editor.post(url, admin_form_data(editor.get(url)) | {"title": "Mine"})
    step(editor, live_practice, "submit")
    response = step(editor, live_practice, "approve")
    assert "another editor must approve it" in response.content.decode()
    live_practice.refresh_from_db()
    assert live_practice.title == "Live title"


def test_self_approval_is_allowed_when_the_setting_is_off(
    editor, live_practice, settings
):
    settings.KB_FORBID_SELF_APPROVAL = False
    url = url_of(live_practice, "change")
    editor.post(url, admin_form_data(editor.get(url)) | {"title": "Mine"})
    step(editor, live_practice, "submit")
    step(editor, live_practice, "approve")
    live_practice.refresh_from_db()
    assert live_practice.title == "Mine"


def test_request_changes_needs_a_comment_and_the_curator_sees_it(
    curator, editor, edited
):
    step(curator, edited, "submit")
    refused = step(editor, edited, "request_changes", comment=" ")
    assert "the comment is required" in refused.content.decode()
    step(editor, edited, "request_changes", comment="Cite the page number.")
    page = curator.get(url_of(edited, "change")).content.decode()
    assert "Changes requested" in page and "Cite the page number." in page
    assert "not yet submitted for review" in page
    history = curator.get(url_of(edited, "history")).content.decode()
    assert "Cite the page number." in history


def test_a_draft_goes_to_review_and_an_editor_approves_it(curator, editor, db):
    draft = make_practice(status=Status.DRAFT, title="New practice")
    url = url_of(draft, "change")
    response = curator.post(
        url, admin_form_data(curator.get(url)) | {"_submit_review": "1"}, follow=True
    )
    assert "submitted for review" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    step(editor, draft, "approve")
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_the_submitter_of_a_draft_cannot_approve_it(editor, db):
    draft = make_practice(status=Status.DRAFT)
    step(editor, draft, "submit")
    step(editor, draft, "approve")
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


# --- publishing with dependencies ---------------------------------------------------


def test_approving_a_practice_with_draft_relations_lists_them_then_publishes_all(
    editor, db
):
    place = make_jurisdiction("Ontario", status=Status.DRAFT)
    book = make_source("A draft report", status=Status.DRAFT)
    practice = make_practice(
        title="Train the police", jurisdiction=place, source=book, status="review"
    )
    confirm = step(editor, practice, "approve")
    page = confirm.content.decode()
    assert "jurisdiction “Ontario” (Draft)" in page
    assert "source “A draft report” (Draft)" in page
    practice.refresh_from_db()
    assert practice.status == Status.REVIEW

    step(editor, practice, "approve", with_dependencies="yes", post="yes")
    for record in (place, book, practice):
        record.refresh_from_db()
        assert record.status == Status.PUBLISHED
    assert Client().get(practice.get_absolute_url()).status_code == 200


def test_bulk_publish_lists_draft_dependencies_and_publishes_them_together(editor, db):
    place = make_jurisdiction("Ontario", status=Status.DRAFT)
    practice = make_practice(jurisdiction=place, status=Status.DRAFT)
    changelist = reverse("admin:practices_bestpractice_changelist")
    selection = {"action": "publish", "_selected_action": [practice.pk]}
    page = editor.post(changelist, selection).content.decode()
    assert "jurisdiction “Ontario” (Draft)" in page
    editor.post(changelist, selection | {"post": "yes", "with_dependencies": "yes"})
    place.refresh_from_db()
    practice.refresh_from_db()
    assert (place.status, practice.status) == (Status.PUBLISHED, Status.PUBLISHED)


def test_bulk_publish_without_the_dependencies_refuses_with_the_list(editor, db):
    place = make_jurisdiction("Ontario", status=Status.DRAFT)
    practice = make_practice(jurisdiction=place, status=Status.DRAFT)
    response = editor.post(
        reverse("admin:practices_bestpractice_changelist"),
        {"action": "publish", "_selected_action": [practice.pk], "post": "yes"},
        follow=True,
    )
    assert "links to unpublished records: jurisdiction “Ontario”" in (
        response.content.decode()
    )
    practice.refresh_from_db()
    assert practice.status == Status.DRAFT


# --- preview -----------------------------------------------------------------------


def test_preview_of_a_draft_for_staff_only(client, curator, db):
    draft = make_practice(status=Status.DRAFT, recommendation="Draft words here.")
    url = url_of(draft, "preview")
    assert client.get(url).status_code == 404
    response = curator.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview — not public" in page and "Draft words here." in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_without_view_permission_is_forbidden(db):
    get_user_model().objects.create_user(
        "staff", password="x-long-pass-1", is_staff=True
    )
    client = Client()
    assert client.login(username="staff", password="x-long-pass-1")
    draft = make_practice(status=Status.DRAFT)
    assert client.get(url_of(draft, "preview")).status_code == 403


def test_preview_shows_the_pending_change(client, curator, edited):
    page = curator.get(url_of(edited, "preview")).content.decode()
    assert "Edited words." in page and "pending changes" in page
    public = client.get(edited.get_absolute_url()).content.decode()
    assert "Edited words." not in public and "Preview" not in public


# --- "View on site" -------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_an_unpublished_record_offers_no_view_on_site_link(curator, status):
    """Its public page is a 404: the review panel's preview link shows it instead."""
    draft = make_practice(status=status)
    page = curator.get(url_of(draft, "change")).content.decode()
    assert "View on site" not in page
    assert f'href="{url_of(draft, "preview")}"' in page


def test_a_published_record_views_its_public_page_even_with_pending_changes(
    curator, edited
):
    """The site shows the published version; the panel previews the pending change."""
    page = curator.get(url_of(edited, "change")).content.decode()
    link = f'href="{edited.get_absolute_url()}" class="viewsitelink"'
    assert "View on site" in page and link in page
    assert f'href="{url_of(edited, "preview")}"' in page


# --- withdrawn versions ------------------------------------------------------------


@pytest.fixture
def two_versions(curator, editor, edited):
    step(curator, edited, "submit")
    step(editor, edited, "approve")
    assert current_version_number(edited) == 2
    return edited


def test_editor_withdraws_a_version_and_its_permalink_says_why(
    client, editor, two_versions
):
    url = url_of(two_versions, "withdraw")
    form = editor.get(url).content.decode()
    assert "Version 1" in form and "Version 2" not in form  # not the current one
    editor.post(url, {"number": "1", "reason": "It misquoted the source's figure."})

    permalink = f"{two_versions.get_absolute_url()}v/1/"
    response = client.get(permalink)
    page = response.content.decode()
    assert response.status_code == 410
    assert "Version 1 of “Edited title” was withdrawn" in page
    assert "It misquoted the source&#x27;s figure." in page
    assert "Published words." not in page  # the withdrawn text is not shown
    assert f'href="{two_versions.get_absolute_url()}"' in page
    assert client.get(f"{permalink}cite.bib").status_code == 410
    history = client.get(f"{two_versions.get_absolute_url()}history/")
    assert "(withdrawn " in history.content.decode()
    assert client.get(f"{two_versions.get_absolute_url()}v/2/").status_code == 200


def test_curator_cannot_withdraw_a_version(curator, two_versions):
    url = url_of(two_versions, "withdraw")
    assert curator.get(url).status_code == 403
    assert curator.post(url, {"number": "1", "reason": "x"}).status_code == 403
    assert Client().get(f"{two_versions.get_absolute_url()}v/1/").status_code == 200


def test_withdrawing_needs_a_reason(editor, two_versions):
    url = url_of(two_versions, "withdraw")
    response = editor.post(url, {"number": "1", "reason": ""})
    assert "This field is required." in response.content.decode()
    assert Client().get(f"{two_versions.get_absolute_url()}v/1/").status_code == 200


# --- curator comfort ---------------------------------------------------------------


def test_admin_names_the_knowledge_base_and_the_tags_section(curator):
    page = curator.get(reverse("admin:index")).content.decode()
    assert "Anti-Trafficking Best Practice Knowledge Base" in page
    assert "Django administration" not in page
    assert ">Tags<" in page and "Taggit" not in page


def test_add_form_hides_revision_published_at_and_status(curator):
    page = curator.get(reverse("admin:practices_bestpractice_add")).content.decode()
    assert "field-revision" not in page and "field-published_at" not in page
    assert 'name="status"' not in page


def test_the_history_records_the_reason_given(curator, db):
    draft = make_practice(status=Status.DRAFT)
    url = url_of(draft, "change")
    data = admin_form_data(curator.get(url)) | {"change_reason": "Fixed a typo"}
    curator.post(url, data)
    assert draft.history.first().history_change_reason == "Fixed a typo"


def test_restoring_says_which_revision_was_restored(curator, db):
    draft = make_practice(status=Status.DRAFT, title="First")
    url = url_of(draft, "change")
    curator.post(url, admin_form_data(curator.get(url)) | {"title": "Second"})
    first = draft.history.order_by("history_date").first()
    restore = reverse(
        "admin:practices_bestpractice_simple_history", args=[draft.pk, first.pk]
    )
    assert curator.post(restore, admin_form_data(curator.get(restore))).status_code
    newest = draft.history.first()
    assert newest.title == "First"
    assert newest.history_change_reason.startswith("Restored revision 1 of ")


def test_the_form_warns_when_sanitising_removes_markup(curator, db):
    draft = make_practice(status=Status.DRAFT)
    url = url_of(draft, "change")
    data = admin_form_data(curator.get(url)) | {
        "discussion": 'Text <script>alert(1)</script> <img src=x onerror="alert(2)">'
    }
    page = curator.post(url, data, follow=True).content.decode()
    assert "will not show &lt;script&gt;, &lt;img&gt;, the onerror attribute" in page
    draft.refresh_from_db()
    assert "<script>" in draft.discussion  # the curator's text is kept as typed


def test_bulk_delete_of_drafts_asks_first(curator, db):
    drafts = [make_practice(status=Status.DRAFT) for _ in range(2)]
    changelist = reverse("admin:practices_bestpractice_changelist")
    selection = {
        "action": "delete_selected",
        "_selected_action": [d.pk for d in drafts],
    }
    confirm = curator.post(changelist, selection)
    assert "Are you sure you want to delete" in confirm.content.decode()
    assert BestPractice.objects.count() == 2
    curator.post(changelist, selection | {"post": "yes"})
    assert BestPractice.objects.count() == 0


def test_a_curator_cannot_publish_a_finding_through_the_initiative_form(curator, db):
    from .factories import make_finding, make_initiative

    initiative = make_initiative(status=Status.DRAFT)
    finding = make_finding(initiative=initiative, status=Status.DRAFT)
    url = url_of(initiative, "change")
    data = admin_form_data(curator.get(url)) | {"findings-0-status": "published"}
    assert curator.post(url, data).status_code == 302
    finding.refresh_from_db()
    assert finding.status == Status.DRAFT


def test_a_published_initiatives_inline_edits_wait_and_publish_together(
    client, curator, editor, db
):
    from .factories import make_finding, make_initiative

    initiative = make_initiative(title="Hotline")
    finding = make_finding(initiative=initiative, title="Calls a month")
    url = url_of(initiative, "change")
    data = admin_form_data(curator.get(url)) | {
        "title": "National hotline",
        "findings-0-title": "Calls each month",
    }
    assert curator.post(url, data).status_code == 302
    finding.refresh_from_db()
    initiative.refresh_from_db()
    assert (initiative.title, finding.title) == ("Hotline", "Calls a month")

    step(curator, initiative, "submit")
    step(editor, initiative, "approve")
    finding.refresh_from_db()
    initiative.refresh_from_db()
    assert (initiative.title, finding.title) == ("National hotline", "Calls each month")
    assert (
        "National hotline" in client.get(initiative.get_absolute_url()).content.decode()
    )


def test_restoring_a_published_records_old_version_waits_for_an_editor(
    curator, editor, two_versions
):
    first = two_versions.history.order_by("history_date").first()
    restore = reverse(
        "admin:practices_bestpractice_simple_history", args=[two_versions.pk, first.pk]
    )
    curator.post(restore, admin_form_data(curator.get(restore)))
    two_versions.refresh_from_db()
    assert two_versions.title == "Edited title"  # still the published version
    step(curator, two_versions, "submit")
    step(editor, two_versions, "approve")
    two_versions.refresh_from_db()
    assert two_versions.title == "Live title"
    assert [s.title for s in two_versions.sources.all()]  # its sources are kept
    assert current_version_number(two_versions) == 3


@pytest.mark.django_db(transaction=True)
def test_form_and_preview_of_a_pending_change_outside_a_test_transaction():
    """As in production, where no test transaction wraps the request: the bound
    form's revision check locks the row (PostgreSQL refuses that outside one)."""
    # A superuser: another transactional test may have flushed the groups away.
    get_user_model().objects.create_superuser("root", password=CURATOR_PASSWORD)
    client = Client()
    assert client.login(username="root", password=CURATOR_PASSWORD)
    practice = make_practice(title="Live title")
    url = url_of(practice, "change")
    client.post(url, admin_form_data(client.get(url)) | {"title": "Pending title"})
    assert 'value="Pending title"' in client.get(url).content.decode()
    assert "Pending title" in client.get(url_of(practice, "preview")).content.decode()


def test_unpublishing_keeps_the_pending_change_for_the_draft(curator, editor, edited):
    """Unpublished, the record is a draft again: its pending change is not thrown
    away but shown in the draft's form, and saving the draft keeps it there."""
    step(editor, edited, "unpublish", post="yes")
    edited.refresh_from_db()
    assert edited.status == Status.DRAFT
    url = url_of(edited, "change")
    page = curator.get(url).content.decode()
    assert 'value="Edited title"' in page
    assert "The public page still shows the published version" not in page
    assert "unpublished while it had pending changes" in page
    assert curator.post(url, admin_form_data(curator.get(url))).status_code == 302
    edited.refresh_from_db()
    assert (edited.title, edited.status) == ("Edited title", Status.DRAFT)
    assert sorted(edited.tags.names()) == ["hotels", "staff training"]
    assert not PendingChange.objects.exists()
    assert "Edited title" not in Client().get("/practices/").content.decode()


def test_a_draft_with_a_pending_change_is_saved_before_it_is_reviewed(
    curator, editor, edited
):
    step(editor, edited, "unpublish", post="yes")
    page = curator.get(url_of(edited, "change")).content.decode()
    assert 'value="submit"' not in page and 'value="approve"' not in page
    refused = step(curator, edited, "submit").content.decode()
    assert "save its form to keep them in the draft" in refused
    refused = step(editor, edited, "approve").content.decode()
    assert "save its form to keep them in the draft" in refused
    edited.refresh_from_db()
    assert (edited.status, edited.title) == (Status.DRAFT, "Live title")
    assert PendingChange.objects.exists()


def test_bulk_actions_wait_for_a_drafts_pending_change_to_be_saved(
    curator, editor, edited
):
    """Publishing the draft in bulk would leave its pending edits behind, to
    reattach unreviewed to the live record: both bulk actions refuse, and say why."""
    step(editor, edited, "unpublish", post="yes")
    changelist = reverse("admin:practices_bestpractice_changelist")
    selected = {"_selected_action": [edited.pk], "post": "yes"}
    for client, action in ((editor, "publish"), (curator, "send_to_review")):
        response = client.post(changelist, selected | {"action": action}, follow=True)
        assert "save its form to keep them in the draft" in response.content.decode()
        edited.refresh_from_db()
        assert edited.status == Status.DRAFT
    assert PendingChange.objects.exists()
    assert Client().get(edited.get_absolute_url()).status_code == 404


def test_restoring_a_published_version_of_a_draft_keeps_it_a_draft(client, curator, db):
    """A curator cannot publish: restoring the version a withdrawn practice had
    while it was public restores its words, and it stays unpublished."""
    practice = make_practice(title="Once public")
    public_version = practice.history.order_by("history_date").first()
    practice.status = Status.DRAFT
    practice.title = "Now a draft"
    practice.save()
    restore = reverse(
        "admin:practices_bestpractice_simple_history",
        args=[practice.pk, public_version.pk],
    )
    assert (
        curator.post(restore, admin_form_data(curator.get(restore))).status_code == 302
    )
    practice.refresh_from_db()
    assert (practice.title, practice.status) == ("Once public", Status.DRAFT)
    assert client.get(practice.get_absolute_url()).status_code == 404
