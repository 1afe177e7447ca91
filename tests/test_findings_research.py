"""Findings for research: the findings list filters by country (with its places),
theme, type of support, kind and words, with counts per value; figures.csv and
figures.json give one row per number; every export says which filters it ignored."""

import csv
import io
import json
import zipfile

import pytest

from practices.models import Basis, Finding, FindingFigure, Jurisdiction, Status, Theme
from tests import factories as f
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.django_db

needs_fixtures = pytest.mark.skipif(
    not list(FIXTURES_DIR.glob("*.json")), reason="the content fixtures are not there"
)

NOTICE = "# Ignored filters: "


def download(client, path, query=None):
    """(response, text without the byte-order mark)."""
    response = client.get(path, query or {})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return response, body.removeprefix("\ufeff")


def csv_rows(text):
    """The CSV's rows, and its notice line ("" when nothing was ignored)."""
    notice = ""
    if text.startswith(NOTICE):
        notice, text = text.split("\r\n", 1)
    return list(csv.DictReader(io.StringIO(text))), notice


def listed(client, query):
    response = client.get("/findings/", query)
    assert response.status_code == 200
    return {finding.slug for finding in response.context["paginator"].object_list}


@pytest.fixture
def world():
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    malmo = f.make_jurisdiction("Malmö", slug="malmo", parent=sweden)
    us = f.make_jurisdiction("United States", slug="united-states")
    hotline = f.make_initiative("Hotline", jurisdiction=malmo, slug="hotline")
    f.make_practice(
        "Support", jurisdiction=malmo, initiatives=[hotline], theme=Theme.PROTECTION
    )
    f.make_finding(
        "Hotline calls doubled",
        slug="calls",
        jurisdiction=malmo,
        initiative=hotline,
        basis=Basis.PROGRAMME,
        kind=Finding.Kind.CHANGE,
        statement="Calls to the street outreach hotline doubled.",
        figures=[("Calls", 10)],
    )
    f.make_finding(
        "Support for the law",
        slug="poll",
        jurisdiction=sweden,
        basis=Basis.POLL,
        kind=Finding.Kind.POLL,
        statement="Eighty percent supported the law.",
    )
    f.make_finding(
        "Convictions",
        slug="convictions",
        jurisdiction=us,
        basis=Basis.AUDIT,
        statement="Over 350 traffickers were convicted.",
    )
    f.make_finding(
        "Draft",
        slug="draft",
        jurisdiction=malmo,
        status=Status.DRAFT,
        figures=[("Secret", 7)],
    )


# The findings list ----------------------------------------------------------------


def test_findings_filter_by_country_with_its_places_theme_basis_kind_and_words(
    client, world
):
    assert listed(client, {"jurisdiction": "sweden"}) == {"calls", "poll"}
    assert listed(client, {"jurisdiction": "malmo"}) == {"calls"}
    assert listed(client, {"theme": "protection"}) == {"calls"}
    assert listed(client, {"basis": "poll"}) == {"poll"}
    assert listed(client, {"kind": "change"}) == {"calls"}
    assert listed(client, {"q": "street"}) == {"calls"}
    assert listed(client, {"jurisdiction": "sweden", "basis": "audit"}) == set()


def test_findings_list_shows_its_controls_and_counts_per_value(client, world):
    html = client.get("/findings/", {"jurisdiction": "sweden"}).content.decode()
    form = html[html.index('<form class="filters"') :]
    form = form[: form.index("</form>")]
    for name in ("q", "theme", "basis", "kind"):
        assert f'name="{name}"' in form
    # The chosen country is kept when the form is sent again.
    assert '<input type="hidden" name="jurisdiction" value="sweden">' in form
    facets = html[html.index('id="facets-title"') :]
    assert '<span aria-current="true">Sweden (2)</span>' in facets
    assert (
        '<a href="?jurisdiction=sweden&amp;basis=poll">Opinion poll</a> (1)' in facets
    )
    assert '<a href="?jurisdiction=sweden&amp;theme=protection">Protection</a> (1)' in (
        facets
    )
    assert "Poll</a> (1)" in facets
    # The draft and the United States finding are counted nowhere.
    assert "Audit or inspection" not in facets


def test_a_chosen_facets_other_values_count_what_their_links_show(client, world):
    """With a type of support chosen, each other type's count is the number of
    findings its link lists (the link replaces the choice), so a reader can switch."""
    response = client.get("/findings/", {"jurisdiction": "sweden", "basis": "poll"})
    basis = next(g for g in response.context["choice_facets"] if g["name"] == "basis")
    shown = {value["value"]: value for value in basis["values"]}
    assert set(shown) == {"poll", "programme"}
    assert shown["poll"]["active"]
    assert shown["poll"]["count"] == response.context["paginator"].count == 1
    linked = client.get("/findings/" + shown["programme"]["query"])
    assert linked.context["paginator"].count == shown["programme"]["count"] == 1


