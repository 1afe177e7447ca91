"""How to cite a page of the knowledge base, and the book it draws on: APA 7, MLA 9
and Chicago 17 (bibliography) text, BibTeX (bibtexparser), RIS (rispy), CSL-JSON.

Every format is built from one `PageCitation`, so they always agree with each
other and with the page's metadata.
"""

import datetime
from dataclasses import dataclass, field

import bibtexparser
import rispy
from bibtexparser import model as bib
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from .site import absolute

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# MLA 9 abbreviates months longer than four letters.
MLA_MONTHS = [
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]


def _mdy(d):
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def _dmy_mla(d):
    return f"{d.day} {MLA_MONTHS[d.month - 1]} {d.year}"


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def _closed(text, mark="."):
    """`text` ending in a full stop, unless it already ends in punctuation."""
    return text if text.endswith((".", "?", "!")) else text + mark


class Styled:
    """A citation as plain text and as HTML with italic titles."""

    def __init__(self):
        self._parts = []

    def add(self, text, italic=False):
        self._parts.append((text, italic))
        return self

    @property
    def text(self):
        return "".join(text for text, _italic in self._parts)

    @property
    def html(self):
        return mark_safe(
            "".join(
                f"<i>{escape(text)}</i>" if italic else escape(text)
                for text, italic in self._parts
            )
        )

    def __str__(self):
        return self.text


# The page itself ------------------------------------------------------------------


@dataclass(frozen=True)
class PageCitation:
    """What a citation of one version of one page says."""

    title: str
    kind_label: str
    updated: datetime.date
    accessed: datetime.date
    url: str  # absolute permalink of the version being read
    key: str
    version: int | None = None
    language: str = "en"
    author: str = field(default_factory=lambda: settings.SITE_NAME)

    @property
    def publisher(self):
        return settings.SITE_NAME


def page_citation(kind, slug, title, updated, path, version=None, accessed=None):
    """The citation of a page read at `path` (its version permalink)."""
    key = f"kb-{kind.key}-{slugify(slug) or 'record'}"
    if version:
        key += f"-v{version}"
    return PageCitation(
        title=title,
        kind_label=kind.label,
        updated=_as_date(updated),
        accessed=accessed or timezone.localdate(),
        url=absolute(path),
        key=key,
        version=version,
    )


def page_apa(c):
    # APA 7 leaves out the site name when it is also the author, and gives a
    # retrieval date for pages designed to change.
    return (
        Styled()
        .add(f"{c.author}. ({c.updated.year}, {MONTHS[c.updated.month - 1]} ")
        .add(f"{c.updated.day}). ")
        .add(c.title, italic=True)
        .add(f"{'' if c.title.endswith(('.', '?', '!')) else '.'} ")
        .add(f"Retrieved {_mdy(c.accessed)}, from {c.url}")
    )


def page_mla(c):
    # MLA 9 skips an author who is also the publisher and names the site as the
    # container instead; the access date closes a page that can change.
    return (
        Styled()
        .add(f"“{_closed(c.title)}” ")
        .add(c.author, italic=True)
        .add(f", {_dmy_mla(c.updated)}, {c.url}. Accessed {_dmy_mla(c.accessed)}.")
    )


def page_chicago(c):
    return Styled().add(
        f"{c.author}. “{_closed(c.title)}” Last modified {_mdy(c.updated)}. "
        f"Accessed {_mdy(c.accessed)}. {c.url}."
    )


STYLES = [
    ("apa", "APA 7"),
    ("mla", "MLA 9"),
    ("chicago", "Chicago 17 (bibliography)"),
]


def _in_every_style(record, formats):
    """`record` cited in each of STYLES, in order; `formats` maps a key to the
    function that writes it."""
    return [
        {"key": key, "label": label, "citation": formats[key](record)}
        for key, label in STYLES
    ]


def page_styles(c):
    return _in_every_style(
        c, {"apa": page_apa, "mla": page_mla, "chicago": page_chicago}
    )


