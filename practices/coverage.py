"""What is recorded where: the compare matrix (themes × chosen jurisdictions) and the
evidence gap map (themes and the most used tags × countries).

Both count in a fixed number of grouped queries, whatever the amount of content, and
both put initiatives and findings under a theme by the one rule of the models
(`Initiative.objects.in_theme`, `Finding.objects.in_theme`).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Q,
    Value,
)
from django.db.models.functions import StrIndex, Substr
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import (
    Basis,
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Status,
    TaggedInitiative,
    TaggedPractice,
    Theme,
)
from .selectors import counts_cached, within

# How many tags get a row of their own on the gap map.
TOP_TAGS = 10
# How many records of each kind a matrix cell lists; its counts link to the rest.
CELL_LIST_LIMIT = 8

# Short names for the compact count lines (a cell is narrow); the page's key gives
# the full names of the rubric (Basis labels).
BASIS_SHORT = {
    Basis.EVALUATION: _("outcome evaluation"),
    Basis.AUDIT: _("audit"),
    Basis.RESEARCH: _("research"),
    Basis.OFFICIAL: _("official figures"),
    Basis.PROGRAMME: _("programme’s figures"),
    Basis.POLL: _("poll"),
    Basis.AUTHOR: _("author’s assessment"),
    Basis.TESTIMONY: _("testimony"),
}
NO_BASIS_SHORT = _("unclassified")
NO_BASIS_LABEL = _("Type of support not recorded yet")

# Heat classes by number of records in a cell (practices, initiatives and findings
# together): (lowest count of the class, its CSS class, how the key reads).
HEAT_BINS = [
    (12, "heat-4", _("12 or more")),
    (6, "heat-3", _("6 to 11")),
    (3, "heat-2", _("3 to 5")),
    (1, "heat-1", _("1 or 2")),
]


def basis_key():
    """Each type of support with its short and full name, in the rubric's order,
    then findings without one."""
    return [(value, BASIS_SHORT[value], label) for value, label in Basis.choices] + [
        ("", NO_BASIS_SHORT, NO_BASIS_LABEL)
    ]


def heat_key():
    return [(css, text) for _low, css, text in reversed(HEAT_BINS)]


@dataclass
class Tally:
    """How many practices, initiatives and findings one cell holds, the findings
    also by type of support (Finding.basis)."""

    practices: int = 0
    initiatives: int = 0
    findings: int = 0
    basis: Counter = field(default_factory=Counter)
    # On the gap map: the cell's country, and its lists' query string.
    country: Jurisdiction | None = None
    query: str = ""

    @property
    def total(self):
        return self.practices + self.initiatives + self.findings

    @property
    def heat(self):
        for low, css, _text in HEAT_BINS:
            if self.total >= low:
                return css
        return "heat-0"

    def by_basis(self):
        """(short name, full name, count) for each type of support present."""
        return [
            (short, label, self.basis[value])
            for value, short, label in basis_key()
            if self.basis[value]
        ]


def country_key(path_field):
    """The first id of a materialized path ("/12/34/" gives "12"): the country a
    record lies in, computed by the database so that counts group by country and
    a country takes in its states and cities."""
    rest = Substr(path_field, 2)
    return Substr(rest, 1, StrIndex(rest, Value("/")) - 1)


def theme_flags(queryset):
    """One true/false annotation per theme: whether the row counts under it. The
    rule is tested on `queryset`'s rows only (the chosen jurisdictions')."""
    return {
        f"in_{value}": ExpressionWrapper(
            Q(pk__in=queryset.in_theme(value).values("pk")),
            output_field=BooleanField(),
        )
        for value in Theme.values
    }


def _theme_counts(model):
    """Counts per theme, as columns of one grouped query over every row: each
    theme's rows as one set (`in_theme`), which the database computes once and
    hashes."""
    return {
        value: Count("pk", filter=Q(pk__in=model.objects.in_theme(value).values("pk")))
        for value in Theme.values
    }


# The evidence gap map --------------------------------------------------------------


def gap_map():
    """Rows for the themes and the most used tags, columns for the countries with
    published content; each cell a Tally with the query string of its lists.

    Nine queries: three grouped counts for the themes, two for the top tags, three
    grouped counts for them, and the countries; seconds at 100,000 practices, so
    kept with the other counts over everything published (until one may change).
    Labels stay lazy: one copy serves every language.
    """
    return counts_cached("gap-map", _gap_map)


def gap_map_page():
    """gap_map(), with its tables rendered in the page's language (`tables`).

    At 100,000 practices the tables hold 825 cells of three counted, labelled links
    each, and rendering them took most of a second (bench/README.md, eleventh
    round). They show only what gap_map() holds (counts, the names of countries
    and tags, themes), so they are kept with those counts: one copy per language,
    rendered again when a change may alter a count. The counts are read inside the
    computation, after the generation the copy is kept under, so a copy is never
    older than its generation.
    """

    def compute():
        gaps = gap_map()
        tables = ""
        if gaps["countries"]:
            tables = render_to_string("includes/gap_tables.html", gaps)
        return {**gaps, "tables": tables}

    page = counts_cached(f"gap-map-page:{get_language()}", compute)
    # The template's output, escaped there.
    return {**page, "tables": mark_safe(page["tables"])}


def _gap_map():
    themes = defaultdict(Tally)  # (theme, country id) → Tally
    # (None, country id) → everything published there, under a theme or not (a
    # finding reported for no initiative counts under none).
    totals = defaultdict(Tally)
    countries = set()

    practices = (
        BestPractice.objects.published()
        .order_by()
        .annotate(country=country_key("jurisdiction__path"))
        .values_list("theme", "country")
        .annotate(n=Count("pk"))
    )
    for theme, country, n in practices:
        themes[theme, country].practices += n
        totals[None, country].practices += n
        countries.add(country)

    initiatives = (
        Initiative.objects.published()
        .order_by()
        .annotate(country=country_key("jurisdiction__path"))
        .values("country")
        .annotate(n=Count("pk"), **_theme_counts(Initiative))
    )
    for row in initiatives:
        countries.add(row["country"])
        totals[None, row["country"]].initiatives += row["n"]
        for value in Theme.values:
            themes[value, row["country"]].initiatives += row[value]

    findings = (
        Finding.objects.published()
        .order_by()
        .annotate(country=country_key("jurisdiction__path"))
        .values("country", "basis")
        .annotate(n=Count("pk"), **_theme_counts(Finding))
    )
    for row in findings:
        countries.add(row["country"])
        totals[None, row["country"]].findings += row["n"]
        totals[None, row["country"]].basis[row["basis"]] += row["n"]
        for value in Theme.values:
            tally = themes[value, row["country"]]
            tally.findings += row[value]
            tally.basis[row["basis"]] += row[value]

    tags = top_tags()
    by_tag = _tag_tallies([tag.pk for tag in tags])
    columns = list(
        Jurisdiction.objects.published().filter(
            parent__isnull=True,
            pk__in=[int(c) for c in countries if c and c.isdigit()] or [0],
        )
    )
    # The countries with most records first: on a narrow screen they come into
    # view first.
    columns.sort(key=lambda c: (-totals[None, str(c.pk)].total, c.name))

    def row(label, key, value, tallies, lookup):
        cells = []
        for country in columns:
            tally = tallies.get((lookup, str(country.pk))) or Tally()
            tally.country = country
            params = {"jurisdiction": country.slug}
            if key:
                params[key] = value
            tally.query = urlencode(params)
            cells.append(tally)
        return {"label": label, "key": key, "value": value, "cells": cells}

    return {
        "countries": columns,
        "theme_rows": [
            row(label, "theme", value, themes, value) for value, label in Theme.choices
        ],
        "total_row": row(_("Everything recorded"), None, None, totals, None),
        "tag_rows": [row(tag.name, "tag", tag.slug, by_tag, tag.pk) for tag in tags],
    }


def top_tags(limit=TOP_TAGS):
    """The tags most used by published practices and initiatives together, as
    (id, name, slug) rows: one grouped count of each kind's tag links."""
    uses = Counter()
    names = {}
    for through in (TaggedPractice, TaggedInitiative):
        rows = (
            through.objects.filter(content_object__status=Status.PUBLISHED)
            .order_by()
            .values_list("tag", "tag__name", "tag__slug")
            .annotate(n=Count("*"))
        )
        for pk, name, slug, n in rows:
            uses[pk] += n
            names[pk] = Tag(pk=pk, name=name, slug=slug)
    ranked = sorted(uses, key=lambda pk: (-uses[pk], names[pk].name))
    return [names[pk] for pk in ranked[:limit]]


