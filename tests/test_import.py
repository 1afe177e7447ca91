"""Bulk import in the admin: preview writes nothing, confirm writes drafts with
history, re-importing changes nothing, unknown references are row errors, exports
neutralise formulas, and the limits hold."""

import io

import openpyxl
import pytest
import tablib
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from taggit.models import Tag

from practices.imports.formats import CSV, XLSX
from practices.imports.resources import BestPracticeResource, FindingResource
from practices.models import (
    BestPractice,
    Finding,
    ImportRecord,
    PendingChange,
    Status,
)

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_curator,
    make_jurisdiction,
    make_practice,
    make_source,
)

HEADERS = "slug,title,recommendation,theme,jurisdiction,position,sources,tags\n"


@pytest.fixture
def curator_client(client, db):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


@pytest.fixture
def references(db):
    sweden = make_jurisdiction("Sweden", slug="sweden")
    book = make_source("Invisible Chains", slug="perrin-2010")
    Tag.objects.create(name="Victim services", slug="victim-services")
    return sweden, book


def practices_csv(*rows):
    return (HEADERS + "".join(row + "\n" for row in rows)).encode()


GOOD_ROW = (
    "train-officers,Train officers,Officers should learn to spot victims.,"
    "protection,sweden,1,perrin-2010 | Chapter 9,victim-services"
)
SECOND_ROW = (
    "fund-shelters,Fund shelters,Shelters need steady money.,protection,"
    "Sweden,2,Invisible Chains,Victim services"
)


def preview(client, content, name="practices.csv", fmt=None):
    fmt = fmt if fmt is not None else "0"  # CSV, the first of FORMATS
    return client.post(
        reverse("admin:practices_bestpractice_import"),
        {
            "resource": "0",
            "format": fmt,
            "import_file": SimpleUploadedFile(name, content, "text/csv"),
        },
    )


def confirm(client, preview_response):
    form = preview_response.context["confirm_form"]
    data = {bound.html_name: bound.value() for bound in form}
    return client.post(reverse("admin:practices_bestpractice_process_import"), data)


