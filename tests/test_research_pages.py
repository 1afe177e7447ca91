"""The research view on made-up data: numbered references, the evidence profile and
its rubric, a country at a glance, and the site's own voice."""

import re
from decimal import Decimal

import pytest

from practices.models import Basis, Status, Theme
from practices.references import PageReferences
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_references_number_sources_in_first_cited_order_and_group_sections():
    book = f.make_source("Book", slug="book")
    study = f.make_source("Study", slug="study")
    refs = PageReferences()
    first = refs.cite(book, "Chapter 1")
    second = refs.cite(study, "")
    again = refs.cite(book, "Chapter 2")
    both = refs.cite(book, "Chapter 1", "Chapter 2")
    assert [e.source for e in refs.entries] == [book, study]
    assert (first.entry.number, second.entry.number, again.entry.number) == (1, 2, 1)
    (chapter_1, chapter_2) = refs.entries[0].sections
    assert chapter_1.markers == [first, both] and chapter_2.markers == [again, both]
    # Unique anchors; a marker citing two sections points to the whole entry.
    assert [m.anchor for m in (first, again, both)] == [
        "cite-1-1",
        "cite-1-2",
        "cite-1-3",
    ]
    assert (first.target, both.target) == ("ref-1-1", "ref-1")
    assert [m.letter for m in (first, again, both)] == ["a", "b", "c"]


def _section(html, element_id):
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def test_a_page_lists_each_source_once_with_backlinks_to_every_marker(client):
    book = f.make_source("Book of cases", slug="book", authors="Perrin, Benjamin")
    study = f.make_source("A study", slug="study", reported_in=book, locator="Ch. 2")
    initiative = f.make_initiative("Hotline", source=book, slug="hotline")
    for n in range(3):
        f.make_finding(
            f"Finding {n}", source=study, initiative=initiative, locator="Ch. 2"
        )
    html = client.get(initiative.get_absolute_url()).content.decode()
    references = _section(html, "references")
    assert references.count('href="/sources/study/"') == 1
    assert (
        len(re.findall(r'<li id="ref-\d+">', references)) == 2
    )  # the book, then the study
    markers = re.findall(
        r'<sup class="ref" id="(cite-[\d-]+)"><a href="#([^"]+)"', html
    )
    assert len(markers) == 4  # the summary, then three findings
    for anchor, target in markers:
        assert f'id="{target}"' in html
        assert f'href="#{anchor}"' in references
    # The study's three findings are grouped under its one section.
    assert "Section “Ch. 2”" in references
    assert references.count('href="#cite-') == 4


def test_a_list_page_cites_its_items_in_one_references_list(client):
    book = f.make_source("Book", slug="book")
    for n in range(3):
        f.make_practice(f"Practice {n}", source=book)
    html = client.get("/practices/").content.decode()
    assert html.count('<sup class="ref"') == 3
    assert len(re.findall(r'<li id="ref-\d+">', _section(html, "references"))) == 1


def test_an_unpublished_source_gets_no_marker_and_no_reference(client):
    draft = f.make_source("Draft source", status=Status.DRAFT)
    finding = f.make_finding("Drafted", source=draft)
    html = client.get(finding.get_absolute_url()).content.decode()
    assert '<sup class="ref"' not in html and 'id="references"' not in html


# Evidence profile ----------------------------------------------------------------


def _practice_with_findings(*bases):
    initiative = f.make_initiative("Programme", slug="programme")
    practice = f.make_practice("Practice", slug="practice", initiatives=[initiative])
    for n, basis in enumerate(bases):
        f.make_finding(f"Finding {n}", initiative=initiative, basis=basis)
    return practice, initiative


def test_practice_page_counts_findings_by_type_of_support(client):
    practice, _ = _practice_with_findings(
        Basis.AUDIT, Basis.AUTHOR, Basis.AUTHOR, Basis.PROGRAMME, ""
    )
    html = client.get(practice.get_absolute_url()).content.decode()
    assert '<h2 id="evidence-title">What the sources report</h2>' in html
    assert ">Evidence</h2>" not in html
    counts = re.findall(r'<li><a href="#basis-(\w+)">([^<]+)</a>: (\d+)</li>', html)
    assert counts == [
        ("audit", "Audit or inspection", "1"),
        ("programme", "The programme&#x27;s own figures", "1"),
        ("author", "The author&#x27;s assessment", "2"),
        ("unrecorded", "Type of support not recorded", "1"),
    ]
    assert (
        "No evaluation of outcomes is recorded for the initiatives that illustrate "
        "this practice." in html
    )
    assert 'href="/about/basis/"' in _section(html, "evidence-title")


