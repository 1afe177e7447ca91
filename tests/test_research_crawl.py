"""Every public page of the real content, crawled: references that resolve, no
doubled attribution, no "unnamed" claimant, the book's full title at most once
outside the References list; and every statement, figure and source of a practice,
initiative or country still on its page or one link away."""

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from practices.models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Status,
)
from tests.conftest import FIXTURES_DIR

pytestmark = pytest.mark.skipif(
    not list(FIXTURES_DIR.glob("*.json")), reason="the content fixtures are not there"
)

BOOK_TITLE = "Invisible Chains: Canada's Underground World of Human Trafficking"
BOOK_PAGE = "/sources/perrin-2010-invisible-chains/"
# Pages that are not HTML, or not public.
SKIPPED = re.compile(
    r"\.(bib|ris|json|csv|xml|txt|svg|css|js)$|^/(static|feeds|admin)/"
)
# A few pages reached only with a query string.
QUERIED = [
    "/search/?q=task+force",
    "/search/?q=Sweden",
    "/compare/?j=united-states&j=sweden",
    "/practices/?jurisdiction=united-states",
    "/initiatives/?jurisdiction=sweden",
    "/findings/?jurisdiction=sweden",
]


class Page(HTMLParser):
    """A page's body text (with the accessible names in aria-label and title),
    split into inside and outside its References list, plus its ids and links."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.references_depth = 0
        self.references_tag = None
        self.outside, self.inside = [], []
        self.ids, self.hrefs = set(), []
        self.html = html
        self.feed(html)
        self.outside_text = " ".join(" ".join(self.outside).split())
        self.inside_text = " ".join(" ".join(self.inside).split())
        self.text = f"{self.outside_text} {self.inside_text}"

    def _sink(self):
        return self.inside if self.references_depth else self.outside

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.in_body = True
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if self.references_depth and tag == self.references_tag:
            self.references_depth += 1
        elif attrs.get("id") == "references":
            self.references_tag, self.references_depth = tag, 1
        if self.in_body:
            for name in ("aria-label", "title", "alt"):
                if attrs.get(name):
                    self._sink().append(attrs[name])

    def handle_endtag(self, tag):
        if self.references_depth and tag == self.references_tag:
            self.references_depth -= 1

    def handle_data(self, data):
        if self.in_body:
            self._sink().append(data)


def internal_paths(hrefs):
    for href in hrefs:
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.netloc or not parts.path.startswith("/") or parts.query:
            continue
        if not SKIPPED.search(parts.path):
            yield parts.path


def sitemap_paths(client):
    index = client.get("/sitemap.xml").content.decode()
    paths = []
    for section in re.findall(r"<loc>([^<]+)</loc>", index):
        xml = client.get(urlsplit(section).path).content.decode()
        paths += [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]
    return paths


def crawl(client):
    """Every page reachable from the sitemap and the list pages through plain
    links (no query string), plus a few queried pages: {url: Page}."""
    queue = ["/", *sitemap_paths(client), *QUERIED]
    pages = {}
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        pages[url] = page = Page(response.content.decode())
        queue += [p for p in internal_paths(page.hrefs) if p not in pages]
    return pages


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """The crawl, once for the module (it renders some 300 pages), over the real
    content loaded in a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *sorted(str(p) for p in FIXTURES_DIR.glob("*.json")))
        crawled = crawl(Client())
        transaction.set_rollback(True)
    return crawled


def test_the_crawl_reaches_every_kind_of_public_page(pages):
    for expected in [
        "/about/basis/",
        "/practices/us-proactive-local-police-initiatives/",
        "/initiatives/sweden-1999-sex-purchase-law/",
        "/jurisdictions/united-states/",
        "/findings/stockholm-street-prostitution-1998-1999/",
        "/sources/northeastern-university-2008-task-force-study/",
        "/tags/victim-services/",
        "/organizations/boston-police-department/",
    ]:
        assert expected in pages
    assert len(pages) > 100


def test_no_page_doubles_the_attribution_or_prints_unnamed(pages):
    doubled = re.compile(r"According to\b.{0,400}?:\s*According to")
    assert {url for url, page in pages.items() if doubled.search(page.text)} == set()
    unnamed = re.compile(r"\bunnamed\b", re.IGNORECASE)
    assert {url for url, page in pages.items() if unnamed.search(page.text)} == set()


