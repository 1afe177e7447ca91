"""The read-only API: published records only, the list pages' filters, cursor
paging, validators and 304s, throttling, CORS, JSON errors, and query budgets that
do not grow with the data. Schemathesis checks every operation against the schema."""

import base64
import json
from decimal import Decimal

import pytest
import schemathesis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kb.wsgi import application
from practices.models import Basis, Finding, Status
from practices.opendata.schema import openapi_json
from tests import factories as f

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "practices",
    "initiatives",
    "jurisdictions",
    "findings",
    "sources",
    "organizations",
    "tags",
    "quotations",
]


def build(n):
    """n practices, each in its own city with an initiative, a finding with two
    figures and a quotation, all citing one book."""
    country = f.make_jurisdiction("United States", slug="united-states")
    book = f.make_source("Book", slug="book")
    org = f.make_organization("Org", slug="org")
    for i in range(n):
        city = f.make_jurisdiction(f"City {i}", parent=country, slug=f"city-{i}")
        initiative = f.make_initiative(
            jurisdiction=city, source=book, tags=["police", f"tag {i}"]
        )
        initiative.lead_organizations.add(org)
        f.make_practice(
            jurisdiction=city,
            source=book,
            tags=["police", f"tag {i}"],
            initiatives=[initiative],
            slug=f"practice-{i}",
        )
        f.make_finding(
            jurisdiction=city,
            source=book,
            initiative=initiative,
            slug=f"finding-{i}",
            basis=Basis.AUDIT,
            figures=[("Before", Decimal("10.5")), ("After", Decimal(5))],
        )
        f.make_quotation(source=book, initiative=initiative, jurisdiction=city)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


def detail_urls():
    return [
        "/api/v1/practices/practice-1/",
        "/api/v1/initiatives/" + f.Initiative.objects.order_by("pk")[1].slug + "/",
        "/api/v1/jurisdictions/city-1/",
        "/api/v1/findings/finding-1/",
        "/api/v1/sources/book/",
        "/api/v1/organizations/org/",
        "/api/v1/tags/police/",
    ]


def test_query_counts_do_not_grow_with_the_data(client):
    build(2)
    urls = [f"/api/v1/{name}/" for name in ENDPOINTS] + detail_urls()
    few = {url: queries_for(client, url) for url in urls}
    build_more = 8
    for i in range(2, 2 + build_more):
        city = f.make_jurisdiction(
            f"Town {i}", parent=f.Jurisdiction.objects.get(slug="united-states")
        )
        f.make_practice(jurisdiction=city, tags=["police", f"more {i}"])
        f.make_finding(jurisdiction=city, figures=[("x", 1), ("y", 2)])
    many = {url: queries_for(client, url) for url in urls}
    assert many == few
    # Pinned, so a new N+1 shows up here (a filtered list: the page's keys, its
    # records, their prefetches).
    assert few["/api/v1/practices/"] == 5
    assert few["/api/v1/findings/"] == 3
    assert few["/api/v1/jurisdictions/"] == 1


def test_only_published_records_and_relations_are_shown(client):
    build(1)
    f.make_practice("Secret", slug="secret", status=Status.DRAFT)
    hidden_city = f.make_jurisdiction("Hidden", slug="hidden", status=Status.DRAFT)
    f.make_finding("Draft", slug="draft", status=Status.DRAFT)
    f.make_finding("Visible", slug="visible", jurisdiction=hidden_city)
    slugs = [p["slug"] for p in client.get("/api/v1/practices/").json()["results"]]
    assert "secret" not in slugs
    assert client.get("/api/v1/practices/secret/").status_code == 404
    assert client.get("/api/v1/jurisdictions/hidden/").status_code == 404
    assert client.get("/api/v1/findings/draft/").status_code == 404
    assert client.get("/api/v1/findings/visible/").json()["jurisdiction"] is None


def test_practices_and_initiatives_carry_their_tags_in_lists_and_alone(client):
    build(2)

    def tags(record):
        return sorted((tag["slug"], tag["name"]) for tag in record["tags"])

    expected = [("police", "police"), ("tag-1", "tag 1")]
    for kind in ("practices", "initiatives"):
        listed = client.get(f"/api/v1/{kind}/").json()["results"]
        record = next(r for r in listed if ("tag-1", "tag 1") in tags(r))
        assert tags(record) == expected, kind
        alone = client.get(f"/api/v1/{kind}/{record['slug']}/").json()
        assert tags(alone) == expected, kind
        assert alone["tags"][0]["url"].endswith("/tags/police/")


