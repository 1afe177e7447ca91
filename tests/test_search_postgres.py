"""PostgreSQL search: ranking with the title over the body, tolerance for
misspellings, and indexes that serve the query. Skipped on SQLite."""

import pytest
from django.db import connection

from practices import search
from practices.models import BestPractice, Source
from tests import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
    ),
]


def plan_without_seqscan(queryset):
    """The query's plan when PostgreSQL may not scan whole tables: on tables this
    small it would, and the plan would not show which indexes serve the search."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_a_title_match_ranks_above_a_body_match(client):
    f.make_practice("Hotline for victims", recommendation="Answer every call.")
    f.make_practice(
        "Answer the phone", recommendation="Run a hotline that answers all night."
    )
    groups = search.search("hotline").groups
    titles = [h.record.title for h in groups[0]["hits"]]
    assert titles == ["Hotline for victims", "Answer the phone"]


def test_stemming_finds_other_forms_of_a_word(client):
    f.make_practice("Prosecute traffickers", recommendation="Prosecutions matter.")
    groups = search.search("prosecution").groups
    assert [h.record.title for h in groups[0]["hits"]] == ["Prosecute traffickers"]


def test_small_misspellings_still_find_the_record(client):
    f.make_jurisdiction("Stockholm", slug="stockholm")
    response = client.get("/search/?q=Stokholm")
    groups = {g["label"]: g["hits"] for g in response.context["groups"]}
    assert [h.record.name for h in groups["Jurisdictions"]] == ["Stockholm"]
    assert "No exact matches for “Stokholm”; showing similar words" in (
        response.content.decode()
    )


def test_few_exact_matches_are_not_padded_with_similar_titles(client):
    """Similar titles are looked for only when nothing matched: the pass rechecks
    every title sharing a few letters with the query, about a second at 100,000
    practices (bench/README.md)."""
    f.make_practice("Labour inspections", recommendation="Inspect workplaces.")
    f.make_practice("Labor inspectors", recommendation="Train inspectors.")
    response = client.get("/search/?q=labour+inspections")
    (group,) = response.context["groups"]
    assert [(h.record.title, h.similar) for h in group["hits"]] == [
        ("Labour inspections", False)
    ]
    assert "similar words" not in response.content.decode()


def test_titles_like_the_query_are_shown_when_no_better_spelling_is_found(
    client, monkeypatch
):
    f.make_practice("Labor inspectors", recommendation="Train inspectors.")
    monkeypatch.setattr(search, "did_you_mean", lambda q: "")
    response = client.get("/search/?q=labour+inspectorate")
    (group,) = response.context["groups"]
    assert [(h.record.title, h.similar) for h in group["hits"]] == [
        ("Labor inspectors", True)
    ]
    html = response.content.decode()
    assert "No exact matches for “labour inspectorate”; showing similar words" in html
    assert "Similar words" in html


def test_no_similar_words_when_exact_matches_fill_a_page(client):
    for n in range(search.RESULTS_PER_KIND):
        f.make_practice(f"Labour inspections {n}", recommendation="Inspect.")
    f.make_practice("Labor inspectors", recommendation="Train inspectors.")
    response = client.get("/search/?q=labour+inspections")
    titles = [h.record.title for g in response.context["groups"] for h in g["hits"]]
    assert len(titles) == search.RESULTS_PER_KIND
    assert "Labor inspectors" not in titles
    assert "similar words" not in response.content.decode()


def test_the_rank_window_is_read_through_the_title_and_tag_indexes():
    f.make_practice("Task forces", tags=["task force"])
    queryset = search.exact_matches(BestPractice.objects.all(), "task")
    plan = plan_without_seqscan(queryset)
    assert "bestpractice_title_gin" in plan
    assert "taggit_tag_name_search_gin" in plan
    assert "bestpractice_search_gin" in plan


def test_a_title_match_outside_the_first_body_matches_still_ranks_first(
    monkeypatch,
):
    """The window ranks title and tag matches whatever their number of body
    matches: a record titled with the word is found even when more records than
    the window mention it only in their text."""
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    for n in range(6):
        f.make_practice(f"Practice {n}", recommendation="Run a hotline.")
    f.make_practice("Hotline for victims", recommendation="Answer calls.")
    f.make_practice("Helplines", recommendation="Answer.", tags=["hotline"])
    matches = search.exact_matches(BestPractice.objects.all(), "hotline")
    found = list(matches[:2])
    assert {record.title for record in found} == {"Hotline for victims", "Helplines"}
    assert matches.count() == 5  # the two, and the window's 3 of 6 body matches


def test_the_search_indexes_serve_the_query():
    f.make_practice("Task forces")
    # Without the status filter, so the plan shows what serves the search condition
    # itself (on a table this small PostgreSQL would otherwise scan by status).
    queryset = search.matching(BestPractice.objects.all(), "task")
    plan = plan_without_seqscan(queryset)
    assert "bestpractice_search_gin" in plan
    assert "bestpractice_trgm_gin" in plan


def test_compiled_search_finds_what_the_orm_query_finds(client):
    """The search page runs each kind's query compiled once per shape of query,
    with the words as parameters: it finds, and orders, what the ORM query does,
    for queries of every shape, and one query's words never leak into another's."""
    place = f.make_jurisdiction("Gothenburg harbour", slug="gothenburg-harbour")
    f.make_practice("Hotline for victims", jurisdiction=place, tags=["hotlines"])
    phone = f.make_practice(
        "Answer the phone", recommendation="Run a hotline all night."
    )
    f.make_practice("Child labour audits", recommendation="Audit the children's work.")
    f.make_initiative("Hotline of the harbour", jurisdiction=place)
    f.make_source("Hotlines in practice", description="Labour and children.")
    f.make_organization("Hotline NGO", jurisdiction=place)
    for q in ["hotline", "hotline night", "children labour", "victims", "harbour"]:
        expected = [
            [
                r.pk
                for r in search.exact_matches(search._searchable(spec), q)[
                    : search.RESULTS_PER_KIND
                ]
            ]
            for spec in search.SPECS
        ]
        found = search.best_matches(search.SPECS, q)
        assert [[r.pk for r in records] for records in found] == expected, q
        assert any(expected), q
    hits = {
        str(h.record): h.context
        for g in search.search("hotline").groups
        for h in g["hits"]
    }
    # Each hit names its place, read by the same query.
    assert hits["Hotline for victims"] == "Gothenburg harbour"
    assert hits["Hotline NGO"] == "Gothenburg harbour"
    assert hits["Answer the phone"] == phone.jurisdiction.name


def test_a_source_is_found_by_its_words_as_last_saved(client):
    """Sources keep a stored vector, as practices do (migration 0016): its
    trigger follows every save, and their search ranks through its indexes."""
    source = f.make_source("Field manual", description="On running hotlines.")

    def found(q):
        return [
            str(h.record)
            for g in search.search(q).groups
            for h in g["hits"]
            if isinstance(h.record, Source)
        ]

    assert found("hotline") == ["Field manual"]
    source.description = "On running shelters."
    source.save()
    assert found("hotline") == []
    assert found("shelter") == ["Field manual"]
    queryset = search.exact_matches(Source.objects.all(), "manual")
    plan = plan_without_seqscan(queryset)
    assert "source_title_gin" in plan
    assert "source_search_gin" in plan
