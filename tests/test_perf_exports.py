"""Exports at scale: on PostgreSQL one query per export whatever its size (the
many-valued columns built in the database), and the same cells on every database."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices.models import FindingFigure, PracticeSource, Status
from practices.opendata import exports
from tests import factories as f

pytestmark = pytest.mark.django_db

EXPORT_URLS = [
    "/practices.csv",
    "/practices.json",
    "/initiatives.csv",
    "/initiatives.json",
    "/findings.csv",
    "/findings.json",
]


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response)[1:])))


@pytest.fixture
def many_values():
    """A practice, an initiative and a finding with several values in each
    many-valued column, drafts among them."""
    place = f.make_jurisdiction("Sweden", slug="sweden")
    lead_b = f.make_organization("B Council")
    lead_a = f.make_organization("A Agency")
    hidden_lead = f.make_organization("Draft Org", status=Status.DRAFT)
    second = f.make_source("Second book", slug="second-book")
    draft_source = f.make_source("Unpublished book", status=Status.DRAFT)
    initiative = f.make_initiative(
        "Hotline", slug="hotline", jurisdiction=place, tags=["z tag", "a tag"]
    )
    initiative.lead_organizations.add(lead_b, lead_a, hidden_lead)
    draft_initiative = f.make_initiative("Secret", status=Status.DRAFT)
    other = f.make_initiative("Another", slug="another", jurisdiction=place)
    practice = f.make_practice(
        "Practice",
        jurisdiction=place,
        tags=["victim support", "hotline"],
        initiatives=[initiative, draft_initiative, other],
    )
    PracticeSource.objects.create(practice=practice, source=second, locator="Ch. 2")
    PracticeSource.objects.create(practice=practice, source=draft_source, locator="x")
    finding = f.make_finding("Calls", jurisdiction=place)
    FindingFigure.objects.create(
        finding=finding, position=1, label="After", value=Decimal("2.50"), unit="%"
    )
    FindingFigure.objects.create(
        finding=finding,
        position=0,
        label="Before",
        qualifier="between",
        value=Decimal("105"),
        value_max=Decimal("130.75"),
        unit="women",
        year=1998,
    )
    return practice


def test_many_valued_columns_hold_published_values_in_page_order(client, many_values):
    (practice,) = csv_rows(client.get("/practices.csv"))
    assert practice["tags"] == "hotline; victim support"
    assert practice["initiatives"] == "another; hotline"
    first, second = practice["sources"].split("; ")  # the draft source left out
    assert first.endswith("(section “Best practices”)")
    assert second == "Second book (section “Ch. 2”)"
    rows = {r["slug"]: r for r in csv_rows(client.get("/initiatives.csv"))}
    assert rows["hotline"]["lead_organizations"] == "A Agency; B Council"
    assert rows["hotline"]["tags"] == "a tag; z tag"
    (finding,) = csv_rows(client.get("/findings.csv"))
    assert finding["figures"] == (
        "Before, 1998: between 105–130.75 women; After: 2.5 %"
    )
    payload = json.loads(body(client.get("/practices.json")))
    assert payload["results"][0]["sources"][-1] == {
        "source": "second-book",
        "title": "Second book",
        "locator": "Ch. 2",
    }


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
)
def test_each_export_is_one_query_however_many_chunks(client, many_values, monkeypatch):
    # Chunks of two rows: before, every chunk ran the prefetches again (289
    # queries for /practices.csv at 100,000 practices).
    monkeypatch.setattr(exports, "CHUNK", 2)
    for n in range(6):
        f.make_practice(f"More {n}", tags=["hotline"], initiatives=[])
        f.make_initiative(f"More {n}", tags=["hotline"])
        f.make_finding(f"More {n}", figures=[("2008", n)])
    for url in EXPORT_URLS:
        with CaptureQueriesContext(connection) as ctx:
            text = body(client.get(url))
        assert "More 5" in text, url
        assert len(ctx.captured_queries) == 1, url
    with CaptureQueriesContext(connection) as ctx:
        body(client.get("/data/knowledge-base.json"))
    assert len(ctx.captured_queries) == len(exports.dataset_sections())