def test_every_summary_has_its_schema_fields_and_links_that_lead_to_the_record(client):
    """Summaries are built directly, not through DRF's fields (bench/README.md,
    eighth round): they still give what the schema declares, and their links
    lead to the page and the API answer of the record they name."""
    build(1)
    components = client.get("/api/schema/").json()["components"]["schemas"]
    practice = client.get("/api/v1/practices/practice-0/").json()
    initiative = client.get("/api/v1/initiatives/").json()["results"][0]
    summaries = [
        ("JurisdictionSummary", practice["jurisdiction"]),
        ("InitiativeSummary", practice["initiatives"][0]),
        ("SourceSummary", practice["sources"][0]["source"]),
        ("OrganizationSummary", initiative["lead_organizations"][0]),
        ("PracticeSummary", initiative["practices"][0]),
        *(("TagSummary", tag) for tag in practice["tags"]),
    ]
    for component, given in summaries:
        assert list(given) == list(components[component]["properties"]), component
        page = client.get(given["url"].removeprefix("http://testserver"))
        assert page.status_code == 200, given["url"]
        answer = client.get(given["api_url"].removeprefix("http://testserver"))
        assert answer.status_code == 200, given["api_url"]
        if component != "TagSummary":
            named = "name" if "name" in given else "title"
            assert answer.json()[named] == given[named], component
            assert answer.json()["slug"] == given["slug"], component
    assert list(practice["sources"][0]) == ["source", "locator"]


def test_findings_carry_figures_as_numbers_and_their_basis(client):
    build(1)
    finding = client.get("/api/v1/findings/finding-0/").json()
    assert finding["basis"] == "audit"
    assert [(x["label"], x["value"]) for x in finding["figures"]] == [
        ("Before", 10.5),
        ("After", 5),
    ]
    assert finding["api_url"].endswith("/api/v1/findings/finding-0/")
    assert finding["url"].endswith("/findings/finding-0/")
    assert finding["jurisdiction"]["api_url"].endswith("/api/v1/jurisdictions/city-0/")


def test_jurisdictions_have_their_parent_and_rolled_up_counts(client):
    build(3)
    country = client.get("/api/v1/jurisdictions/united-states/").json()
    assert country["parent"] is None
    assert (country["practice_count"], country["finding_count"]) == (3, 3)
    city = client.get("/api/v1/jurisdictions/city-2/").json()
    assert city["parent"]["slug"] == "united-states"
    assert city["practice_count"] == 1


def test_a_record_saved_while_published_has_a_version_permalink(client):
    practice = f.make_practice(slug="versioned")
    practice.title = "Changed"
    practice.save()
    item = client.get("/api/v1/practices/versioned/").json()
    assert item["version"] == 2
    assert item["version_url"].endswith("/practices/versioned/v/2/")
    assert client.get(item["version_url"].split("8000", 1)[-1]).status_code in (
        200,
        404,
    )


def test_cursor_pages_are_bounded_and_walk_every_record(client):
    build(7)
    page = client.get("/api/v1/practices/?page_size=3").json()
    seen = [p["slug"] for p in page["results"]]
    assert len(seen) == 3
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [p["slug"] for p in page["results"]]
    assert sorted(seen) == sorted(f"practice-{i}" for i in range(7))
    huge = client.get("/api/v1/practices/?page_size=100000").json()
    assert len(huge["results"]) == 7  # capped at 200, and there are 7


def test_a_page_holds_as_many_records_as_the_html_list_unless_asked(client):
    for i in range(23):
        f.make_practice(f"Practice {i}", slug=f"practice-{i}")
    html = client.get("/practices/").context["object_list"]
    page = client.get("/api/v1/practices/").json()
    assert len(page["results"]) == len(html) == 20
    assert page["next"]
    assert len(client.get(page["next"]).json()["results"]) == 3
    assert len(client.get("/api/v1/practices/?page_size=23").json()["results"]) == 23


