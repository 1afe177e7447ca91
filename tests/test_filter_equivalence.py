"""One filter definition: the same query string selects the same records on the
HTML list, the CSV and JSON exports and the API, hostile values included, and
each says the same thing about the values it ignored."""

import csv
import io
import json

import pytest

from practices.models import Basis, Finding, Initiative, Source, Status, Theme
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    malmo = f.make_jurisdiction("Malmö", slug="malmo", parent=sweden)
    us = f.make_jurisdiction("United States", slug="united-states")
    boston = f.make_jurisdiction("Boston", slug="boston", parent=us)
    hotline = f.make_initiative(
        "Hotline", jurisdiction=malmo, tags=["hotline"], slug="hotline"
    )
    task_force = f.make_initiative(
        "Task force", jurisdiction=boston, tags=["police"], slug="task-force"
    )
    f.make_initiative(
        "Own theme", jurisdiction=us, slug="own-theme", theme=Theme.PROSECUTION
    )
    f.make_practice(
        "Malmö practice",
        slug="malmo-practice",
        jurisdiction=malmo,
        tags=["hotline", "victim support"],
        initiatives=[hotline],
        theme=Theme.PROTECTION,
    )
    f.make_practice(
        "Boston practice",
        slug="boston-practice",
        jurisdiction=boston,
        tags=["police", "task forces"],
        initiatives=[task_force],
        theme=Theme.PROSECUTION,
    )
    f.make_practice("US practice", slug="us-practice", jurisdiction=us, tags=["police"])
    f.make_practice("Secret draft", slug="secret", jurisdiction=us, status=Status.DRAFT)
    f.make_finding(
        "Calls doubled",
        slug="calls-doubled",
        jurisdiction=malmo,
        initiative=hotline,
        basis=Basis.PROGRAMME,
        figures=[("2008", 10)],
    )
    f.make_finding(
        "Convictions rose",
        slug="convictions-rose",
        jurisdiction=boston,
        initiative=task_force,
        basis=Basis.AUDIT,
        kind=Finding.Kind.CHANGE,
    )
    f.make_finding(
        "Poll", slug="poll", jurisdiction=sweden, basis=Basis.POLL, kind="poll"
    )
    f.make_finding("Draft finding", slug="draft-finding", status=Status.DRAFT)
    f.make_source("A study", slug="a-study", kind=Source.Kind.STUDY, year=2008)
    f.make_source("An audit", slug="an-audit", kind=Source.Kind.AUDIT, year=2009)


HOSTILE = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "x" * 500,
    "../../etc/passwd",
    "ünïcødé",
]

PRACTICE_QUERIES = [
    {},
    {"tag": "police"},
    {"tag": ["police", "task-forces"]},
    {"tag": ["police", "no-such-tag"]},
    {"jurisdiction": "united-states"},
    {"jurisdiction": "sweden", "tag": "hotline"},
    {"jurisdiction": "atlantis"},
    {"theme": "prosecution"},
    {"theme": "bogus"},
    {"q": "Boston"},
    {"q": "practice", "sort": "title"},
    {"sort": "-recommendation"},
    {"updated_since": "2000-01-01"},
    {"updated_since": "2999-01-01"},
    {"updated_since": "yesterday"},
    *({"tag": value} for value in HOSTILE),
    *({"jurisdiction": value} for value in HOSTILE),
    *({"theme": value, "sort": value} for value in HOSTILE),
    *({"q": value} for value in HOSTILE[:2]),
]

INITIATIVE_QUERIES = [
    {},
    {"tag": "hotline"},
    {"jurisdiction": "united-states"},
    {"theme": "prosecution"},
    {"theme": "protection", "jurisdiction": "sweden"},
    {"sort": "start"},
    *({"tag": value, "theme": value} for value in HOSTILE),
]

FINDING_QUERIES = [
    {},
    {"jurisdiction": "united-states"},
    {"jurisdiction": "sweden"},
    {"theme": "protection"},
    {"theme": "prosecution", "jurisdiction": "boston"},
    {"basis": "audit"},
    {"basis": "poll", "kind": "poll"},
    {"kind": "change"},
    {"q": "Calls"},
    {"basis": "nonsense"},
    {"jurisdiction": "sweden", "basis": "programme"},
    {"jurisdiction": "united-states", "kind": "change", "q": "Convictions"},
    {"theme": "protection", "q": "Calls"},
    {"tag": "hotline", "basis": "programme"},
    {"bogus": "1"},
    {"q": "Calls", "Theme": "protection"},
    *({"kind": value, "basis": value, "jurisdiction": value} for value in HOSTILE),
]


def html_slugs(client, path, query):
    response = client.get(path, query)
    assert response.status_code == 200
    return (
        [obj.slug for obj in response.context["paginator"].object_list],
        response.context["filter_messages"],
    )


