"""Readers' suggestions: the forms, their abuse limits, what curators do with them,
and the e-mail retention."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practices.models import BestPractice, Status, Suggestion

from .factories import (
    CURATOR_PASSWORD,
    make_curator,
    make_jurisdiction,
    make_practice,
)

VALID = {
    "text": "The figure for 2003 should be 45, not 54.",
    "source": "Perrin, Invisible Chains (2010), chapter 9",
    "name": "",
    "email": "",
    "website": "",
}


@pytest.fixture
def practice(db):
    return make_practice("Train officers", slug="train-officers")


def test_record_pages_link_to_a_correction_form_and_lists_to_a_new_practice(
    client, practice
):
    page = client.get(practice.get_absolute_url()).content.decode()
    assert reverse("practices:practice-suggest", args=[practice.slug]) in page
    assert "Suggest a correction" in page
    for url in (reverse("practices:home"), reverse("practices:practice-list")):
        assert reverse("practices:suggest-practice") in client.get(url).content.decode()


def test_a_correction_is_stored_linked_to_its_record(client, practice):
    url = reverse("practices:practice-suggest", args=[practice.slug])
    form = client.get(url)
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"] or "max-age=0" in form["Cache-Control"]
    response = client.post(url, {**VALID, "email": "reader@example.org"})
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "What happens next" in thanks
    suggestion = Suggestion.objects.get()
    assert suggestion.record == practice
    assert suggestion.kind == Suggestion.Kind.CORRECTION
    assert suggestion.state == Suggestion.State.NEW
    assert suggestion.email == "reader@example.org"


def test_the_source_is_required_and_nothing_personal_is(client, practice):
    url = reverse("practices:suggest-practice")
    response = client.post(url, {**VALID, "source": ""})
    assert response.status_code == 400
    assert "The source it comes from" in response.content.decode()
    assert not Suggestion.objects.exists()
    assert client.post(url, VALID).status_code == 302  # no name, no e-mail
    assert Suggestion.objects.get().kind == Suggestion.Kind.NEW_PRACTICE


def test_drafts_take_no_suggestions(client, db):
    draft = make_practice(slug="a-draft", status=Status.DRAFT)
    url = reverse("practices:practice-suggest", args=[draft.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, VALID).status_code == 404


def test_honeypot_stores_nothing(client, practice):
    response = client.post(
        reverse("practices:suggest-practice"), {**VALID, "website": "http://spam"}
    )
    assert response.status_code == 302  # the robot learns nothing
    assert not Suggestion.objects.exists()


def test_oversize_input_is_refused_with_a_clear_error(client, practice):
    response = client.post(
        reverse("practices:suggest-practice"),
        {**VALID, "text": "x" * 4001, "name": "n" * 101},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 4000 characters" in page
    assert not Suggestion.objects.exists()


def test_rate_limit_per_address_answers_429(client, practice, settings):
    settings.KB_SUGGESTIONS_PER_HOUR = 2
    url = reverse("practices:suggest-practice")
    assert client.post(url, VALID).status_code == 302
    assert client.post(url, VALID).status_code == 302
    response = client.post(url, VALID)
    assert response.status_code == 429
    assert "at most 2 suggestions an hour" in response.content.decode()
    assert Suggestion.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(url, VALID).status_code == 302  # another address


def test_text_is_rendered_escaped_in_the_admin(client, practice):
    client.post(reverse("practices:suggest-practice"), {**VALID, "text": "<b>x</b>"})
    make_curator("curator")
    curator = Client()
    curator.login(username="curator", password=CURATOR_PASSWORD)
    suggestion = Suggestion.objects.get()
    page = curator.get(
        reverse("admin:practices_suggestion_change", args=[suggestion.pk])
    ).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_the_post_works_with_the_page_cache_on(practice, settings):
    settings.KB_PAGE_CACHE_SECONDS = 3600
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(practice.get_absolute_url())  # cached now
    url = reverse("practices:practice-suggest", args=[practice.slug])
    form = visitor.get(url)
    token = form.context["csrf_token"]
    response = visitor.post(url, {**VALID, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert Suggestion.objects.count() == 1
    # Without the token: refused.
    assert Client(enforce_csrf_checks=True).post(url, VALID).status_code == 403


@pytest.fixture
def curator_client(db):
    make_curator("curator")
    client = Client()
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def test_accepting_a_new_practice_creates_a_linked_draft(curator_client, client, db):
    sweden = make_jurisdiction("Sweden", slug="sweden")
    client.post(reverse("practices:suggest-practice"), VALID)
    suggestion = Suggestion.objects.get()
    url = reverse("admin:practices_suggestion_change", args=[suggestion.pk])

    # Without a jurisdiction and theme the draft cannot be made: refused.
    response = curator_client.post(url, {"state": "accepted", "curator_note": ""})
    assert response.status_code == 200
    assert "needs a jurisdiction and a theme" in response.content.decode()
    assert not BestPractice.objects.exists()

    response = curator_client.post(
        url,
        {
            "state": "accepted",
            "curator_note": "Good find",
            "jurisdiction": str(sweden.pk),
            "theme": "protection",
        },
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    draft = suggestion.practice
    assert draft.status == Status.DRAFT
    assert draft.recommendation == VALID["text"]
    assert draft.jurisdiction == sweden
    assert draft.history.get().history_user.username == "curator"
    assert suggestion.handled_by.username == "curator"


def test_curators_see_new_suggestions_on_the_dashboard(curator_client, client, db):
    client.post(reverse("practices:suggest-practice"), VALID)
    page = curator_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:practices_suggestion_changelist") + "?state__exact=new" in (
        page
    )


def test_purge_deletes_old_email_addresses_only(db):
    old = Suggestion.objects.create(
        kind="new-practice", text="t", source="s", email="old@example.org"
    )
    Suggestion.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=91)
    )
    new = Suggestion.objects.create(
        kind="new-practice", text="t", source="s", email="new@example.org"
    )
    call_command("purge_suggestion_emails", stdout=io.StringIO())
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.email == "" and new.email == "new@example.org"
