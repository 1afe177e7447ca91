"""Translatable content (issue 14): curators translate in the admin, pages show the
translation or the English with a note, history keeps it, search, citations,
exports and the API follow the language read."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from practices import search
from practices.imports.resources import BestPracticeResource
from practices.models import BestPractice, PendingChange, Status

from .factories import (
    admin_form_data,
    make_practice,
)
from .test_workflow import curator, editor  # noqa: F401 (fixtures)

FRENCH_TITLE = "Former le personnel hôtelier à repérer la traite"
FRENCH_WORDS = "Les hôtels devraient former leur personnel à reconnaître les victimes."


def change_url(obj):
    return reverse("admin:practices_bestpractice_change", args=[obj.pk])


def translate(client, practice, **fields):
    url = change_url(practice)
    data = admin_form_data(client.get(url)) | fields
    return client.post(url, data, follow=True)


@pytest.fixture
def translated(curator):  # noqa: F811
    """A draft translated into French by a curator in the admin, then published."""
    practice = make_practice(
        "Train hotel staff to spot trafficking",
        status=Status.DRAFT,
        recommendation="Hotels should train their staff to recognise victims.",
    )
    response = translate(
        curator, practice, title_fr=FRENCH_TITLE, recommendation_fr=FRENCH_WORDS
    )
    assert response.status_code == 200
    BestPractice.objects.filter(pk=practice.pk).update(status=Status.PUBLISHED)
    practice.refresh_from_db()
    return practice


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


# --- admin --------------------------------------------------------------------------


def test_the_admin_form_shows_each_translation_under_its_original(curator, db):  # noqa: F811
    practice = make_practice("Hotline")
    form = curator.get(change_url(practice)).context["adminform"].form
    names = list(form.fields)
    at = names.index("title")
    assert names[at : at + 3] == ["title", "title_fr", "title_es"]
    assert "title_en" not in names  # the original is edited as `title`
    assert form.fields["title_fr"].label == "Title (French)"


def test_a_curator_translates_a_practice_and_the_original_stays_english(translated):
    assert translated.title_fr == FRENCH_TITLE
    assert translated.recommendation_fr == FRENCH_WORDS
    with translation.override("en"):
        assert translated.title == "Train hotel staff to spot trafficking"
    assert BestPractice.objects.filter(
        pk=translated.pk, title="Train hotel staff to spot trafficking"
    ).exists()


def test_the_admin_in_french_still_edits_the_english_original(curator, db):  # noqa: F811
    practice = make_practice("Hotline", status=Status.DRAFT)
    practice.title_fr = "Ligne d'écoute"
    practice.save()
    curator.cookies["django_language"] = "fr"
    with translation.override("fr"):
        form = curator.get(change_url(practice)).context["adminform"].form
        assert form["title"].value() == "Hotline"
        translate(curator, practice, title="Hotline for victims")
    practice.refresh_from_db()
    assert (practice.title_en, practice.title_fr) == (
        "Hotline for victims",
        "Ligne d'écoute",
    )


def test_history_records_the_translation(translated):
    row = translated.history.order_by("-history_date", "-history_id").first()
    assert row.title_fr == FRENCH_TITLE
    assert row.title == "Train hotel staff to spot trafficking"


def test_a_translation_survives_a_pending_change_and_its_approval(curator, editor, db):  # noqa: F811
    practice = make_practice("Live title", recommendation="Published words.")
    response = translate(curator, practice, title_fr="Titre en ligne")
    assert "saved as a pending change" in response.content.decode()
    practice.refresh_from_db()
    assert not practice.title_fr  # the public page is unchanged until approval
    assert PendingChange.objects.get().data["title_fr"] == ["Titre en ligne"]
    workflow = reverse("admin:practices_bestpractice_workflow", args=[practice.pk])
    curator.post(workflow, {"action": "submit"})
    response = editor.post(workflow, {"action": "approve"}, follow=True)
    assert "published as its next public version" in response.content.decode()
    practice.refresh_from_db()
    assert (practice.title, practice.title_fr) == ("Live title", "Titre en ligne")


def test_the_missing_french_filter_lists_the_untranslated(curator, translated):  # noqa: F811
    untranslated = make_practice("Only in English")
    url = reverse("admin:practices_bestpractice_changelist")
    listed = curator.get(url, {"missing": "fr"}).context["cl"].result_list
    assert list(listed) == [untranslated]
    listed = curator.get(url, {"missing": "es"}).context["cl"].result_list
    assert set(listed) == {untranslated, translated}
    assert "Missing French" in curator.get(url).content.decode()


def test_reloading_the_fixtures_keeps_the_translations(db, tmp_path):
    practice = make_practice("Hotline")
    fixture = tmp_path / "practice.json"
    with translation.override("en"):
        call_command(
            "dumpdata",
            "practices.bestpractice",
            "--pks",
            str(practice.pk),
            output=str(fixture),
        )
    data = json.loads(fixture.read_text())
    for key in list(data[0]["fields"]):
        if key.endswith(("_en", "_fr", "_es")):
            del data[0]["fields"][key]  # the fixtures hold the English only
    fixture.write_text(json.dumps(data))
    BestPractice.objects.filter(pk=practice.pk).update(title_fr="Ligne d'écoute")
    call_command("loaddata", str(fixture), verbosity=0)
    practice.refresh_from_db()
    assert (practice.title, practice.title_fr) == ("Hotline", "Ligne d'écoute")


# --- public pages -------------------------------------------------------------------


def test_the_french_page_shows_the_translation(client, translated):
    html = page(client, f"/fr/practices/{translated.slug}/")
    assert f"<h1>{FRENCH_TITLE}</h1>" in html.replace("&#x27;", "'")
    assert FRENCH_WORDS in html
    assert (
        "Not yet translated" not in html
        and 'lang="en"' not in html.split("<main", 1)[1].split("cite-panel")[0]
    )


def test_the_spanish_page_shows_the_english_with_its_note(client, translated):
    html = page(client, f"/es/practices/{translated.slug}/")
    assert '<h1 lang="en">Train hotel staff to spot trafficking</h1>' in html
    assert 'class="recommendation" lang="en"' in html
    assert 'class="callout translation-note" role="note"' in html


def test_the_english_page_carries_no_note(client, translated):
    html = page(client, f"/practices/{translated.slug}/")
    assert "<h1>Train hotel staff to spot trafficking</h1>" in html
    assert "translation-note" not in html


# --- search -------------------------------------------------------------------------

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="per-language full-text search needs PostgreSQL (set DATABASE_URL)",
)


@pytest.mark.postgres
@on_postgres
@pytest.mark.parametrize("word", ["hôtelier", "hotelier", "HÔTELIERS"])
def test_french_search_finds_a_translation_with_or_without_accents(translated, word):
    with translation.override("fr"):
        titles = [
            hit.title
            for group in search.search(word).groups
            for hit in group["hits"]
            if not group["similar"]
        ]
    assert any("hôtelier" in str(title) for title in titles)


@pytest.mark.postgres
@on_postgres
def test_the_french_search_page_finds_it_and_english_search_does_not(
    client, translated
):
    html = page(client, "/fr/search/?q=personnel")
    assert "Former le <mark>personnel</mark> hôtelier" in html
    with translation.override("en"):
        groups = search.search("personnel hôtelier").groups
    assert not [g for g in groups if not g["similar"]]


@pytest.mark.postgres
@on_postgres
def test_the_french_search_is_served_by_its_index(translated):
    with translation.override("fr"):
        queryset = search.exact_matches(BestPractice.objects.all(), "hôtelier")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
    assert "bestpractice_search_fr" in plan


# --- citations ----------------------------------------------------------------------


def test_citations_carry_the_language_read(client, translated):
    base = f"/fr/practices/{translated.slug}/"
    bib = page(client, base + "cite.bib")
    assert "language = {fr}" in bib and "personnel h" in bib
    ris = page(client, base + "cite.ris")
    assert "LA  - fr" in ris and FRENCH_TITLE in ris
    (item,) = json.loads(page(client, base + "cite.json"))
    assert (item["language"], item["title"]) == ("fr", FRENCH_TITLE)
    (item,) = json.loads(page(client, f"/es/practices/{translated.slug}/cite.json"))
    assert (item["language"], item["title"]) == (
        "en",
        "Train hotel staff to spot trafficking",
    )
    assert 'class="cite-language"' in page(client, base)


def test_a_version_permalink_in_french_cites_the_french(client, translated):
    with translation.override("en"):
        translated.save()  # a published version with its translation
    (item,) = json.loads(page(client, f"/fr/practices/{translated.slug}/v/1/cite.json"))
    assert (item["language"], item["title"]) == ("fr", FRENCH_TITLE)


# --- exports and API ----------------------------------------------------------------


def export_rows(client, path):
    response = client.get(path)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_exports_give_each_text_in_the_language_asked_with_its_language(
    client, translated
):
    make_practice("Only in English")
    rows = {r["slug"]: r for r in export_rows(client, "/practices.csv?lang=fr")}
    french = rows[translated.slug]
    assert (french["title"], french["title_lang"]) == (FRENCH_TITLE, "fr")
    assert french["discussion_lang"] == "en"  # nothing to translate: the original
    assert {r["title_lang"] for s, r in rows.items() if s != translated.slug} == {"en"}
    rows = export_rows(client, "/practices.csv")
    assert {r["title_lang"] for r in rows} == {"en"}
    data = json.loads(
        b"".join(client.get("/fr/practices.json").streaming_content).decode()
    )
    found = {r["slug"]: r for r in data["results"]}[translated.slug]
    assert (found["title"], found["title_lang"]) == (FRENCH_TITLE, "fr")


@pytest.mark.parametrize(
    "path", ["/practices.csv", "/findings.json", "/api/v1/practices/"]
)
def test_an_unknown_language_is_refused_with_a_clear_message(client, db, path):
    response = client.get(path, {"lang": "de"})
    assert response.status_code == 400
    assert "use one of en, fr, es" in response.content.decode()


def test_the_api_gives_each_text_in_the_language_asked(client, translated):
    url = f"/api/v1/practices/{translated.slug}/"
    item = client.get(url, {"lang": "fr"}).json()
    assert (item["title"], item["title_lang"]) == (FRENCH_TITLE, "fr")
    assert item["recommendation_lang"] == "fr"
    item = client.get(url, {"lang": "es"}).json()
    assert item["title_lang"] == "en"
    assert item["title"] == "Train hotel staff to spot trafficking"
    listed = client.get("/api/v1/practices/", {"lang": "fr"}).json()
    assert "filter_messages" not in listed or not any(
        "lang" in m for m in listed["filter_messages"]
    )


def test_a_bulk_export_from_the_french_admin_holds_the_english_originals(translated):
    with translation.override("fr"):
        dataset = BestPracticeResource().export(
            queryset=BestPractice.objects.filter(pk=translated.pk)
        )
    assert dataset.dict[0]["title"] == "Train hotel staff to spot trafficking"


def test_a_record_made_in_code_on_a_french_request_keeps_english_as_original(db):
    with translation.override("fr"):
        practice = make_practice("Hotline")
        practice.recommendation = "Answer every call."
        practice.save()
    practice.refresh_from_db()
    assert (practice.title_en, practice.title_fr) == ("Hotline", None)
    assert practice.recommendation_en == "Answer every call."


def test_an_update_in_code_changes_the_original_that_search_reads(db):
    practice = make_practice("Hotline")
    BestPractice.objects.filter(pk=practice.pk).update(title="Helpline")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, title_en FROM practices_bestpractice WHERE id = %s",
            [practice.pk],
        )
        assert cursor.fetchone() == ("Helpline", "Helpline")


def test_list_items_and_search_hits_shown_in_english_say_so(client, translated):
    """A list item or search hit whose text falls back to English carries
    lang="en" (screen readers switch voice), as record pages do; a translated one
    is in the page's language."""
    spanish_list = page(client, "/es/practices/")
    assert (
        '<h3 class="item-title" lang="en"><a href="/es/practices/'
        f'{translated.slug}/">Train hotel staff' in spanish_list
    )
    assert '<span lang="en">Hotels should train their staff' in spanish_list
    french_list = page(client, "/fr/practices/")
    assert f'<h3 class="item-title"><a href="/fr/practices/{translated.slug}/">' in (
        french_list
    )
    assert '<span lang="en">' not in french_list

    spanish_hits = page(client, "/es/search/?q=hotel")
    assert '<h3 class="item-title" lang="en">' in spanish_hits
    assert '<p lang="en">' in spanish_hits
    english_hits = page(client, "/search/?q=hotel")
    assert 'lang="en"' not in english_hits.split("<main", 1)[1]


def test_a_french_list_sorts_untranslated_records_among_the_translated(
    client, translated
):
    """By the title the page shows: the French where there is one, else the
    English, not every untranslated record after the translated ones."""
    make_practice("Zebra crossings for survivors")
    make_practice("Awareness in airports")
    html = page(client, "/fr/practices/?sort=title")
    order = [
        html.index(title)
        for title in (
            "Awareness in airports",
            FRENCH_TITLE.replace("'", "&#x27;"),
            "Zebra crossings for survivors",
        )
    ]
    assert order == sorted(order)
