"""Detail pages: attribution, published-only relations, figures as written, charts."""

import re
from decimal import Decimal

import pytest

from practices.charts import figure_text, finding_chart_svg
from practices.models import FindingFigure, Status
from tests import factories as f
from tests.test_public_pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_practice_page_attributes_the_recommendation_with_a_numbered_reference(
    client, world
):
    html = client.get("/practices/create-task-forces/").content.decode()
    assert "Recommended as a best practice in <cite>Invisible Chains</cite>" in html
    # The marker leads to the section cited in the References list...
    assert (
        '<sup class="ref" id="cite-1-1"><a href="#ref-1-1" aria-label="Reference 1, '
        'section “Best practices”">[1]</a></sup>' in html
    )
    references = html[html.index('id="references"') :]
    assert '<li id="ref-1">' in references
    assert "/sources/invisible-chains/" in references
    # ...which links back to the marker.
    assert 'href="#cite-1-1"' in references
    assert "<strong>work</strong>" in html  # discussion rendered as Markdown
    # The recommendation is the source's, but not a verbatim quotation.
    assert '<p class="recommendation">Do the recommended thing' in html
    assert "<blockquote" not in html


def test_practice_page_hides_unpublished_initiatives(client, world):
    html = client.get("/practices/create-task-forces/").content.decode()
    assert "Boston task force" in html
    assert "Secret draft initiative" not in html


def test_a_practice_only_drafts_illustrate_reads_no_initiative_or_finding(
    client, django_assert_num_queries
):
    """Whether a published initiative illustrates the practice comes with the
    practice (and its version number, for the cite panel): with none, neither
    initiatives nor findings are asked for."""
    draft = f.make_initiative("Draft pilot", status=Status.DRAFT)
    f.make_finding(initiative=draft)
    practice = f.make_practice("Lonely", tags=[], initiatives=[draft])
    # The practice, its tags, its sources.
    with django_assert_num_queries(3):
        page = client.get(practice.get_absolute_url())
    html = page.content.decode()
    assert "No published initiative is linked to this practice yet." in html
    assert "Draft pilot" not in html
    assert page.context["cite"]["version"] == 1  # published once


def test_cautionary_initiative_is_never_shown_as_best_practice(client, world):
    practice = client.get("/practices/create-task-forces/")
    assert [i.slug for i in practice.context["examples"]] == ["boston-task-force"]
    assert [i.slug for i in practice.context["cautionary"]] == ["legalized-brothels"]
    html = client.get("/initiatives/legalized-brothels/").content.decode()
    assert "Contrasting or cautionary example." in html
    assert "Practices it is contrasted with" in html


def test_finding_page_shows_the_statement_with_its_reference_and_claimant(
    client, world
):
    html = client.get("/findings/cases-before-after/").content.decode()
    # The statement carries its own attribution; the page adds no "According to".
    assert "According to" not in html[html.index("<main") :]
    statement = html[html.index('<p class="statement">') :]
    assert (
        statement.startswith('<p class="statement">The source reports figure')
        and '<sup class="ref"' in statement[: statement.index("</p>")]
    )
    assert "<dt>Whose claim</dt><dd>the task force&#x27;s coordinator</dd>" in html
    references = html[html.index('id="references"') :]
    # The study, as reported in the book, with the book's section.
    assert 'href="/sources/northeastern-study/"' in references
    assert 'as reported in <cite><a href="/sources/invisible-chains/">' in references
    # The finding gives no section, so the one the study is reported in is used.
    assert "Section “U.S. Human Trafficking Task Forces”" in references


def test_an_empty_claimant_prints_nothing(client):
    finding = f.make_finding("Anonymous", slug="anonymous", claimant="")
    html = client.get(finding.get_absolute_url()).content.decode()
    assert "Whose claim" not in html


