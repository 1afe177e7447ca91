"""load_content fills an empty database and never clobbers curators' work."""

import io
import json

import pytest
from django.core.management import call_command

from practices.models import Jurisdiction, Source

from .factories import make_jurisdiction


@pytest.fixture
def fixtures_dir(tmp_path):
    records = [
        {
            "model": "practices.jurisdiction",
            "pk": 1,
            "fields": {
                "name": "Sweden",
                "slug": "sweden",
                "kind": "country",
                "iso_code": "SE",
                "status": "published",
                "created": "2024-01-01T00:00:00Z",
                "updated": "2024-01-01T00:00:00Z",
                "path": "/1/",
            },
        },
        {
            "model": "practices.source",
            "pk": 1,
            "fields": {
                "title": "The book",
                "slug": "the-book",
                "kind": "book",
                "status": "published",
                "created": "2024-01-01T00:00:00Z",
                "updated": "2024-01-01T00:00:00Z",
            },
        },
    ]
    (tmp_path / "content.json").write_text(json.dumps(records))
    return tmp_path


def load(fixtures_dir):
    out = io.StringIO()
    call_command("load_content", fixtures_dir=str(fixtures_dir), stdout=out)
    return out.getvalue()


def test_loads_fixtures_into_an_empty_database(db, fixtures_dir):
    output = load(fixtures_dir)
    assert "Loaded 1 jurisdictions, 0 organizations, 1 sources" in output
    assert Jurisdiction.objects.get().name == "Sweden"
    assert Source.objects.get().title == "The book"


def test_loaded_records_get_a_first_version_in_their_history(db, fixtures_dir):
    load(fixtures_dir)
    assert Jurisdiction.objects.get().history.count() == 1
    assert Source.objects.get().history.count() == 1


def test_database_with_content_is_left_as_it_is(db, fixtures_dir):
    edited = make_jurisdiction("Sverige (edited by a curator)", slug="sweden")
    output = load(fixtures_dir)
    assert "already has content (1 jurisdictions)" in output
    assert "nothing was loaded" in output
    assert "every curator's edit is left as it is" in output
    edited.refresh_from_db()
    assert edited.name == "Sverige (edited by a curator)"
    assert not Source.objects.exists()


def test_running_twice_changes_nothing_the_second_time(db, fixtures_dir):
    load(fixtures_dir)
    Jurisdiction.objects.filter(slug="sweden").update(name="Renamed by a curator")
    output = load(fixtures_dir)
    assert "nothing was loaded" in output
    assert Jurisdiction.objects.get().name == "Renamed by a curator"
    assert Jurisdiction.objects.get().history.count() == 1
