"""The data package: a zip that `frictionless validate` accepts, foreign keys
included, holding exactly the published records."""

import io
import json
import zipfile

import pytest
from frictionless import Package, system

from practices.models import (
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    Jurisdiction,
    Organization,
    Quotation,
    Source,
    Status,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def download(client, tmp_path):
    response = client.get("/data/knowledge-base.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    archive.extractall(tmp_path)
    return archive


def test_the_package_validates_with_its_foreign_keys(client, content, tmp_path):
    # Unpublished records and relations must leave no dangling key behind.
    hidden = f.make_jurisdiction("Hidden", slug="hidden", status=Status.DRAFT)
    f.make_finding("Orphan", slug="orphan", jurisdiction=hidden)
    f.make_practice("Draft", slug="draft-practice", status=Status.DRAFT)
    download(client, tmp_path)
    with system.use_context(trusted=True):
        report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    # The check is real: a finding pointing at a jurisdiction not in the package
    # fails it.
    findings = tmp_path / "data" / "findings.csv"
    text = findings.read_text()
    assert ",sweden," in text
    findings.write_text(text.replace(",sweden,", ",nowhere,", 1))
    with system.use_context(trusted=True):
        broken = Package(str(tmp_path / "datapackage.json")).validate()
    assert not broken.valid
    assert "foreign-key" in {e.type for task in broken.tasks for e in task.errors}


def test_row_counts_equal_the_published_records(client, content, tmp_path):
    f.make_practice("Draft", slug="draft-practice", status=Status.DRAFT)
    archive = download(client, tmp_path)
    descriptor = json.loads(archive.read("datapackage.json"))

    def count(name):
        resource = Package(str(tmp_path / "datapackage.json")).get_resource(name)
        with system.use_context(trusted=True):
            return len(resource.read_rows())

    expected = {
        "practices": BestPractice.objects.published().count(),
        "initiatives": Initiative.objects.published().count(),
        "findings": Finding.objects.published().count(),
        "jurisdictions": Jurisdiction.objects.published().count(),
        "organizations": Organization.objects.published().count(),
        "sources": Source.objects.published().count(),
        "quotations": Quotation.objects.published().count(),
        "figures": FindingFigure.objects.filter(finding__status="published").count(),
    }
    assert {name: count(name) for name in expected} == expected
    assert expected["practices"] > 0 and expected["figures"] > 0
    names = {r["name"] for r in descriptor["resources"]}
    assert {"practice_tags", "practice_sources", "tags"} <= names
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "remain their authors" in archive.read("LICENSE.txt").decode()


def test_the_data_page_describes_every_table_of_the_package(client, content):
    html = client.get("/data/").content.decode()
    response = client.get("/data/knowledge-base.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    descriptor = json.loads(archive.read("datapackage.json"))
    for resource in descriptor["resources"]:
        assert f"data/{resource['name']}.csv" in html
        for field in resource["schema"]["fields"]:
            assert field["description"] in html.replace("&#x27;", "'").replace(
                "&quot;", '"'
            )