def test_preview_with_mixed_rows_writes_nothing_and_names_field_and_reason(
    curator_client, references
):
    bad_jurisdiction = "bad-place,Bad place,Text.,protection,atlantis,3,perrin-2010,"
    bad_tag = "bad-tag,Bad tag,Text.,protection,sweden,4,perrin-2010,no-such-tag"
    response = preview(
        curator_client, practices_csv(GOOD_ROW, bad_jurisdiction, bad_tag)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "atlantis" in page and "jurisdiction" in page
    assert "no-such-tag" in page
    # No confirm button while any row has an error, and nothing written.
    assert response.context.get("confirm_form") is None
    assert not BestPractice.objects.exists()
    assert not Tag.objects.filter(slug="no-such-tag").exists()


def test_unknown_tag_and_jurisdiction_are_errors_of_their_rows(references):
    dataset = tablib.Dataset().load(
        practices_csv(
            GOOD_ROW,
            "a,A,Text.,protection,atlantis,3,perrin-2010,",
            "b,B,Text.,protection,sweden,4,perrin-2010,Victim services; nope",
        ).decode(),
        format="csv",
    )
    result = BestPracticeResource().import_data(dataset, dry_run=True)
    invalid = {row.number: row.error.message_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "atlantis" in invalid[2]["jurisdiction"][0]
    assert "nope" in invalid[3]["tags"][0]
    assert result.totals["new"] == 1  # the good row would have been new
    assert not BestPractice.objects.exists()
    assert not Tag.objects.filter(name="nope").exists()


def test_confirmed_import_creates_drafts_with_history_naming_curator_and_file(
    curator_client, references
):
    response = preview(curator_client, practices_csv(GOOD_ROW, SECOND_ROW))
    assert response.context["confirm_form"] is not None
    assert not BestPractice.objects.exists()  # the preview wrote nothing
    response = confirm(curator_client, response)
    assert response.status_code == 302

    practices = BestPractice.objects.order_by("position")
    assert [p.slug for p in practices] == ["train-officers", "fund-shelters"]
    for practice in practices:
        assert practice.status == Status.DRAFT
        assert list(practice.tags.names()) == ["Victim services"]
        history = practice.history.get()
        assert history.history_user.username == "curator"
        assert history.history_change_reason == "Imported from practices.csv"
        assert history.tags_snapshot == "Victim services"
    first = practices[0]
    assert list(first.practicesource_set.values_list("locator", flat=True)) == [
        "Chapter 9"
    ]
    log = ImportRecord.objects.get()
    assert (log.file_name, log.new, log.updated) == ("practices.csv", 2, 0)
    assert log.content_type == ContentType.objects.get_for_model(BestPractice)


def test_reimporting_the_same_file_changes_nothing(curator_client, references):
    content = practices_csv(GOOD_ROW, SECOND_ROW)
    confirm(curator_client, preview(curator_client, content))
    before = {p.slug: (p.revision, p.updated) for p in BestPractice.objects.all()}
    history_rows = BestPractice.history.count()

    response = preview(curator_client, content)
    result = response.context["result"]
    assert result.totals["skip"] == 2 and result.totals["update"] == 0
    confirm(curator_client, response)

    after = {p.slug: (p.revision, p.updated) for p in BestPractice.objects.all()}
    assert after == before
    assert BestPractice.history.count() == history_rows


def test_update_keeps_published_state_and_merges_a_stale_admin_form(
    curator_client, references
):
    sweden, book = references
    practice = make_practice(
        "Train officers", slug="train-officers", jurisdiction=sweden, source=book
    )
    assert practice.status == Status.PUBLISHED
    opened = curator_client.get(
        reverse("admin:practices_bestpractice_change", args=[practice.pk])
    )
    stale_form = admin_form_data(opened)

    confirm(curator_client, preview(curator_client, practices_csv(GOOD_ROW)))
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED  # an import never changes the state
    assert practice.recommendation == "Officers should learn to spot victims."
    assert practice.revision == 2

    # The curator who opened the form before the import cannot overwrite it: their
    # edit of another field merges with the import's (a pending change, as the
    # practice is published).
    stale_form["title"] = "My edit"
    response = curator_client.post(
        reverse("admin:practices_bestpractice_change", args=[practice.pk]), stale_form
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Train officers"
    pending = PendingChange.objects.get()
    assert pending.data["title"] == ["My edit"]
    assert pending.data["recommendation"] == ["Officers should learn to spot victims."]


def test_findings_import_with_figures(references):
    sweden, book = references
    make_jurisdiction("Stockholm", slug="stockholm", parent=sweden)
    dataset = tablib.Dataset(
        headers=["slug", "title", "kind", "statement", "jurisdiction", "source"]
        + ["figures"]
    )
    dataset.append(
        [
            "street-prostitution",
            "Street prostitution fell",
            "change",
            "According to the source, it fell by half.",
            "sweden",
            "perrin-2010",
            "Stockholm, 1998 | 95 | women | | | 1998 | stockholm; "
            "Stockholm, 2003 | 45 | women | about",
        ]
    )
    result = FindingResource().import_data(dataset, file_name="findings.xlsx")
    assert not result.has_errors() and not result.has_validation_errors()
    finding = Finding.objects.get()
    figures = list(finding.figures.values_list("label", "value", "qualifier", "year"))
    assert [(label, int(value), q, y) for label, value, q, y in figures] == [
        ("Stockholm, 1998", 95, "", 1998),
        ("Stockholm, 2003", 45, "about", None),
    ]
    # Exported and imported again: unchanged, so skipped.
    exported = FindingResource().export(Finding.objects.all())
    again = FindingResource().import_data(exported)
    assert again.totals["skip"] == 1


def test_bad_figure_is_a_row_error(references):
    dataset = tablib.Dataset(
        headers=["slug", "title", "kind", "statement", "jurisdiction", "source"]
        + ["figures"]
    )
    dataset.append(
        ["f", "F", "count", "S.", "sweden", "perrin-2010", "Calls | many | calls"]
    )
    result = FindingResource().import_data(dataset, dry_run=True)
    errors = result.invalid_rows[0].error.message_dict
    assert "is not a number" in errors["figures"][0]


def test_exported_formula_cells_are_neutralised(curator_client, references):
    sweden, book = references
    make_practice(
        '=HYPERLINK("http://evil.example")',
        slug="formula",
        jurisdiction=sweden,
        source=book,
        recommendation="+1+2",
        discussion="@SUM(A1)",
    )
    dataset = BestPracticeResource().export(BestPractice.objects.all())
    text = CSV().export_data(dataset)
    assert "'=HYPERLINK" in text and "'+1+2" in text and "'@SUM(A1)" in text
    workbook = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(dataset)))
    cells = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not any(
        isinstance(cell, str) and cell.startswith(("=", "+", "@")) for cell in cells
    )
    # An exported file imports back with the original text.
    result = BestPracticeResource().import_data(tablib.Dataset().load(text, "csv"))
    assert result.totals["skip"] == 1


def test_numbers_are_not_treated_as_formulas():
    dataset = tablib.Dataset(["-12.5", "-x"], headers=["a", "b"])
    assert CSV().export_data(dataset).splitlines()[1] == "-12.5,'-x"


def test_import_templates_download_with_headers_and_an_example(
    curator_client, references
):
    page = curator_client.get(reverse("admin:practices_bestpractice_import"))
    assert reverse("admin:practices_bestpractice_import_template", args=["xlsx"]) in (
        page.content.decode()
    )
    for fmt in ("csv", "xlsx"):
        response = curator_client.get(
            reverse("admin:practices_finding_import_template", args=[fmt])
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    response = curator_client.get(
        reverse("admin:practices_bestpractice_import_template", args=["csv"])
    )
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == (
        "slug,title,recommendation,theme,jurisdiction,position,initiatives,"
        "discussion,sources,tags"
    )
    assert len(rows) == 2
    help_page = curator_client.get(reverse("admin:practices_importrecord_help"))
    assert "label | value | unit" in help_page.content.decode()


def test_file_over_the_row_limit_is_refused(curator_client, references, settings):
    settings.KB_IMPORT_MAX_ROWS = 1
    response = preview(curator_client, practices_csv(GOOD_ROW, SECOND_ROW))
    assert "at most 1" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not BestPractice.objects.exists()


def test_file_over_the_size_limit_is_refused(curator_client, references, settings):
    settings.KB_IMPORT_MAX_BYTES = 100
    response = preview(curator_client, practices_csv(GOOD_ROW, SECOND_ROW))
    assert "at most 100 bytes" in response.content.decode()
    assert not BestPractice.objects.exists()


def test_a_slug_repeated_in_the_file_is_a_row_error(references):
    dataset = tablib.Dataset().load(
        practices_csv(GOOD_ROW, GOOD_ROW.replace("Train officers", "Other")).decode(),
        format="csv",
    )
    result = BestPracticeResource().import_data(dataset, dry_run=True)
    assert [row.number for row in result.invalid_rows] == [1, 2]
    assert "more than one row" in result.invalid_rows[0].error.message_dict["slug"][0]


class CuratorSavesDuringImport(BestPracticeResource):
    """A colleague saves the record after the import read it (as the admin's
    checked save does: a new revision)."""

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        BestPractice.objects.filter(slug=row["slug"]).update(revision=5)


def test_a_record_saved_during_the_import_rolls_the_whole_import_back(references):
    sweden, book = references
    make_practice("Train officers", slug="train-officers", jurisdiction=sweden)
    dataset = tablib.Dataset().load(
        practices_csv(GOOD_ROW, SECOND_ROW).decode(), format="csv"
    )
    result = CuratorSavesDuringImport().import_data(dataset, file_name="p.csv")
    assert result.has_errors()
    assert "saved by someone else" in str(result.base_errors[0].error)
    practice = BestPractice.objects.get()  # the new row was not kept either
    assert practice.recommendation != "Officers should learn to spot victims."


def _rows(n):
    return [
        f"p-{i},Practice {i},Text {i}.,protection,sweden,{i},perrin-2010,"
        "victim-services"
        for i in range(n)
    ]


def _import_queries(rows, dry_run):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dataset = tablib.Dataset().load(practices_csv(*rows).decode(), format="csv")
    with CaptureQueriesContext(connection) as queries:
        result = BestPracticeResource().import_data(dataset, dry_run=dry_run)
    assert not result.has_errors() and not result.has_validation_errors()
    return len(queries)


def test_import_queries_do_not_grow_with_the_rows(references):
    few, many = _rows(3), _rows(30)
    assert _import_queries(few, dry_run=True) == _import_queries(many, dry_run=True)
    _import_queries(many, dry_run=False)
    # Matching rows against existing records (all skipped) does not query per row.
    assert _import_queries(few, dry_run=True) == _import_queries(many, dry_run=True)


def test_staff_without_add_permission_cannot_import(client, references):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user(
        "viewer", password=CURATOR_PASSWORD, is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_bestpractice"))
    client.login(username="viewer", password=CURATOR_PASSWORD)
    assert preview(client, practices_csv(GOOD_ROW)).status_code == 403
    assert not BestPractice.objects.exists()


@pytest.mark.parametrize(
    "model_name", ["organization", "source", "initiative", "bestpractice", "finding"]
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_template_imports_as_a_draft(curator_client, content, model_name, fmt):
    """The example row of every template is a valid import (on the real content)."""
    from django.apps import apps

    model = apps.get_model("practices", model_name)
    template = curator_client.get(
        reverse(f"admin:practices_{model_name}_import_template", args=[fmt])
    )
    response = curator_client.post(
        reverse(f"admin:practices_{model_name}_import"),
        {
            "resource": "0",
            "format": "0" if fmt == "csv" else "1",
            "import_file": SimpleUploadedFile(f"t.{fmt}", template.content),
        },
    )
    result = response.context["result"]
    assert not result.has_errors(), [str(e.error) for e in result.base_errors] + [
        str(e.error) for _, errors in result.row_errors() for e in errors
    ]
    assert not result.has_validation_errors(), [
        row.error.message_dict for row in result.invalid_rows
    ]
    confirm_data = {b.html_name: b.value() for b in response.context["confirm_form"]}
    curator_client.post(
        reverse(f"admin:practices_{model_name}_process_import"), confirm_data
    )
    imported = model.history.get(history_change_reason=f"Imported from t.{fmt}")
    assert imported.history_user.username == "curator"
    assert model.objects.get(pk=imported.id).status == Status.DRAFT


def test_a_confirm_that_fails_says_why_and_writes_nothing(curator_client, references):
    response = preview(curator_client, practices_csv(GOOD_ROW, SECOND_ROW))
    # Between preview and confirm, a colleague removes a tag the file uses.
    Tag.objects.filter(slug="victim-services").delete()
    done = confirm(curator_client, response)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:practices_bestpractice_import")
    page = curator_client.get(done["Location"]).content.decode()
    assert "Nothing was imported" in page and "victim-services" in page
    assert not BestPractice.objects.exists()
    assert not ImportRecord.objects.exists()
