"""Search: grouped by kind, matches highlighted safely, published records only.
These run on either database; test_search_postgres.py pins the PostgreSQL ranking."""

import pytest

from practices.models import Status
from practices.search import excerpt, highlight
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    f.make_practice(
        "Reduce demand for paid sex",
        jurisdiction=sweden,
        recommendation="Criminalize the purchase of sex while protecting victims.",
    )
    f.make_initiative(
        "Sex purchase law",
        jurisdiction=sweden,
        summary="According to the book, the law reduced demand.",
    )
    f.make_source("Invisible Chains", authors="Perrin, Benjamin")
    f.make_practice("Draft demand idea", status=Status.DRAFT)


def test_results_are_grouped_by_kind_with_words_highlighted(client, records):
    response = client.get("/search/?q=demand")
    groups = {g["label"]: g["hits"] for g in response.context["groups"]}
    assert [h.record.title for h in groups["Best practices"]] == [
        "Reduce demand for paid sex"
    ]
    assert [h.record.title for h in groups["Initiatives"]] == ["Sex purchase law"]
    html = response.content.decode()
    assert "Reduce <mark>demand</mark> for paid sex" in html
    assert "Draft demand idea" not in html


def test_search_finds_jurisdictions_and_sources(client, records):
    response = client.get("/search/?q=perrin")
    groups = {g["label"]: g["hits"] for g in response.context["groups"]}
    assert [h.record.title for h in groups["Sources"]] == ["Invisible Chains"]
    groups = {
        g["label"]: g["hits"] for g in client.get("/search/?q=sweden").context["groups"]
    }
    assert [h.record.name for h in groups["Jurisdictions"]] == ["Sweden"]


def test_empty_and_unmatched_queries_say_so(client, records):
    assert client.get("/search/").status_code == 200
    html = client.get("/search/?q=zzzqqq").content.decode()
    assert "Nothing matches “zzzqqq”" in html


def test_hostile_queries_are_escaped_not_run(client, records):
    response = client.get("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E%25'%22")
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    long = client.get("/search/?q=" + "a" * 5000)
    assert long.status_code == 200


def test_highlight_escapes_before_marking():
    html = highlight("Tom & <b>Jerry</b> amp", ["jerry", "amp"])
    assert html == "Tom &amp; &lt;b&gt;<mark>Jerry</mark>&lt;/b&gt; <mark>amp</mark>"


def test_excerpt_centres_on_the_first_match():
    text = "x " * 300 + "the needle is here " + "y " * 300
    snippet = excerpt(text, ["needle"])
    assert "needle" in snippet and snippet.startswith("…") and snippet.endswith("…")


def test_list_word_filter_uses_the_same_search(client, records):
    response = client.get("/practices/?q=demand")
    assert [p.title for p in response.context["object_list"]] == [
        "Reduce demand for paid sex"
    ]
