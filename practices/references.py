"""A page's numbered references, the scholarly way: every statement, figure table,
quotation or recommendation carries a marker ([1]) linking to the page's References
list, where each source appears once with the sections cited grouped under it, and
each section links back to the markers that cite it.

One `PageReferences` is made per rendered page (practices.context_processors); the
`{% ref %}` tags (templatetags/kb_refs.py) number citations in reading order as the
page renders, and base.html prints the list after the page's content.
"""

from dataclasses import dataclass, field
from string import ascii_lowercase

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass
class Marker:
    """One place on the page that cites a source (one [n]), at one or more of its
    sections."""

    entry: "Entry"
    sections: list
    use: int  # 1-based, counted over the whole entry

    @property
    def anchor(self):
        return f"cite-{self.entry.number}-{self.use}"

    @property
    def target(self):
        """The section cited, or the whole entry when the marker cites several."""
        return self.sections[0].anchor if len(self.sections) == 1 else self.entry.anchor

    @property
    def label(self):
        """What a screen reader announces: 'Reference 1, section “…”'."""
        located = [f"“{s.locator}”" for s in self.sections if s.locator]
        if not located:
            return _("Reference %(number)s") % {"number": self.entry.number}
        return ngettext(
            "Reference %(number)s, section %(sections)s",
            "Reference %(number)s, sections %(sections)s",
            len(located),
        ) % {"number": self.entry.number, "sections": ", ".join(located)}

    @property
    def letter(self):
        """a, b, …, z, aa, ab, …: the backlink's text when a source is cited more
        than once (as Wikipedia does)."""
        n, letters = self.use, ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = ascii_lowercase[rest] + letters
        return letters


@dataclass
class Section:
    """One locator (section heading) of a source, with the markers citing it."""

    entry: "Entry"
    number: int
    locator: str
    markers: list = field(default_factory=list)

    @property
    def anchor(self):
        return f"ref-{self.entry.number}-{self.number}"


@dataclass
class Entry:
    """One source in the References list."""

    number: int
    source: object
    sections: list = field(default_factory=list)
    uses: int = 0

    @property
    def anchor(self):
        return f"ref-{self.number}"

    def section(self, locator):
        for section in self.sections:
            if section.locator == locator:
                return section
        section = Section(self, len(self.sections) + 1, locator)
        self.sections.append(section)
        return section


class PageReferences:
    """The citations of one page, numbered in the order the page first cites each
    source."""

    def __init__(self):
        self._entries = {}

    def cite(self, source, *locators):
        """A marker citing `source` at each of `locators` (none: the whole work)."""
        entry = self._entries.get(source.pk)
        if entry is None:
            entry = Entry(len(self._entries) + 1, source)
            self._entries[source.pk] = entry
        # Without a section of its own, a citation of a reported work points to
        # where the reporting book reports it (Source.locator).
        wanted = [loc or source.locator or "" for loc in locators or [""]]
        sections = [entry.section(loc) for loc in dict.fromkeys(wanted)]
        entry.uses += 1
        marker = Marker(entry, sections, entry.uses)
        for section in sections:
            section.markers.append(marker)
        return marker

    @property
    def entries(self):
        return list(self._entries.values())

    def __bool__(self):
        return bool(self._entries)


def short_title(source):
    """A title without its subtitle, as shortened notes give it: 'Invisible
    Chains'."""
    return source.title.split(": ", 1)[0]


def author_year(source):
    """'Perrin (2010)' for a source with personal authors, else '' (the reader
    then needs the title)."""
    surnames = [
        name.split(",", 1)[0].strip()
        for name in (source.authors or "").split(";")
        if name.strip()
    ]
    if not surnames:
        return ""
    who = surnames[0] if len(surnames) < 3 else f"{surnames[0]} et al."
    if len(surnames) == 2:
        who = f"{surnames[0]} and {surnames[1]}"
    return f"{who} ({source.year or 'n.d.'})"


def reading_work(source):
    """The work a reader would open to check a citation: the book a study is
    reported in, else the source itself."""
    if source.reported_in_id and source.reported_in.is_published:
        return source.reported_in
    return source
