"""Open data: exports use the list pages' filters and hold only published records."""

import csv
import io
import json

import pytest

from practices.models import Status, Theme
from tests import factories as f

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response):
    text = body(response)
    assert text.startswith("\ufeff"), "spreadsheets need the UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def data():
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    malmo = f.make_jurisdiction("Malmö", slug="malmo", parent=sweden)
    usa = f.make_jurisdiction("United States", slug="united-states")
    initiative = f.make_initiative("Hotline", jurisdiction=malmo, tags=["hotline"])
    f.make_practice(
        "Malmö practice",
        jurisdiction=malmo,
        tags=["hotline", "victim support"],
        initiatives=[initiative],
        theme=Theme.PROTECTION,
    )
    f.make_practice("US practice", jurisdiction=usa, tags=["hotline"])
    f.make_practice("Secret draft", jurisdiction=malmo, status=Status.DRAFT)
    f.make_finding("Calls doubled", jurisdiction=malmo, figures=[("2008", 10)])
    f.make_finding("Draft finding", jurisdiction=malmo, status=Status.DRAFT)
    return {"initiative": initiative}


def test_practice_csv_uses_the_list_filters_and_joins_multiple_values(client, data):
    response = client.get(
        "/practices.csv", {"jurisdiction": "sweden", "tag": "hotline"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert [r["title"] for r in rows] == ["Malmö practice"]
    assert rows[0]["tags"] == "hotline; victim support"
    assert rows[0]["initiatives"] == data["initiative"].slug
    assert rows[0]["jurisdiction"] == "Malmö"
    listed = client.get("/practices/", {"jurisdiction": "sweden", "tag": "hotline"})
    assert [p.title for p in listed.context["object_list"]] == ["Malmö practice"]


def test_exports_never_contain_drafts(client, data):
    for url in ["/practices.csv", "/practices.json", "/findings.csv", "/findings.json"]:
        text = body(client.get(url))
        assert "Secret draft" not in text and "Draft finding" not in text, url
    dataset = body(client.get("/data/knowledge-base.json"))
    assert "Secret draft" not in dataset and "Draft finding" not in dataset


def test_bad_filters_are_ignored_with_a_message_not_an_error(client, data):
    response = client.get("/practices.json", {"jurisdiction": "atlantis", "theme": "x"})
    assert response.status_code == 200
    payload = json.loads(body(response))
    assert len(payload["results"]) == 2
    assert any("atlantis" in m for m in payload["filter_messages"])
    assert client.get("/findings.csv", {"kind": "nonsense"}).status_code == 200


def test_json_export_keeps_lists_and_source_sections(client, data):
    payload = json.loads(body(client.get("/initiatives.json", {"tag": "hotline"})))
    (record,) = payload["results"]
    assert record["tags"] == ["hotline"]
    assert record["sources"][0]["locator"] == "Section"
    assert record["url"].endswith(data["initiative"].get_absolute_url())


def test_finding_export_filters_by_jurisdiction_and_kind(client, data):
    rows = csv_rows(client.get("/findings.csv", {"jurisdiction": "sweden"}))
    assert [r["title"] for r in rows] == ["Calls doubled"]
    assert rows[0]["figures"] == "2008: 10 cases"
    assert csv_rows(client.get("/findings.csv", {"kind": "poll"})) == []


def test_whole_dataset_links_records_by_slug(client, data):
    payload = json.loads(body(client.get("/data/knowledge-base.json")))
    assert {j["slug"] for j in payload["jurisdictions"]} == {
        "sweden",
        "malmo",
        "united-states",
    } | {i["jurisdiction_slug"] for i in payload["initiatives"]}
    malmo = next(j for j in payload["jurisdictions"] if j["slug"] == "malmo")
    assert malmo["parent"] == "sweden"
    (practice,) = [p for p in payload["practices"] if p["title"] == "Malmö practice"]
    assert practice["initiatives"] == [data["initiative"].slug]
    assert len(payload["sources"]) >= 1


def test_list_pages_link_to_downloads_with_their_filters(client, data):
    page = client.get("/practices/", {"tag": "hotline", "page": "1"}).content.decode()
    assert 'href="/practices.csv?tag=hotline"' in page
    assert 'href="/practices.json?tag=hotline"' in page


def test_data_dictionary_describes_every_exported_field(client, data):
    page = client.get("/about/data/").content.decode()
    exported = csv_rows(client.get("/practices.csv"))[0].keys()
    for name in exported:
        assert f"<code>{name}</code>" in page, name


def test_exports_stream_in_flat_memory(client, data):
    response = client.get("/practices.csv")
    assert response.streaming
