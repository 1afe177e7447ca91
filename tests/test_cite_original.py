"""Citing the original: a source's page has the cite panel of every record, and
gives the source's full reference (styles and reference.bib/.ris/.json) from what
the knowledge base records; a work known only through a book is cited "as cited
in" the book."""

import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from practices.models import Organization, Source
from tests import factories as f

pytestmark = pytest.mark.django_db

TITLE = "Invisible Chains: Canada's Underground World of Human Trafficking"


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://kb.example.org"


@pytest.fixture
def book(site):
    return f.make_source(
        TITLE,
        slug="perrin-2010-invisible-chains",
        authors="Perrin, Benjamin",
        year=2010,
        isbn="0143178970",
    )


@pytest.fixture
def study(book):
    organization = Organization.objects.create(
        name="Northeastern University",
        slug="northeastern-university",
        kind=Organization.Kind.RESEARCH,
        status="published",
    )
    return f.make_source(
        "Northeastern University study of human trafficking task forces (2008)",
        slug="northeastern-2008",
        kind=Source.Kind.STUDY,
        organization=organization,
        year=2008,
        reported_in=book,
        locator="U.S. Human Trafficking Task Forces",
    )


def parse_bibtex(text):
    library = bibtexparser.parse_string(
        text, append_middleware=[LatexDecodingMiddleware()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    return entry, {k: v.value for k, v in entry.fields_dict.items()}


def test_source_page_has_the_cite_panel_and_head_metadata(client, book):
    response = client.get(book.get_absolute_url())
    html = response.content.decode()
    assert 'id="cite-title">Cite this page</h2>' in html
    assert "Cite the original source" in html
    assert f'<meta name="citation_title" content="{TITLE}">' in html.replace(
        "&#x27;", "'"
    )
    # The page is about the book: schema.org says so, with what is recorded.
    assert '"about": {"@type": "Book"' in html
    assert '"isbn": "0143178970"' in html
    for fmt in ("bib", "ris", "json"):
        assert f'href="{book.get_absolute_url()}cite.{fmt}"' in html
        assert f'href="{book.get_absolute_url()}reference.{fmt}"' in html


def test_source_page_cite_files_cite_its_permalink(client, book):
    response = client.get(book.get_absolute_url() + "cite.ris")
    assert response.status_code == 200
    (record,) = rispy.loads(response.content.decode())
    assert record["title"] == TITLE
    assert record["urls"] == [f"https://kb.example.org{book.get_absolute_url()}v/1/"]
    assert record["type_of_work"] == "Source"
    assert client.get(book.get_absolute_url() + "history/").status_code == 200
    assert client.get(book.get_absolute_url() + "v/1/").status_code == 200


def test_book_reference_in_every_style_omits_what_is_not_recorded(client, book):
    page = client.get(book.get_absolute_url())
    original = page.context["cite"]["original"]
    styles = {s["key"]: s["citation"].text for s in original["styles"]}
    # No publisher, place or URL is recorded for the book: none is printed.
    assert styles == {
        "apa": f"Perrin, B. (2010). {TITLE}.",
        "mla": f"Perrin, Benjamin. {TITLE}. 2010.",
        "chicago": f"Perrin, Benjamin. {TITLE}. 2010.",
    }
    assert original["as_cited_in"] is None
    assert original["in_text"]["apa"] == "(Perrin, 2010)"


def test_book_bibtex_parses_to_a_book_entry_with_the_recorded_fields(client, book):
    response = client.get(book.get_absolute_url() + "reference.bib")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    entry, fields = parse_bibtex(response.content.decode())
    assert entry.entry_type == "book"
    assert entry.key == "perrin-2010-invisible-chains"
    assert fields == {
        "author": "Perrin, Benjamin",
        "title": TITLE,
        "year": "2010",
        "isbn": "0143178970",
        "language": "en",
    }


def test_book_ris_parses_to_a_book_record_with_the_recorded_fields(client, book):
    response = client.get(book.get_absolute_url() + "reference.ris")
    assert response.status_code == 200
    (record,) = rispy.loads(response.content.decode())
    assert record == {
        "type_of_reference": "BOOK",
        "id": "perrin-2010-invisible-chains",
        "authors": ["Perrin, Benjamin"],
        "title": TITLE,
        "year": "2010",
        "issn": "0143178970",
        "language": "en",
    }


def test_every_recorded_field_reaches_every_format(client, site):
    source = f.make_source(
        "Trafficking & the law",
        slug="report-2009",
        kind=Source.Kind.REPORT,
        authors="Doe, Jane; Roe, Richard",
        year=2009,
        publisher="Example Press",
        url="https://example.org/report",
    )
    url = source.get_absolute_url()
    entry, fields = parse_bibtex(client.get(url + "reference.bib").content.decode())
    assert entry.entry_type == "techreport"
    assert fields["author"] == "Doe, Jane and Roe, Richard"
    assert fields["title"] == "Trafficking & the law"
    assert fields["publisher"] == "Example Press"
    assert fields["url"] == "https://example.org/report"
    (record,) = rispy.loads(client.get(url + "reference.ris").content.decode())
    assert record["type_of_reference"] == "RPRT"
    assert record["authors"] == ["Doe, Jane", "Roe, Richard"]
    assert record["publisher"] == "Example Press"
    assert record["urls"] == ["https://example.org/report"]
    (item,) = json.loads(client.get(url + "reference.json").content)
    assert item["type"] == "report"
    assert item["author"] == [
        {"family": "Doe", "given": "Jane"},
        {"family": "Roe", "given": "Richard"},
    ]
    assert item["publisher"] == "Example Press"
    assert item["issued"] == {"date-parts": [[2009]]}
    apa = client.get(url).context["cite"]["original"]["styles"][0]["citation"].text
    assert apa == (
        "Doe, J., & Roe, R. (2009). Trafficking & the law. Example Press. "
        "https://example.org/report"
    )


def test_a_work_known_through_the_book_is_cited_as_cited_in_it(client, study):
    page = client.get(study.get_absolute_url())
    original = page.context["cite"]["original"]
    styles = {s["key"]: s["citation"].text for s in original["styles"]}
    assert styles["apa"] == (
        "Northeastern University. (2008). Northeastern University study of human "
        "trafficking task forces (2008). As cited in Perrin (2010)."
    )
    assert styles["mla"].endswith(" Cited in Perrin, Invisible Chains, 2010.")
    assert original["in_text"]["chicago"].text == (
        "Northeastern University, Northeastern University study of human "
        "trafficking task forces (2008) (2008), cited in Perrin, Invisible Chains, "
        "“U.S. Human Trafficking Task Forces.”"
    )
    assert "<i>Invisible Chains</i>" in str(original["styles"][1]["citation"].html)
    assert original["in_text"]["apa"] == (
        "(Northeastern University, 2008, as cited in Perrin, 2010, "
        "“U.S. Human Trafficking Task Forces” section)"
    )
    html = page.content.decode()
    assert "knows this work only through" in html
    assert "As reported in" in html

    note = (
        f"As cited in Perrin, B. (2010). {TITLE}. "
        "Section “U.S. Human Trafficking Task Forces”."
    )
    url = study.get_absolute_url()
    bibtex = client.get(url + "reference.bib").content.decode()
    # Double braces: the organization is one name, not "University, Northeastern".
    assert "author = {{Northeastern University}}" in bibtex
    entry, fields = parse_bibtex(bibtex)
    assert entry.entry_type == "techreport"
    assert fields["note"] == note
    (record,) = rispy.loads(client.get(url + "reference.ris").content.decode())
    assert record["type_of_reference"] == "RPRT"
    assert record["authors"] == ["Northeastern University"]
    assert record["notes"] == [note]
    (item,) = json.loads(client.get(url + "reference.json").content)
    assert item["note"] == note


def test_a_practice_citing_the_book_links_its_full_reference(client, book):
    practice = f.make_practice(source=book)
    html = client.get(practice.get_absolute_url()).content.decode()
    assert f'href="{book.get_absolute_url()}reference.bib"' in html


def test_unpublished_sources_have_no_cite_files(client, site):
    draft = f.make_source("Draft", slug="draft-source", status="draft")
    for name in ("cite", "reference"):
        for fmt in ("bib", "ris", "json"):
            response = client.get(f"{draft.get_absolute_url()}{name}.{fmt}")
            assert response.status_code == 404, (name, fmt)


def test_an_unpublished_book_or_organization_is_not_named(client, study):
    Source.objects.filter(pk=study.reported_in_id).update(status="draft")
    Organization.objects.filter(pk=study.organization_id).update(status="draft")
    study.refresh_from_db()
    page = client.get(study.get_absolute_url())
    original = page.context["cite"]["original"]
    assert original["as_cited_in"] is None
    apa = original["styles"][0]["citation"].text
    assert "Perrin" not in apa and "Northeastern University." not in apa
    text = client.get(study.get_absolute_url() + "reference.ris").content.decode()
    assert "Perrin" not in text and "AU  -" not in text