def csv_export(client, path, query):
    """The rows of a CSV export, and the notice of its first line ("" if none)."""
    response = client.get(path, query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()[1:]
    notice = ""
    if text.startswith("# Ignored filters: "):
        notice, text = text.split("\r\n", 1)
    return list(csv.DictReader(io.StringIO(text))), notice


def csv_slugs(client, path, query):
    return [row["slug"] for row in csv_export(client, path, query)[0]]


def json_export(client, path, query):
    response = client.get(path, query)
    assert response.status_code == 200
    payload = json.loads(b"".join(response.streaming_content))
    return [row["slug"] for row in payload["results"]], payload["filter_messages"]


def api_slugs(client, path, query):
    response = client.get(path, query, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    payload = response.json()
    slugs = [item["slug"] for item in payload["results"]]
    while payload["next"]:
        payload = client.get(payload["next"]).json()
        slugs += [item["slug"] for item in payload["results"]]
    return slugs, payload["filter_messages"]


def check_everywhere(client, kind, query):
    listed, messages = html_slugs(client, f"/{kind}/", query)
    rows, notice = csv_export(client, f"/{kind}.csv", query)
    assert [row["slug"] for row in rows] == listed
    # The CSV's first line says in one line what the page says.
    said = " ".join(messages)
    assert notice == ("# Ignored filters: " + said if messages else "")
    exported, export_messages = json_export(client, f"/{kind}.json", query)
    assert exported == listed
    assert export_messages == messages
    from_api, api_messages = api_slugs(client, f"/api/v1/{kind}/", query)
    # The API pages with a cursor, in its own stable order: the same records.
    assert sorted(from_api) == sorted(listed)
    assert api_messages == messages
    return listed, messages


@pytest.mark.parametrize("query", PRACTICE_QUERIES)
def test_practice_filters_select_the_same_records_everywhere(client, world, query):
    listed, _ = check_everywhere(client, "practices", query)
    assert "secret" not in listed


@pytest.mark.parametrize("query", INITIATIVE_QUERIES)
def test_initiative_filters_select_the_same_records_everywhere(client, world, query):
    check_everywhere(client, "initiatives", query)


@pytest.mark.parametrize("query", FINDING_QUERIES)
def test_finding_filters_select_the_same_records_everywhere(client, world, query):
    listed, messages = check_everywhere(client, "findings", query)
    assert "draft-finding" not in listed
    # figures.csv holds the figures of exactly the findings the list shows.
    figures, notice = csv_export(client, "/figures.csv", query)
    with_figures = {"calls-doubled"} & set(listed)
    assert {row["finding"] for row in figures} == with_figures
    assert notice == ("# Ignored filters: " + " ".join(messages) if messages else "")


def test_filters_select_what_they_say(client, world):
    def practices(**query):
        return set(html_slugs(client, "/practices/", query)[0])

    def findings(**query):
        return set(html_slugs(client, "/findings/", query)[0])

    assert practices(tag=["police", "task-forces"]) == {"boston-practice"}
    assert practices(jurisdiction="united-states") == {"boston-practice", "us-practice"}
    assert findings(jurisdiction="united-states") == {"convictions-rose"}
    assert findings(basis="audit") == {"convictions-rose"}
    # A finding counts under its initiative's practices' theme (the one rule).
    assert findings(theme="protection") == {"calls-doubled"}
    assert findings(kind="poll", basis="poll") == {"poll"}
    initiatives = set(html_slugs(client, "/initiatives/", {"theme": "prosecution"})[0])
    # An initiative with no published practice counts under its own theme.
    assert initiatives == {"task-force", "own-theme"}
    assert Initiative.objects.get(slug="own-theme").theme == Theme.PROSECUTION


def test_ignored_values_are_reported_in_words(client, world):
    _, messages = html_slugs(
        client,
        "/findings/",
        {"basis": "nonsense", "kind": "<b>", "jurisdiction": "atlantis"},
    )
    assert "There is no jurisdiction “atlantis”, so results from every " in messages[0]
    assert "“nonsense” is not a valid type of support; it was ignored." in messages
    assert "“<b>” is not a valid kind; it was ignored." in messages


def test_finding_list_shows_its_filters_and_country_facets(client, world):
    html = client.get("/findings/", {"basis": "audit"}).content.decode()
    for control in ('id="filter-q"', 'id="filter-theme"', 'id="filter-basis"'):
        assert control in html
    assert 'id="filter-kind"' in html
    assert "Type of support: Audit or inspection" in html  # the active filter
    assert '<a href="?basis=audit&amp;jurisdiction=united-states">' in html


def test_findings_export_carries_the_basis(client, world):
    rows = csv_slugs(client, "/findings.csv", {"basis": "programme"})
    assert rows == ["calls-doubled"]
    response = client.get("/findings.csv", {"basis": "programme"})
    text = b"".join(response.streaming_content).decode()[1:]
    assert next(csv.DictReader(io.StringIO(text)))["basis"] == "programme"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"a-study", "an-audit"}),
        ({"kind": "audit"}, {"an-audit"}),
        ({"q": "study"}, {"a-study"}),
        ({"kind": "<script>"}, {"a-study", "an-audit"}),
    ],
)
def test_source_filters_select_the_same_records_on_the_page_and_api(
    client, world, query, expected
):
    listed, messages = html_slugs(client, "/sources/", query)
    from_api, api_messages = api_slugs(client, "/api/v1/sources/", query)
    assert expected <= set(listed)
    assert sorted(from_api) == sorted(listed)
    assert api_messages == messages
    if query.get("kind") == "audit":
        assert set(listed) == expected


def test_a_date_filter_from_a_link_stays_through_the_form_and_can_be_removed(
    client, world
):
    html = client.get(
        "/practices/", {"updated_since": "2000-01-01", "theme": "prevention"}
    ).content.decode()
    form = html[html.index('<form class="filters"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="updated_since" value="2000-01-01">' in form
    assert "Updated since 2000-01-01" in html
    assert "Theme: Prevention" in html