@pytest.mark.parametrize("sort", ["", "title", "updated", "theme"])
def test_filtered_pages_walk_forward_and_back_in_the_sort_order(client, sort):
    """A page is picked by its keys and then loaded whole (api.Pagination): each
    page holds its records complete, in the sort's order, forward and back."""
    build(7)
    f.make_practice("Elsewhere", slug="elsewhere", tags=["other"])
    for i, title in enumerate(["Zeta", "Alpha", "Mu"]):
        practice = f.BestPractice.objects.get(slug=f"practice-{i}")
        practice.title = title
        practice.save()
    query = f"?tag=police&page_size=3&sort={sort}"
    everything = client.get(f"/api/v1/practices/{query}&page_size=200").json()
    expected = [p["slug"] for p in everything["results"]]
    assert sorted(expected) == sorted(f"practice-{i}" for i in range(7))
    if sort == "title":
        assert expected[:2] == ["practice-1", "practice-2"]
        assert expected[-1] == "practice-0"
    pages = [client.get(f"/api/v1/practices/{query}").json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    walked = [p for page in pages for p in page["results"]]
    assert [p["slug"] for p in walked] == expected
    assert all(p["tags"] and p["jurisdiction"] and p["sources"] for p in walked)
    back = [pages[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    assert [p["slug"] for page in reversed(back) for p in page["results"]] == expected


@pytest.mark.parametrize("sort", ["title", "updated", "theme"])
def test_records_sharing_a_sort_value_are_each_read_once_both_ways(client, sort):
    """Twelve practices with one title, one theme and one time of change: the
    cursor holds each record's key as well, so none is skipped or read twice."""
    for i in range(12):
        f.make_practice("Same title", slug=f"same-{i:02}", tags=["police"])
    f.BestPractice.objects.update(updated="2026-01-01T00:00:00Z")
    query = f"/api/v1/practices/?tag=police&page_size=5&sort={sort}"
    forward = [client.get(query).json()]
    while forward[-1]["next"]:
        forward.append(client.get(forward[-1]["next"]).json())
    read = [p["slug"] for page in forward for p in page["results"]]
    assert sorted(read) == [f"same-{i:02}" for i in range(12)]
    assert [len(page["results"]) for page in forward] == [5, 5, 2]
    back = [forward[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    assert [p["slug"] for page in reversed(back) for p in page["results"]] == read
    assert [len(page["results"]) for page in back] == [2, 5, 5]


def test_pages_in_french_follow_the_titles_a_french_reader_sees(client):
    """A translated title sorts by its French text, an untranslated one by the
    original it falls back to: the order the records show, walked page by page."""
    titles = {"b": ("Banana", "Zèbre"), "q": ("Quince", ""), "a": ("Apple", "Pomme")}
    for slug, (english, french) in titles.items():
        practice = f.make_practice(english, slug=slug, tags=["police"])
        practice.title_fr = french
        practice.save()
    page = client.get("/api/v1/practices/?tag=police&sort=title&lang=fr&page_size=1")
    shown = []
    while True:
        body = page.json()
        shown += [p["title"] for p in body["results"]]
        if not body["next"]:
            break
        page = client.get(body["next"])
    assert shown == ["Pomme", "Quince", "Zèbre"]


@pytest.mark.parametrize(
    ("sort", "values"),
    [
        ("", ["practice-0", "one"]),  # a key that is no number
        ("", ["practice-0", 10**30]),  # a number no database column holds
        ("", ["practice-\x00", 1]),  # PostgreSQL refuses a NUL in a string
        ("", ["practice-0"]),  # too few values for the sort
        ("updated", ["yesterday", 1]),  # no time of day
        ("updated", [1.5, 1]),  # a JSON type no sort column has
    ],
)
def test_an_edited_cursor_answers_a_json_400(client, sort, values):
    build(1)
    cursor = base64.urlsafe_b64encode(
        json.dumps({"values": values, "before": False}).encode()
    ).decode()
    response = client.get(f"/api/v1/practices/?sort={sort}&cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    ["cursor=nonsense", "cursor=%C3%BF%C3%BF", "cursor=bz0tMQ%3D%3D"],
)
def test_bad_parameters_answer_a_json_400(client, query):
    build(1)
    response = client.get(f"/api/v1/practices/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "cursor" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "page_size=abc",
        "page_size=-5",
        "sort=<script>",
        "theme=' OR 1=1",
        "tag=" + "x" * 300,
    ],
)
def test_odd_values_are_ignored_with_a_message_never_a_500(client, query):
    build(1)
    response = client.get(f"/api/v1/practices/?{query}")
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"


def test_unchanged_responses_are_answered_304(client):
    build(1)
    first = client.get("/api/v1/practices/")
    etag = first["ETag"]
    again = client.get("/api/v1/practices/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    detail = client.get("/api/v1/findings/finding-0/")
    assert (
        client.get(
            "/api/v1/findings/finding-0/", HTTP_IF_NONE_MATCH=detail["ETag"]
        ).status_code
        == 304
    )
    # A save, as the admin makes: it starts a new content generation. (A bare
    # QuerySet.update() would need practices.cache.content_changed(), since the
    # answers are cached: tests/test_cache.py.)
    finding = Finding.objects.get(slug="finding-0")
    finding.title = "Changed"
    finding.save()
    changed = client.get(
        "/api/v1/findings/finding-0/", HTTP_IF_NONE_MATCH=detail["ETag"]
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "Changed"


@override_settings(KB_API_THROTTLE_RATE="3/min")
def test_anonymous_clients_are_throttled_with_retry_after(client):
    cache.clear()
    # Four different answers, none of them cached yet: each reaches the view.
    for size in range(1, 4):
        assert client.get(f"/api/v1/tags/?page_size={size}").status_code == 200
    refused = client.get("/api/v1/tags/?page_size=4")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()


@override_settings(KB_API_THROTTLE_RATE="3/min")
def test_answers_from_the_page_cache_are_not_throttled(client):
    cache.clear()
    f.make_practice(slug="cached")
    answers = [client.get("/api/v1/practices/cached/") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 6
    assert [a["X-KB-Cache"] for a in answers] == ["miss"] + ["hit"] * 5
    # Two more requests reach the view, the third is one too many...
    assert client.get("/api/v1/practices/").status_code == 200
    assert client.get("/api/v1/tags/").status_code == 200
    refused = client.get("/api/v1/practices/?page_size=1")
    assert refused.status_code == 429
    # ...and is not cached, while the cached answer is still given.
    assert refused["X-KB-Cache"] == "bypass"
    assert client.get("/api/v1/practices/cached/")["X-KB-Cache"] == "hit"


def test_cors_is_open_for_reading_only(client):
    response = client.get("/api/v1/tags/", HTTP_ORIGIN="https://notebook.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/tags/",
        HTTP_ORIGIN="https://notebook.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
    )
    assert "DELETE" not in preflight.get("Access-Control-Allow-Methods", "")
    page = client.get("/practices/", HTTP_ORIGIN="https://notebook.example")
    assert "Access-Control-Allow-Origin" not in page


def test_the_api_only_reads_and_only_speaks_json(client):
    assert client.post("/api/v1/practices/", {}).status_code == 405
    assert client.delete("/api/v1/tags/police/").status_code == 405
    html = client.get("/api/v1/tags/", HTTP_ACCEPT="text/html")
    assert html.status_code == 406
    assert html["Content-Type"] == "application/json"


def test_schema_describes_every_field_and_filter(client):
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for name in ENDPOINTS:
        assert f"/api/v1/{name}/" in paths
        assert f"/api/v1/{name}/{{slug}}/" in paths
    params = {p["name"]: p for p in paths["/api/v1/findings/"]["get"]["parameters"]}
    for name in ("jurisdiction", "theme", "basis", "kind", "q", "sort", "cursor"):
        assert params[name].get("description"), name
    assert params["basis"]["schema"]["enum"][:1] == ["audit"] or "audit" in str(
        params["basis"]["schema"]
    )
    finding = schema["components"]["schemas"]["Finding"]["properties"]
    missing = [n for n, field in finding.items() if not field.get("description")]
    assert not missing
    assert (
        schema["components"]["schemas"]["Figure"]["properties"]["value"]["type"]
        == "number"
    )


def test_the_docs_page_lists_every_endpoint_filter_and_field(client):
    schema = client.get("/api/schema/").json()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in schema["paths"]:
        assert f"GET {path}" in html
    assert "<script" not in html  # the reference needs no JavaScript
    finding = schema["components"]["schemas"]["Finding"]["properties"]
    assert '<th scope="row">basis</th>' in html
    assert finding["basis"]["description"] in html
    explorer = client.get("/api/docs/explorer/").content.decode()
    assert "swagger-ui-bundle.js" in explorer and "js/api-explorer.js" in explorer
    assert "<script>" not in explorer  # only scripts with src: CSP unchanged


# Schemathesis over the WSGI app: every operation, a bounded number of examples
# each, on the loaded content. CI runs it once, on SQLite (the PostgreSQL pass
# deselects the marker: the API's SQL is the ORM's, tested there by the rest).
# The schema the site serves at /api/schema/, built in-process rather than fetched
# at import: the page cache in front of that URL reads the database, which test
# collection may not touch. Requests still go through the whole WSGI app.
api_schema = schemathesis.openapi.from_dict(json.loads(openapi_json()))
api_schema.app = application
api_schema.location = "/api/schema/"
# Valid requests only: by design a value the filters cannot use is ignored with a
# message (as on the list pages), not refused, which negative testing would flag.
api_schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.schemathesis
@api_schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@override_settings(KB_API_THROTTLE_RATE=None)
def test_every_api_operation_conforms_to_its_schema(case, content):
    case.call_and_validate(checks=CHECKS)
