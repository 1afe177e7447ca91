"""PostgreSQL search: ranking with the title over the body, tolerance for
misspellings, and indexes that serve the query. Skipped on SQLite."""

import pytest
from django.db import connection

from practices import search
from practices.models import BestPractice
from tests import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
    ),
]


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


def test_similar_words_come_after_few_exact_matches_and_are_labelled(client):
    f.make_practice("Labour inspections", recommendation="Inspect workplaces.")
    f.make_practice("Labor inspectors", recommendation="Train inspectors.")
    response = client.get("/search/?q=labour+inspections")
    (group,) = response.context["groups"]
    assert [(h.record.title, h.similar) for h in group["hits"]] == [
        ("Labour inspections", False),
        ("Labor inspectors", True),
    ]
    html = response.content.decode()
    assert "Few exact matches; also showing similar words." in html
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


def test_the_search_indexes_serve_the_query():
    f.make_practice("Task forces")
    # Without the status filter, so the plan shows what serves the search condition
    # itself (on a table this small PostgreSQL would otherwise scan by status).
    queryset = search.matching(BestPractice.objects.all(), "task")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "bestpractice_search_gin" in plan
    assert "bestpractice_trgm_gin" in plan