# Only the characters LaTeX treats as commands are escaped; other Unicode stays as it
# is, which biber, Zotero and JabRef all read.
_LATEX_SPECIALS = UnicodeToLatexConversionRule(
    rule_type=RULE_DICT,
    rule={
        ord("\\"): r"\textbackslash{}",
        ord("&"): r"\&",
        ord("%"): r"\%",
        ord("$"): r"\$",
        ord("#"): r"\#",
        ord("_"): r"\_",
        ord("{"): r"\{",
        ord("}"): r"\}",
        ord("~"): r"\textasciitilde{}",
        ord("^"): r"\textasciicircum{}",
    },
)


def _latex_encoder():
    return UnicodeToLatexEncoder(
        conversion_rules=[_LATEX_SPECIALS],
        unknown_char_policy="keep",
        unknown_char_warning=False,
        replacement_latex_protection="none",
    )


def page_bibtex(c):
    """A BibTeX (biblatex-compatible) @misc entry, written by bibtexparser."""
    latex = _latex_encoder().unicode_to_latex
    note = (
        f"Version {c.version}, last updated " if c.version else "Last updated "
    ) + f"{_mdy(c.updated)}. {c.kind_label}."
    fields = [
        # Double braces keep an organization whole: no "first name" is split off.
        bib.Field("author", "{" + latex(c.author) + "}"),
        bib.Field("title", latex(c.title)),
        bib.Field("year", str(c.updated.year)),
        bib.Field("date", c.updated.isoformat()),
        # No publisher or container: the site is the author, and APA (through
        # any CSL processor) would print its name again for each.
        # A URL is read verbatim (url package, biber): it is never escaped.
        bib.Field("url", c.url),
    ]
    if c.version:
        fields.append(bib.Field("version", str(c.version)))
    fields += [
        bib.Field("urldate", c.accessed.isoformat()),
        bib.Field("language", c.language),
        bib.Field("note", latex(note)),
    ]
    library = bibtexparser.Library([bib.Entry("misc", c.key, fields)])
    return bibtexparser.write_string(library)


class _RisWriter(rispy.RisWriter):
    """RIS without rispy's numbered header line, which RIS does not define."""

    def set_header(self, count):
        return ""


def page_ris_record(c):
    record = {
        "type_of_reference": "ELEC",
        "id": c.key,
        # One AU line for the organization, with no comma: a comma would make
        # reference managers read "Last, First". No T2 (website) or PB: the site
        # is the author, and APA would print its name again for each.
        "authors": [c.author.replace(",", "")],
        "title": c.title,
        "year": str(c.updated.year),
        "date": c.updated.strftime("%Y/%m/%d"),
        "access_date": c.accessed.strftime("%Y/%m/%d"),
        "urls": [c.url],
        "language": c.language,
        "type_of_work": c.kind_label,
    }
    if c.version:
        record["edition"] = f"Version {c.version}"
    return record


def page_ris(c):
    return rispy.dumps([page_ris_record(c)], implementation=_RisWriter)


def page_csl(c):
    """CSL-JSON: a list with one item, as citeproc processors and Zotero expect.

    The site is the author, so it is not also the container or the publisher:
    APA prints a webpage's site name after the title unless it is the author,
    and CSL processors print every name they are given.
    """
    item = {
        "id": c.key,
        "type": "webpage",
        "title": c.title,
        "author": [{"literal": c.author}],
        "genre": c.kind_label,
        "issued": {"date-parts": [[c.updated.year, c.updated.month, c.updated.day]]},
        "accessed": {
            "date-parts": [[c.accessed.year, c.accessed.month, c.accessed.day]]
        },
        "URL": c.url,
        "language": c.language,
    }
    if c.version:
        item["version"] = str(c.version)
    return [item]


# The book a page draws on ------------------------------------------------------------


def _authors(source):
    """Personal authors as (last, first) pairs, or None for an organization."""
    names = [a.strip() for a in (source.authors or "").split(";") if a.strip()]
    pairs = []
    for name in names:
        last, _, first = name.partition(",")
        pairs.append((last.strip(), first.strip()))
    return pairs