def _tag_tallies(tag_ids):
    """(tag id, country id) → Tally, in three grouped queries. A finding counts
    under its initiative's tags (findings carry none of their own), as the
    findings list filters them."""
    tallies = defaultdict(Tally)
    if not tag_ids:
        return tallies
    for through, attribute in [
        (TaggedPractice, "practices"),
        (TaggedInitiative, "initiatives"),
    ]:
        rows = (
            through.objects.filter(
                tag__in=tag_ids, content_object__status=Status.PUBLISHED
            )
            .order_by()
            .annotate(country=country_key("content_object__jurisdiction__path"))
            .values_list("tag", "country")
            .annotate(n=Count("*"))
        )
        for tag, country, n in rows:
            setattr(tallies[tag, country], attribute, n)
    findings = (
        Finding.objects.published()
        .filter(initiative__tags__in=tag_ids)
        .order_by()
        .annotate(country=country_key("jurisdiction__path"))
        .values_list("initiative__tags", "country", "basis")
        .annotate(n=Count("pk"))
    )
    for tag, country, basis, n in findings:
        tallies[tag, country].findings += n
        tallies[tag, country].basis[basis] += n
    return tallies


# The compare matrix ----------------------------------------------------------------


def compare_matrix(jurisdictions):
    """For each theme, what each chosen jurisdiction (with everything within it)
    records: its practices, the initiatives and findings that count under the theme,
    and their tally. Three queries, whatever the number of rows."""
    if not jurisdictions:
        return []
    where = Q()
    for jurisdiction in jurisdictions:
        where |= within(jurisdiction)
    practices = list(
        BestPractice.objects.published()
        .filter(where)
        .select_related("jurisdiction")
        .only("slug", "title", "theme", "jurisdiction__path", "jurisdiction__name")
        .order_by("position", "title")
    )
    initiatives = Initiative.objects.published().filter(where)
    initiatives = list(
        initiatives.select_related("jurisdiction")
        .only("slug", "title", "role", "jurisdiction__path", "jurisdiction__name")
        .annotate(**theme_flags(initiatives))
        .order_by("title")
    )
    findings = Finding.objects.published().filter(where)
    findings = list(
        findings.select_related("jurisdiction")
        .only("slug", "title", "basis", "jurisdiction__path", "jurisdiction__name")
        .annotate(**theme_flags(findings))
        .order_by("title")
    )
    rows = []
    for value, label in Theme.choices:
        cells = []
        for jurisdiction in jurisdictions:

            def here(record, jurisdiction=jurisdiction):
                return record.jurisdiction.path.startswith(jurisdiction.path)

            cell = {
                "jurisdiction": jurisdiction,
                "practices": [p for p in practices if p.theme == value and here(p)],
                "initiatives": [
                    i for i in initiatives if getattr(i, f"in_{value}") and here(i)
                ],
                "findings": [
                    f for f in findings if getattr(f, f"in_{value}") and here(f)
                ],
            }
            cell["tally"] = Tally(
                practices=len(cell["practices"]),
                initiatives=len(cell["initiatives"]),
                findings=len(cell["findings"]),
                basis=Counter(f.basis for f in cell["findings"]),
            )
            cell["query"] = urlencode(
                {"jurisdiction": jurisdiction.slug, "theme": value}
            )
            for kind in ("practices", "initiatives", "findings"):
                cell[f"shown_{kind}"] = cell[kind][:CELL_LIST_LIMIT]
                cell[f"more_{kind}"] = max(len(cell[kind]) - CELL_LIST_LIMIT, 0)
            cells.append(cell)
        rows.append({"theme": value, "label": label, "cells": cells})
    return rows