def test_unpublished_records_answer_404(client, world):
    draft = f.make_practice("Hidden", slug="hidden", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/initiatives/secret-draft/").status_code == 404
    response = client.get("/jurisdictions/atlantis/")
    assert response.status_code == 404


def test_unpublished_source_is_not_linked(client):
    draft_source = f.make_source("Draft source", status=Status.DRAFT)
    practice = f.make_practice("Practice", slug="p", source=draft_source)
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Draft source" not in html
    assert "a source not yet published on this site" in html


def test_jurisdiction_page_shows_everything_below_it(client, world):
    response = client.get("/jurisdictions/united-states/")
    html = response.content.decode()
    for text in [
        "Massachusetts",
        "Create task forces",
        "Train police",
        "Boston task force",
        "Cases before and after",
        "We work together.",
    ]:
        assert text in html, text
    assert "Swedish law" not in html
    city = client.get("/jurisdictions/boston/").content.decode()
    assert 'href="/jurisdictions/united-states/"' in city  # its place in the hierarchy


def test_initiative_page_shows_leads_findings_quotations_practices(client, world):
    html = client.get("/initiatives/boston-task-force/").content.decode()
    for text in [
        "Boston Police",
        "Cases before and after",
        "We work together.",
        "Create task forces",
        "as quoted in",
    ]:
        assert text in html, text


def test_source_and_organization_pages_list_what_cites_them(client, world):
    book = client.get("/sources/invisible-chains/").content.decode()
    assert "Northeastern study" in book and "Create task forces" in book
    org = client.get("/organizations/boston-police/").content.decode()
    assert "Boston task force" in org


@pytest.mark.parametrize(
    ("value", "value_max", "qualifier", "unit", "text"),
    [
        ("150.00", None, "", "women", "150 women"),
        ("32.20", None, "", "percent", "32.2 percent"),
        ("105.00", "130.00", "", "victims", "105–130 victims"),
        ("350.00", None, "over", "women", "over 350 women"),
        ("2008.00", None, "", "year", "2008 year"),
    ],
)
def test_figures_read_exactly_as_stored(value, value_max, qualifier, unit, text):
    figure = FindingFigure(
        label="x",
        value=Decimal(value),
        value_max=Decimal(value_max) if value_max else None,
        qualifier=qualifier,
        unit=unit,
    )
    assert figure_text(figure) == text


def test_comparable_figures_are_charted_with_a_text_alternative_and_a_table(
    client, world
):
    html = client.get("/findings/cases-before-after/").content.decode()
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert 'aria-label="Bar chart, Cases before and after. Before: 150 cases; ' in html
    assert "<title>Bar chart" in html
    assert '<th scope="row">Before</th><td class="num">150 cases</td>' in html


def test_figures_in_different_units_are_not_charted(client):
    finding = f.make_finding("Mixed", slug="mixed", figures=[("A", Decimal(1))])
    FindingFigure.objects.create(
        finding=finding, position=1, label="B", value=Decimal(50), unit="percent"
    )
    assert finding_chart_svg(finding) == ""
    html = client.get("/findings/mixed/").content.decode()
    assert "<svg" not in html and "50 percent" in html


def test_chart_bars_stretch_with_the_page_while_its_text_keeps_its_size():
    """A phone shrinks a viewBox drawing, text and all (8 px labels at 390 px); the
    chart is drawn in CSS pixels with bars as shares of the width instead."""
    finding = f.make_finding(
        "Stretch", figures=[("Before", Decimal(150)), ("After", Decimal(75))]
    )
    svg = finding_chart_svg(finding)
    assert "viewBox" not in svg and 'width="100%"' in svg
    bars = re.findall(r'<rect class="bar" x="0" y="\d+" width="([\d.]+)%"', svg)
    assert [float(b) for b in bars] == [70.0, 35.0]


def test_chart_escapes_labels():
    finding = f.make_finding(
        "Escaped", figures=[("<script>", Decimal(1)), ("b", Decimal(2))]
    )
    svg = finding_chart_svg(finding)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_compare_shows_jurisdictions_side_by_side_by_theme(client, world):
    response = client.get("/compare/?j=united-states&j=sweden")
    rows = {r["theme"]: r for r in response.context["rows"]}
    partnership = [
        [p.slug for p in cell["practices"]] for cell in rows["partnership"]["cells"]
    ]
    assert partnership == [["create-task-forces"], []]
    html = response.content.decode()
    assert "Cautionary example:" in html


def test_compare_with_fewer_than_two_asks_for_more(client, world):
    response = client.get("/compare/?j=united-states&j=atlantis")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least two jurisdictions" in html
    assert "There is no jurisdiction “atlantis”" in html


def test_about_explains_the_method(client):
    html = client.get("/about/").content.decode()
    for text in ["not an endorsement", "According to", "cautionary", "selected"]:
        assert text in html, text


def test_detail_templates_leave_a_cite_block_and_base_a_head_block():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    assert "{% block head %}" in (root / "base.html").read_text()
    for name in [
        "practice",
        "initiative",
        "finding",
        "jurisdiction",
        "source",
        "organization",
    ]:
        text = (root / "practices" / f"{name}_detail.html").read_text()
        assert "{% block cite %}" in text, name


def test_a_jurisdiction_page_lists_findings_filed_there_and_figures_given_for_it(
    client,
):
    sweden = f.make_jurisdiction("Sweden", slug="sweden")
    stockholm = f.make_jurisdiction("Stockholm", slug="stockholm", parent=sweden)
    norway = f.make_jurisdiction("Norway", slug="norway")
    oslo = f.make_jurisdiction("Oslo", slug="oslo", parent=norway)
    finding = f.make_finding(
        "Street prostitution in two capitals",
        jurisdiction=oslo,
        figures=[("Oslo", 600), ("Stockholm", 200), ("Stockholm, later", 150)],
    )
    stockholm_figures = finding.figures.filter(label__startswith="Stockholm")
    stockholm_figures.update(jurisdiction=stockholm)
    f.make_finding("Filed in Sweden", jurisdiction=sweden)
    f.make_finding("Elsewhere", jurisdiction=norway)

    def listed(slug):
        findings = client.get(f"/jurisdictions/{slug}/").context["findings"]
        return sorted(x.title for x in findings)

    # Filed in Oslo: on Oslo's and Norway's pages; its Stockholm figures put it on
    # Stockholm's and Sweden's too, once although two figures are about Stockholm.
    assert listed("oslo") == ["Street prostitution in two capitals"]
    assert listed("norway") == ["Elsewhere", "Street prostitution in two capitals"]
    assert listed("stockholm") == ["Street prostitution in two capitals"]
    assert listed("sweden") == [
        "Filed in Sweden",
        "Street prostitution in two capitals",
    ]