def _initials(first):
    return " ".join(f"{part[0]}." for part in first.replace("-", " ").split() if part)


def _org_name(source):
    return source.organization.name if source.organization_id else ""


def book_apa(source):
    pairs = _authors(source)
    if pairs:
        names = [
            f"{last}, {_initials(first)}" if first else last for last, first in pairs
        ]
        who = (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
        )
    else:
        who = _org_name(source)
    year = source.year or "n.d."
    styled = Styled()
    if who:
        styled.add(f"{_closed(who)} ({year}). ")
    styled.add(source.title, italic=True)
    if not who:
        styled.add(f". ({year})")
    styled.add("." if not source.title.endswith(("?", "!")) else "")
    if source.publisher:
        styled.add(f" {_closed(source.publisher)}")
    return styled


def _mla_who(pairs):
    if not pairs:
        return ""
    first_last, first_first = pairs[0]
    lead = f"{first_last}, {first_first}" if first_first else first_last
    if len(pairs) == 1:
        return lead
    if len(pairs) == 2:
        last, first = pairs[1]
        return f"{lead}, and {first} {last}".strip()
    return f"{lead}, et al"


def _chicago_who(pairs):
    if not pairs:
        return ""
    first_last, first_first = pairs[0]
    names = [f"{first_last}, {first_first}" if first_first else first_last]
    names += [f"{first} {last}".strip() for last, first in pairs[1:]]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _book_mla_or_chicago(source, who):
    styled = Styled()
    if who:
        styled.add(f"{_closed(who)} ")
    styled.add(source.title, italic=True)
    styled.add(". " if not source.title.endswith(("?", "!")) else " ")
    if source.publisher:
        styled.add(f"{source.publisher}, ")
    styled.add(f"{source.year or 'n.d.'}.")
    return styled


def book_mla(source):
    return _book_mla_or_chicago(source, _mla_who(_authors(source)) or _org_name(source))


def book_chicago(source):
    return _book_mla_or_chicago(
        source, _chicago_who(_authors(source)) or _org_name(source)
    )


def book_in_text(source, locator):
    """Where in the book: APA and MLA parenthetical citations, a Chicago note."""
    pairs = _authors(source)
    surname = pairs[0][0] if pairs else (_org_name(source) or source.title)
    if len(pairs) == 2:
        surname = f"{pairs[0][0]} & {pairs[1][0]}"
    elif len(pairs) > 2:
        surname = f"{pairs[0][0]} et al."
    year = source.year or "n.d."
    apa = f"({surname}, {year}" + (f", “{locator}” section)" if locator else ")")
    mla = f"({surname.replace(' & ', ' and ')}" + (
        f", sec. “{locator}”)" if locator else ")"
    )
    full = " ".join(f"{first} {last}".strip() for last, first in pairs[:1])
    chicago = Styled()
    if full:
        chicago.add(f"{full}, ")
    chicago.add(source.title, italic=True)
    chicago.add(f" ({year})")
    chicago.add(f", “{_closed(locator)}”" if locator else ".")
    return {"apa": apa, "mla": mla, "chicago": chicago}


def drawn_from(citations):
    """The books a page draws on, each with the sections it cites: `citations` are
    (source, locator) pairs; a source reported in a book is cited through it."""
    books = {}
    for source, locator in citations:
        book, where = source, locator
        if source.reported_in_id and source.reported_in.is_published:
            book, where = source.reported_in, locator or source.locator
        entry = books.setdefault(book.pk, {"book": book, "locators": []})
        if where and where not in entry["locators"]:
            entry["locators"].append(where)
    result = []
    for entry in books.values():
        book = entry["book"]
        result.append(
            {
                "book": book,
                "styles": _in_every_style(
                    book, {"apa": book_apa, "mla": book_mla, "chicago": book_chicago}
                ),
                "sections": [
                    {"locator": loc, **book_in_text(book, loc)}
                    for loc in entry["locators"] or [""]
                ],
            }
        )
    return result