def test_an_evaluation_of_outcomes_removes_the_plain_sentence(client):
    practice, initiative = _practice_with_findings(Basis.EVALUATION)
    for record in (practice, initiative):
        html = client.get(record.get_absolute_url()).content.decode()
        assert "Evaluation of outcomes</a>: 1" in html
        assert "No evaluation of outcomes" not in html


def test_initiative_page_has_an_evidence_profile_linked_to_the_rubric(client):
    _, initiative = _practice_with_findings()
    html = client.get(initiative.get_absolute_url()).content.decode()
    profile = _section(html, "findings-title")
    assert "What the sources report" in profile
    assert "No published finding is recorded about this initiative." in profile
    assert "No evaluation of outcomes is recorded for this initiative." in profile
    assert 'href="/about/basis/"' in profile


def test_basis_shows_on_finding_items_and_the_finding_page(client):
    finding = f.make_finding("Audited", slug="audited", basis=Basis.AUDIT)
    listing = client.get("/findings/").content.decode()
    assert '<span class="basis basis-audit">Audit or inspection</span>' in listing
    page = client.get(finding.get_absolute_url()).content.decode()
    assert "<dt>Type of support</dt>" in page
    assert 'href="/about/basis/#basis-audit"' in page


def test_rubric_page_defines_every_type_and_how_curators_assign_it(client):
    html = client.get("/about/basis/").content.decode()
    for value in Basis.values:
        assert f'<dt id="basis-{value}">' in html, value
    for example in [
        "Office of the Inspector General",
        "Northeastern University study",
        "Innocence Lost",
        "2002 Swedish national opinion poll",
        "Perrin",
        "Stockholm police officer",
    ]:
        assert example in html, example
    assert "who measured or judged what" in html


# A country at a glance -------------------------------------------------------------


def test_country_page_opens_with_counts_by_theme_practices_and_key_figures(client):
    country = f.make_jurisdiction("Country", slug="country")
    initiative = f.make_initiative("Unit", jurisdiction=country)
    f.make_practice("Train police", jurisdiction=country, theme=Theme.PROSECUTION)
    f.make_practice("Fund shelters", jurisdiction=country, theme=Theme.PROTECTION)
    f.make_finding(
        "Before and after",
        jurisdiction=country,
        initiative=initiative,
        figures=[("Before", Decimal(10)), ("After", Decimal(4))],
    )
    html = client.get("/jurisdictions/country/").content.decode()
    glance = _section(html, "glance-title")
    row = re.search(r'<th scope="row">Prosecution <span class="count">\((\d)\)', glance)
    assert row and row.group(1) == "1"
    assert "Train police" in glance and "Fund shelters" in glance
    assert '<svg class="chart"' in glance and "Before and after" in glance
    # The details follow, each behind one click.
    details = html[html.index('id="practices-title"') :]
    assert details.count('<details class="record-group">') == 3


# The site's own voice --------------------------------------------------------------


def test_home_and_description_say_what_is_gathered_not_what_works(client):
    html = client.get("/").content.decode()
    assert "What published sources recommend and report" in html
    description = re.search(r'<meta name="description" content="([^"]+)"', html)
    assert "recommend and report" in description.group(1)
    assert "what works" not in html.lower()


def test_home_counts_only_jurisdictions_with_published_content(client):
    f.make_practice(jurisdiction=f.make_jurisdiction("With a practice"))
    f.make_finding(jurisdiction=f.make_jurisdiction("With a finding"))
    f.make_jurisdiction("Empty")
    f.make_practice(
        jurisdiction=f.make_jurisdiction("Drafts only"), status=Status.DRAFT
    )
    html = client.get("/").content.decode()
    assert "from 2 jurisdictions" in html


def test_about_says_numbers_are_converted_and_themes_are_ours(client):
    html = client.get("/about/").content.decode()
    assert "exactly as the source gives them" not in html
    assert "the tables show 42 where the text says “forty-two”" in html
    assert "this knowledge base’s classification, not the book’s" in html
    assert "Each record is checked against its source by a curator" not in html
    assert 'href="/about/basis/"' in html