def test_findings_list_says_which_filters_it_ignored(client, world):
    response = client.get("/findings/", {"bogus": "1", "theme": "nonsense"})
    messages = response.context["filter_messages"]
    assert "“nonsense” is not a valid theme; it was ignored." in messages
    assert "“bogus” is not a filter of this list; it was ignored." in messages
    # The page's own parameters are no filters left out.
    response = client.get("/findings/", {"page": "1", "facets": "all"})
    assert response.context["filter_messages"] == []


def test_download_links_carry_the_filters_but_not_the_page(client, world):
    html = client.get(
        "/findings/", {"basis": "programme", "facets": "all"}
    ).content.decode()
    assert '<a href="/findings.csv?basis=programme">CSV</a>' in html
    assert '<a href="/figures.csv?basis=programme">CSV</a>' in html
    assert '<a href="/figures.json?basis=programme">JSON</a>' in html


# figures.csv and figures.json --------------------------------------------------------


@needs_fixtures
def test_figures_csv_gives_the_goteborg_1998_figure_once_with_its_year_once(
    client, content
):
    response, text = download(client, "/figures.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows, notice = csv_rows(text)
    assert notice == ""
    goteborg_1998 = [
        row
        for row in rows
        if row["finding"] == "goteborg-street-prostitution-1998-1999"
        and row["year"] == "1998"
    ]
    assert len(goteborg_1998) == 1
    row = goteborg_1998[0]
    assert row["value"] == "286"
    assert row["unit"] == "women in street prostitution"
    assert row["place"] == "goteborg" and row["place_name"] == "Göteborg"
    assert row["finding_url"].endswith(
        "/findings/goteborg-street-prostitution-1998-1999/"
    )
    assert row["source"] == "perrin-2010-invisible-chains"
    assert row["locator"]
    # A number with its own year does not repeat it as a period.
    assert row["period_start"] == row["period_end"] == ""
    assert "1998, 1998" not in text
    # One row per figure of a published finding.
    from practices.models import FindingFigure

    published = FindingFigure.objects.filter(finding__status=Status.PUBLISHED)
    assert len(rows) == published.count()


@needs_fixtures
def test_figures_json_gives_numbers_as_numbers_and_periods(client, content):
    _, text = download(client, "/figures.json")
    payload = json.loads(text)
    assert payload["filter_messages"] == [] and payload["ignored_filters"] == []
    rows = payload["results"]
    for row in rows:
        assert isinstance(row["value"], int | float), row
        assert row["value_max"] is None or isinstance(row["value_max"], int | float)
        assert row["year"] is None or isinstance(row["year"], int)
    by = {(r["finding"], r["position"]): r for r in rows}
    goteborg = by[("goteborg-street-prostitution-1998-1999", 0)]
    assert (goteborg["year"], goteborg["value"]) == (1998, 286)
    stockholm = by[("stockholm-oslo-2007-estimates", 0)]
    assert (stockholm["value"], stockholm["value_max"]) == (105, 130)
    oslo = by[("stockholm-oslo-2007-estimates", 1)]
    assert oslo["place"] == "oslo"  # the figure's own place, not the finding's
    krona = by[("sweden-action-plan-213-million-krona", 1)]
    assert krona["value"] == 32.2
    # A number with no year of its own gives its finding's period.
    drop = by[("sweden-40-percent-drop-1999-2003", 0)]
    assert drop["year"] is None
    assert (drop["period_start"], drop["period_end"]) == (1999, 2003)


@needs_fixtures
def test_figures_take_the_findings_lists_filters(client, content):
    rows, _ = csv_rows(
        download(client, "/figures.csv", {"jurisdiction": "goteborg"})[1]
    )
    assert [(r["label"], r["value"]) for r in rows] == [
        ("Göteborg, 1998", "286"),
        ("Göteborg, 1999", "90"),
    ]
    _, text = download(client, "/figures.json", {"q": "street"})
    findings = {row["finding"] for row in json.loads(text)["results"]}
    assert findings == {
        "goteborg-street-prostitution-1998-1999",
        "malmo-street-prostitution-1998-1999",
        "stockholm-street-prostitution-1998-1999",
    }


@needs_fixtures
def test_findings_csv_names_each_year_once(client, content):
    rows, _ = csv_rows(
        download(client, "/findings.csv", {"jurisdiction": "goteborg"})[1]
    )
    figures = rows[0]["figures"]
    assert "Göteborg, 1998: 286 women in street prostitution" in figures
    assert "1998, 1998" not in figures


def test_figures_of_drafts_are_never_exported(client, world):
    rows, _ = csv_rows(download(client, "/figures.csv")[1])
    assert [(r["finding"], r["label"], r["value"]) for r in rows] == [
        ("calls", "Calls", "10")
    ]


def test_a_figure_about_an_unpublished_place_is_not_given_its_findings_place(
    client, world
):
    draft_city = f.make_jurisdiction(
        "Lund",
        slug="lund",
        parent=Jurisdiction.objects.get(slug="sweden"),
        status=Status.DRAFT,
    )
    FindingFigure.objects.filter(finding__slug="calls").update(jurisdiction=draft_city)
    rows, _ = csv_rows(download(client, "/figures.csv")[1])
    assert [(r["label"], r["place"], r["place_name"]) for r in rows] == [
        ("Calls", "", "")
    ]
    FindingFigure.objects.filter(finding__slug="calls").update(jurisdiction=None)
    rows, _ = csv_rows(download(client, "/figures.csv")[1])
    assert [(r["place"], r["place_name"]) for r in rows] == [("malmo", "Malmö")]


def test_figures_csv_has_the_data_packages_figures_columns(client, world):
    _, text = download(client, "/figures.csv")
    response = client.get("/data/knowledge-base.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    # One definition of a figure row: the same header and the same cells.
    assert archive.read("data/figures.csv").decode() == text
    assert text.split("\r\n", 1)[0].startswith("id,finding,finding_url,")


def test_figures_are_linked_from_the_about_data_page(client, world):
    html = client.get("/about/data/").content.decode()
    assert '<a href="/figures.csv">figures.csv</a>' in html
    assert '<a href="/figures.json">figures.json</a>' in html
    assert "X-KB-Ignored-Filters" in html
    assert 'id="dict-figures"' in html


# Ignored filters in every export ------------------------------------------------


def test_findings_csv_filters_by_words(client, world):
    response, text = download(client, "/findings.csv", {"q": "street"})
    rows, notice = csv_rows(text)
    assert [row["slug"] for row in rows] == ["calls"]
    assert notice == ""
    assert response["X-KB-Ignored-Filters"] == ""


@pytest.mark.parametrize(
    "path",
    [
        "/practices.csv",
        "/initiatives.csv",
        "/findings.csv",
        "/sources.csv",
        "/figures.csv",
    ],
)
def test_every_csv_export_names_an_unknown_parameter_in_its_first_line(
    client, world, path
):
    response, text = download(client, path, {"bogus": "1"})
    assert text.split("\r\n", 1)[0] == (
        "# Ignored filters: “bogus” is not a filter of this list; it was ignored."
    )
    assert response["X-KB-Ignored-Filters"] == "bogus"
    rows, _ = csv_rows(text)
    assert rows  # the other filters (none here) still apply


def test_a_parameter_cannot_start_a_spreadsheet_formula_in_the_notice(client, world):
    hostile = 'x,=HYPERLINK("http://evil.example","a");@SUM(1)'
    _, text = download(client, "/practices.csv", {hostile: "1"})
    notice = text.split("\r\n", 1)[0]
    assert notice.startswith("# Ignored filters: ")
    # Split as a spreadsheet would (commas, or semicolons in some locales): no
    # cell starts a formula, and no quote opens a cell that runs into the header.
    for separator in (",", ";"):
        for cell in notice.split(separator):
            assert not cell.strip().startswith(("=", "+", "-", "@")), cell
    assert '"' not in notice
    assert "HYPERLINK" in notice  # still named, harmlessly


@pytest.mark.parametrize(
    "path",
    [
        "/practices.json",
        "/initiatives.json",
        "/findings.json",
        "/sources.json",
        "/figures.json",
    ],
)
def test_every_json_export_names_what_it_ignored_in_its_metadata(client, world, path):
    response, text = download(client, path, {"bogus": "1", "theme": "nonsense"})
    payload = json.loads(text)
    assert "bogus" in payload["ignored_filters"]
    assert (
        "“bogus” is not a filter of this list; it was ignored."
        in (payload["filter_messages"])
    )
    assert "bogus" in response["X-KB-Ignored-Filters"]


def test_an_invalid_theme_is_named_and_the_other_filters_still_apply(client, world):
    response, text = download(
        client, "/findings.csv", {"theme": "nonsense", "basis": "poll"}
    )
    rows, notice = csv_rows(text)
    assert [row["slug"] for row in rows] == ["poll"]
    assert (
        notice == "# Ignored filters: “nonsense” is not a valid theme; it was ignored."
    )
    assert response["X-KB-Ignored-Filters"] == "theme"


def test_a_hostile_parameter_name_stays_on_one_line_and_out_of_the_header(
    client, world
):
    response, text = download(client, "/findings.csv?a%0D%0Ab%C3%A9=1")
    first, second = text.split("\r\n")[:2]
    assert first.startswith(NOTICE) and "“a  bé”" in first
    assert second.startswith("slug,")
    assert response["X-KB-Ignored-Filters"] == "a%0D%0Ab%C3%A9"


def test_the_api_reports_unknown_parameters_but_not_its_paging(client, world):
    page = client.get("/api/v1/findings/", {"bogus": "1", "page_size": "1"}).json()
    assert page["filter_messages"] == [
        "“bogus” is not a filter of this list; it was ignored."
    ]
    following = client.get(page["next"]).json()  # with its cursor
    assert following["filter_messages"] == page["filter_messages"]
    plain = client.get("/api/v1/findings/", {"page_size": "1"}).json()
    assert plain["filter_messages"] == []