def test_the_books_full_title_appears_at_most_once_outside_references(pages):
    # The book's own pages (its page, versions and history) are about it: they
    # may name it in their title and in its citation.
    over = {
        url: page.outside_text.count(BOOK_TITLE)
        for url, page in pages.items()
        if not url.startswith(BOOK_PAGE) and page.outside_text.count(BOOK_TITLE) > 1
    }
    assert over == {}


def test_every_marker_and_backlink_leads_somewhere_on_the_page(pages):
    broken = {
        url: sorted(
            {h for h in page.hrefs if h.startswith("#")} - {f"#{i}" for i in page.ids}
        )
        for url, page in pages.items()
    }
    assert {url: b for url, b in broken.items() if b} == {}
    practice = pages["/practices/se-shift-attitudes-reduce-demand/"]
    assert any(h.startswith("#ref-") for h in practice.hrefs)
    assert any(h.startswith("#cite-") for h in practice.hrefs)  # backlinks


def test_only_verbatim_quotations_are_in_blockquotes(pages, content):
    from practices.models import Quotation

    quoted = {_same_words(q.text) for q in Quotation.objects.published()}
    for url, page in pages.items():
        for inner in re.findall(r"<blockquote>(.*?)</blockquote>", page.html, re.S):
            assert _same_words(unescape(re.sub(r"<[^>]+>", "", inner))) in quoted, url


# Still there: on the page, or one link away --------------------------------------


def _same_words(text):
    return " ".join(text.split())


def assert_on_page_or_one_link_away(page, findings, sources, quotations=()):
    hrefs = set(page.hrefs)
    for finding in findings:
        statement_here = _same_words(finding.statement) in page.text
        assert statement_here or finding.get_absolute_url() in hrefs, finding.slug
        for figure in finding.figures.all():
            # A figure is in the table on the page, or on the finding's page.
            assert figure.label in page.text or finding.get_absolute_url() in hrefs, (
                finding.slug,
                figure.label,
            )
    for source in sources:
        assert source.get_absolute_url() in hrefs, source.slug
    for quotation in quotations:
        assert _same_words(quotation.text) in page.text, quotation.slug


def _published_sources(citations):
    return [c.source for c in citations if c.source.status == Status.PUBLISHED]


def test_a_practice_keeps_every_statement_figure_and_source_within_reach(
    pages, content
):
    for practice in BestPractice.objects.published():
        page = pages[practice.get_absolute_url()]
        initiatives = practice.initiatives.published()
        findings = Finding.objects.published().filter(initiative__in=initiatives)
        sources = _published_sources(practice.practicesource_set.all())
        for initiative in initiatives:
            sources += _published_sources(initiative.initiativesource_set.all())
        sources += [f.source for f in findings]
        assert_on_page_or_one_link_away(page, findings, sources)
        # The findings themselves are on the page (behind one <details>).
        for finding in findings:
            assert _same_words(finding.statement) in page.text, finding.slug


def test_an_initiative_keeps_every_statement_figure_and_source_within_reach(
    pages, content
):
    for initiative in Initiative.objects.published():
        page = pages[initiative.get_absolute_url()]
        findings = initiative.findings.published()
        sources = _published_sources(initiative.initiativesource_set.all())
        sources += [f.source for f in findings]
        quotations = initiative.quotations.published()
        sources += [q.source for q in quotations]
        assert_on_page_or_one_link_away(page, findings, sources, quotations)


def test_a_jurisdiction_keeps_every_statement_figure_and_source_within_reach(
    pages, content
):
    from practices.models import Quotation

    for jurisdiction in Jurisdiction.objects.published():
        page = pages[jurisdiction.get_absolute_url()]
        within = {"jurisdiction__path__startswith": jurisdiction.path}
        findings = Finding.objects.published().filter(**within)
        quotations = Quotation.objects.published().filter(**within)
        sources = [f.source for f in findings] + [q.source for q in quotations]
        assert_on_page_or_one_link_away(page, findings, sources, quotations)
        for practice in BestPractice.objects.published().filter(**within):
            assert practice.get_absolute_url() in page.hrefs, practice.slug
