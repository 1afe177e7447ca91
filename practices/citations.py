"""How to cite a page of the knowledge base, and the original source it draws on:
APA 7, MLA 9 and Chicago 17 (bibliography) text, BibTeX (bibtexparser), RIS (rispy),
CSL-JSON.

A page's formats are all built from one `PageCitation`, and an original source's
from its `Source` record, so each set agrees with itself; every download of either
is written by the same `_bibtex` and `_ris` writers.
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

from .references import short_title
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


def page_citation(
    kind, slug, title, updated, path, version=None, accessed=None, language="en"
):
    """The citation of a page read at `path` (its version permalink), whose text is
    in `language` (a translation, or the English original)."""
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
        language=language,
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
    return _bibtex("misc", c.key, fields)


def _bibtex(entry_type, key, fields):
    """One entry written by bibtexparser: every BibTeX download goes through here."""
    library = bibtexparser.Library([bib.Entry(entry_type, key, fields)])
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


def _ris(record):
    """One RIS record: every RIS download goes through here."""
    return rispy.dumps([record], implementation=_RisWriter)


def page_ris(c):
    return _ris(page_ris_record(c))


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


# The original source: a book, or a work known only through it ------------------------
#
# A full reference holds only what the knowledge base records about the source;
# a field it does not record (publisher, place, DOI…) is left out, never guessed.
# A work whose `reported_in` is a published book is cited "as cited in" that book.


def _authors(source):
    """Personal authors as (last, first) pairs; empty for an organization."""
    names = [a.strip() for a in (source.authors or "").split(";") if a.strip()]
    pairs = []
    for name in names:
        last, _, first = name.partition(",")
        pairs.append((last.strip(), first.strip()))
    return pairs


def person_names(source):
    """The personal authors as written in running text: "Benjamin Perrin"."""
    return [f"{first} {last}".strip() for last, first in _authors(source)]


def _initials(first):
    return " ".join(f"{part[0]}." for part in first.replace("-", " ").split() if part)


def organization_name(source):
    """The producing organization, when the site shows it (published)."""
    if source.organization_id and source.organization.is_published:
        return source.organization.name
    return ""


def reported_in(source):
    """The published work `source` is known through, or None."""
    if source.reported_in_id and source.reported_in.is_published:
        return source.reported_in
    return None


def _ends_open(text):
    return not text.endswith((".", "?", "!"))


def _apa_who(source):
    pairs = _authors(source)
    if not pairs:
        return organization_name(source)
    names = [f"{last}, {_initials(first)}" if first else last for last, first in pairs]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _apa_reference(source, styled):
    who = _apa_who(source)
    year = source.year or "n.d."
    if who:
        styled.add(f"{_closed(who)} ({year}). ")
    styled.add(source.title, italic=True)
    if not who:
        styled.add(f". ({year})")
    styled.add("." if _ends_open(source.title) or not who else "")
    if source.publisher:
        styled.add(f" {_closed(source.publisher)}")
    if source.url:
        styled.add(f" {source.url}")
    return styled


def _short_work(book, styled, with_title):
    """The book a work is known through, short ("Perrin (2010)", or with its short
    title): its full reference is on its own page, and a page names the book's
    full title once."""
    pairs = _authors(book)
    who = _surname(book).replace(" & ", " and ") if pairs else organization_name(book)
    year = book.year or "n.d."
    if who and not with_title:
        return styled.add(f"{who} ({year}).")
    if who:
        styled.add(f"{who}, ")
    return styled.add(short_title(book), italic=True).add(f", {year}.")


def book_apa(source):
    """APA 7 reference; a work known through a book adds "As cited in" the book."""
    styled = _apa_reference(source, Styled())
    book = reported_in(source)
    if book is not None:
        _short_work(book, styled.add(" As cited in "), with_title=False)
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


def _mla_or_chicago_reference(source, who, styled):
    if who:
        styled.add(f"{_closed(who)} ")
    styled.add(source.title, italic=True)
    styled.add(". " if _ends_open(source.title) else " ")
    if source.publisher:
        styled.add(f"{source.publisher}, ")
    styled.add(f"{source.year}." if source.year else "n.d.")
    if source.url:
        styled.add(f" {source.url}.")
    return styled


def _mla_or_chicago(source, who_of):
    who = who_of(_authors(source)) or organization_name(source)
    styled = _mla_or_chicago_reference(source, who, Styled())
    book = reported_in(source)
    if book is not None:
        # MLA 9 and Chicago 17 (14.260) both name the work read as "cited in".
        _short_work(book, styled.add(" Cited in "), with_title=True)
    return styled


def book_mla(source):
    return _mla_or_chicago(source, _mla_who)


def book_chicago(source):
    return _mla_or_chicago(source, _chicago_who)


def reference_styles(source):
    """The full reference of `source` in each of STYLES."""
    return _in_every_style(
        source, {"apa": book_apa, "mla": book_mla, "chicago": book_chicago}
    )


def _surname(source):
    pairs = _authors(source)
    if len(pairs) == 2:
        return f"{pairs[0][0]} & {pairs[1][0]}"
    if len(pairs) > 2:
        return f"{pairs[0][0]} et al."
    return pairs[0][0] if pairs else (organization_name(source) or short_title(source))


def _chicago_note(source, styled, short=False):
    """A Chicago note's first part; `short`: the shortened form (surname, short
    title) of a work cited in full elsewhere."""
    pairs = _authors(source)
    if short:
        who = pairs[0][0] if pairs else organization_name(source)
        if who:
            styled.add(f"{who}, ")
        return styled.add(short_title(source), italic=True)
    full = " ".join(f"{first} {last}".strip() for last, first in pairs[:1])
    full = full or organization_name(source)
    if full:
        styled.add(f"{full}, ")
    styled.add(source.title, italic=True)
    styled.add(f" ({source.year or 'n.d.'})")
    return styled


def book_in_text(source, locator, via=None):
    """Where in the book: APA and MLA parenthetical citations, a Chicago note.
    `via` is the work the book reports, cited "as cited in" the book."""
    surname = _surname(source)
    year = source.year or "n.d."
    where = f", “{locator}” section" if locator else ""
    mla_where = f", sec. “{locator}”" if locator else ""
    mla_name = surname.replace(" & ", " and ")
    chicago = Styled()
    if via is None:
        apa = f"({surname}, {year}{where})"
        mla = f"({mla_name}{mla_where})"
    else:
        apa = (
            f"({_surname(via)}, {via.year or 'n.d.'}, "
            f"as cited in {surname}, {year}{where})"
        )
        mla = f"(qtd. in {mla_name}{mla_where})"
        _chicago_note(via, chicago).add(", cited in ")
    _chicago_note(source, chicago, short=via is not None)
    chicago.add(f", “{_closed(locator)}”" if locator else ".")
    return {"apa": apa, "mla": mla, "chicago": chicago}


def reference_in_text(source):
    """How to cite `source` in the text: through its book when it has one."""
    book = reported_in(source)
    if book is None:
        return book_in_text(source, "")
    return book_in_text(book, source.locator, via=source)


def drawn_from(citations):
    """The books a page draws on, each with the sections it cites: `citations` are
    (source, locator) pairs; a source reported in a book is cited through it."""
    books = {}
    for source, locator in citations:
        book, where = source, locator
        if reported_in(source) is not None:
            book, where = source.reported_in, locator or source.locator
        entry = books.setdefault(book.pk, {"book": book, "locators": []})
        if where and where not in entry["locators"]:
            entry["locators"].append(where)
    return [
        {
            "book": entry["book"],
            "styles": reference_styles(entry["book"]),
            "sections": [
                {"locator": loc, **book_in_text(entry["book"], loc)}
                for loc in entry["locators"] or [""]
            ],
        }
        for entry in books.values()
    ]


# The original source as a reference manager reads it: each kind of source as the
# nearest entry type of each format.
REFERENCE_TYPES = {
    # kind: (BibTeX, RIS, CSL)
    "book": ("book", "BOOK", "book"),
    "study": ("techreport", "RPRT", "report"),
    "audit": ("techreport", "RPRT", "report"),
    "report": ("techreport", "RPRT", "report"),
    "poll": ("misc", "GEN", "dataset"),
    "research": ("misc", "GEN", "document"),
    "statement": ("misc", "GEN", "speech"),
    "law": ("misc", "STAT", "legislation"),
    "webpage": ("misc", "ELEC", "webpage"),
}
_DEFAULT_TYPES = ("misc", "GEN", "document")


def reference_key(source):
    return slugify(source.slug) or f"source-{source.pk}"


def reference_note(source):
    """The "As cited in …" note of a work known through a book, plain text; else
    ""."""
    book = reported_in(source)
    if book is None:
        return ""
    note = f"As cited in {book_apa(book).text}"
    if source.locator:
        note += f" Section “{source.locator}”."
    return note


def reference_bibtex(source):
    latex = _latex_encoder().unicode_to_latex
    entry_type = REFERENCE_TYPES.get(source.kind, _DEFAULT_TYPES)[0]
    pairs = _authors(source)
    org = organization_name(source)
    fields = []
    if pairs:
        names = [f"{last}, {first}" if first else last for last, first in pairs]
        fields.append(bib.Field("author", latex(" and ".join(names))))
    elif org:
        # Double braces keep an organization whole: no "first name" is split off.
        fields.append(bib.Field("author", "{" + latex(org) + "}"))
    fields.append(bib.Field("title", latex(source.title)))
    if source.year:
        fields.append(bib.Field("year", str(source.year)))
    if source.publisher:
        fields.append(bib.Field("publisher", latex(source.publisher)))
    if entry_type == "techreport" and pairs and org:
        fields.append(bib.Field("institution", latex(org)))
    if source.isbn:
        fields.append(bib.Field("isbn", source.isbn))
    if source.url:
        fields.append(bib.Field("url", source.url))
    fields.append(bib.Field("language", source.language))
    if note := reference_note(source):
        fields.append(bib.Field("note", latex(note)))
    return _bibtex(entry_type, reference_key(source), fields)


def reference_ris_record(source):
    pairs = _authors(source)
    org = organization_name(source)
    record = {
        "type_of_reference": REFERENCE_TYPES.get(source.kind, _DEFAULT_TYPES)[1],
        "id": reference_key(source),
    }
    if pairs:
        record["authors"] = [
            f"{last}, {first}" if first else last for last, first in pairs
        ]
    elif org:
        # No comma: reference managers would read "Last, First".
        record["authors"] = [org.replace(",", "")]
    record["title"] = source.title
    if source.year:
        record["year"] = str(source.year)
    if source.publisher:
        record["publisher"] = source.publisher
    if source.isbn:
        record["issn"] = source.isbn  # RIS SN holds an ISBN or an ISSN
    if source.url:
        record["urls"] = [source.url]
    record["language"] = source.language
    if note := reference_note(source):
        record["notes"] = [note]
    return record


def reference_ris(source):
    return _ris(reference_ris_record(source))


def reference_csl(source):
    pairs = _authors(source)
    org = organization_name(source)
    item = {
        "id": reference_key(source),
        "type": REFERENCE_TYPES.get(source.kind, _DEFAULT_TYPES)[2],
        "title": source.title,
    }
    if pairs:
        item["author"] = [
            {"family": last, "given": first} if first else {"literal": last}
            for last, first in pairs
        ]
    elif org:
        item["author"] = [{"literal": org}]
    if source.year:
        item["issued"] = {"date-parts": [[source.year]]}
    if source.publisher:
        item["publisher"] = source.publisher
    if source.isbn:
        item["ISBN"] = source.isbn
    if source.url:
        item["URL"] = source.url
    item["language"] = source.language
    if note := reference_note(source):
        item["note"] = note
    return [item]
