"""Open data: the columns of each CSV/JSON export, written as streams so memory
stays flat however many rows there are. The data dictionary page is built from the
same column definitions, so it always describes what the files hold.

On PostgreSQL each export is one query, whatever its size: the many-valued columns
(tags, sources, initiatives, lead organizations, figures) come as arrays built in
the database next to each row, read through a server-side cursor. Other databases
(SQLite) prefetch them per chunk of rows, a few queries per thousand rows.
"""

import csv
import datetime
import decimal
import json
import re
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import CharField, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast, JSONObject
from django.utils import translation
from taggit.models import Tag

from .. import languages
from ..charts import figure_line
from ..models import (
    Basis,
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    InitiativeSource,
    Jurisdiction,
    Organization,
    PracticeSource,
    Quotation,
    Source,
    Status,
    TaggedInitiative,
    TaggedPractice,
)
from ..site import absolute, site_url
from ..translation import TRANSLATED_FIELDS
from . import package

CHUNK = 1000
# A byte-order mark tells spreadsheet programs (Excel above all) the file is UTF-8.
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    get: object  # record -> value (str, int, list, dict or None)


@dataclass(frozen=True)
class SourceRef:
    slug: str
    title: str
    locator: str

    def __str__(self):
        return (
            f"{self.title} (section “{self.locator}”)" if self.locator else self.title
        )

    def as_json(self):
        return {"source": self.slug, "title": self.title, "locator": self.locator}


def _url(obj):
    return absolute(obj.get_absolute_url())


def _when(value):
    return value.isoformat() if value else None


def _published(obj):
    return obj is not None and obj.status == Status.PUBLISHED


def _slug_if_published(obj):
    return obj.slug if _published(obj) else None


def _sources(obj):
    if hasattr(obj, "export_sources"):  # built by the database (PostgreSQL)
        return [
            SourceRef(s["slug"], s["title"], s["locator"]) for s in obj.export_sources
        ]
    return [SourceRef(c.source.slug, c.source.title, c.locator) for c in obj.citations]


def _tags(obj):
    if hasattr(obj, "export_tags"):
        return sorted(obj.export_tags)
    return sorted(tag.name for tag in obj.shown_tags())


def _initiative_slugs(obj):
    if hasattr(obj, "export_initiative_slugs"):
        return list(obj.export_initiative_slugs)
    return [i.slug for i in obj.export_initiatives]


def _lead_names(obj):
    if hasattr(obj, "export_lead_names"):
        return list(obj.export_lead_names)
    return [org.name for org in obj.export_leads]


def _figures(obj):
    if hasattr(obj, "export_figures"):
        # Numbers travel as text so they keep their decimals exactly.
        figures = [
            SimpleNamespace(
                **{
                    **f,
                    "value": decimal.Decimal(f["value"]),
                    "value_max": (
                        decimal.Decimal(f["value_max"]) if f["value_max"] else None
                    ),
                }
            )
            for f in obj.export_figures
        ]
    else:
        figures = obj.figures.all()
    return [figure_line(f) for f in figures]


def _with_languages(model, columns):
    """`columns` with each translated text followed by `<name>_lang`, the language
    it is given in: the one asked for (?lang=, or the address's) where a curator
    translated it, else the English original. The text columns read the active
    language (the export activates the one asked for)."""
    translated = TRANSLATED_FIELDS[model]
    result = []
    for column in columns:
        result.append(column)
        if column.name in translated:
            result.append(
                Column(
                    f"{column.name}_lang",
                    f"The language of {column.name}: en (the original), fr or es.",
                    partial(languages.language_of, name=column.name),
                )
            )
    return result


def _common_head(kind_url_help):
    return [
        Column("slug", "The record's identifier, as in its page address.", _slug),
        Column("title", "The record's title.", lambda o: o.title),
        Column("url", kind_url_help, _url),
    ]


def _slug(obj):
    return obj.slug


def _jurisdiction_columns():
    return [
        Column(
            "jurisdiction",
            "The jurisdiction's name (country, state or city).",
            lambda o: o.jurisdiction.name,
        ),
        Column(
            "jurisdiction_slug",
            "The jurisdiction's identifier; filter with ?jurisdiction=<slug>.",
            lambda o: o.jurisdiction.slug,
        ),
    ]


_DATES = [
    Column(
        "published_at",
        "When the record was first published (ISO 8601, UTC).",
        lambda o: _when(o.published_at),
    ),
    Column(
        "updated",
        "When the record last changed (ISO 8601, UTC).",
        lambda o: _when(o.updated),
    ),
]

_SOURCES = Column(
    "sources",
    "The published sources it is drawn from, each with the section it comes from "
    "(CSV: “Title (section …)” joined with “; ”; JSON: objects with source slug, "
    "title and locator).",
    _sources,
)
_TAGS = Column(
    "tags",
    "Its tags (CSV: joined with “; ”; JSON: a list).",
    _tags,
)

PRACTICE_COLUMNS = _with_languages(
    BestPractice,
    [
        *_common_head("The address of the practice's page."),
        Column(
            "theme",
            "prevention, protection, prosecution or partnership (the 4P framework).",
            lambda o: o.theme,
        ),
        *_jurisdiction_columns(),
        Column("position", "Its place in the source's list.", lambda o: o.position),
        Column(
            "recommendation",
            "The recommendation in the source's own words.",
            lambda o: o.recommendation,
        ),
        Column("discussion", "Discussion (Markdown).", lambda o: o.discussion),
        Column(
            "initiatives",
            "Slugs of the published initiatives that illustrate it.",
            _initiative_slugs,
        ),
        _TAGS,
        _SOURCES,
        *_DATES,
    ],
)

INITIATIVE_COLUMNS = _with_languages(
    Initiative,
    [
        *_common_head("The address of the initiative's page."),
        Column(
            "kind",
            "programme, law, police, task-force, campaign, hotline, operation, "
            "action-plan or outreach.",
            lambda o: o.kind,
        ),
        Column(
            "role",
            "example (to learn from) or cautionary (a contrasting or cautionary "
            "example, never a best practice).",
            lambda o: o.role,
        ),
        *_jurisdiction_columns(),
        Column(
            "start_year",
            "The year it started, where the source gives it.",
            lambda o: o.start_year,
        ),
        Column("summary", "One sentence, attributed.", lambda o: o.summary),
        Column("description", "Description (Markdown).", lambda o: o.description),
        Column(
            "lead_organizations",
            "Names of the published organizations that lead it.",
            _lead_names,
        ),
        Column(
            "part_of",
            "Slug of the larger initiative it belongs to, if published.",
            lambda o: _slug_if_published(o.part_of),
        ),
        _TAGS,
        _SOURCES,
        *_DATES,
    ],
)

FINDING_COLUMNS = _with_languages(
    Finding,
    [
        *_common_head("The address of the finding's page."),
        Column(
            "kind",
            "count, change, comparison, share, estimate, study, poll or assessment.",
            lambda o: o.kind,
        ),
        Column(
            "basis",
            "The type of support behind it (who measured or judged what): "
            + ", ".join(Basis.values)
            + "; empty where not yet assigned. Filter with ?basis=<value>.",
            lambda o: o.basis,
        ),
        Column(
            "statement",
            "What the source reports, close to its words; numbers exactly as written.",
            lambda o: o.statement,
        ),
        Column(
            "claimant",
            "Whose claim or estimate it is, when not the source's author.",
            lambda o: o.claimant,
        ),
        *_jurisdiction_columns(),
        Column(
            "initiative",
            "Slug of the published initiative it is about, if any.",
            lambda o: _slug_if_published(o.initiative),
        ),
        Column("source", "Slug of its source.", lambda o: o.source.slug),
        Column("source_title", "Title of its source.", lambda o: o.source.title),
        Column(
            "reported_in",
            "Title of the work the source is reported in, if any.",
            lambda o: (
                o.source.reported_in.title if _published(o.source.reported_in) else None
            ),
        ),
        Column(
            "locator", "The section of the source it comes from.", lambda o: o.locator
        ),
        Column("period_start", "First year of the period.", lambda o: o.period_start),
        Column("period_end", "Last year of the period.", lambda o: o.period_end),
        Column(
            "period_text", "The period as the text gives it.", lambda o: o.period_text
        ),
        Column(
            "figures",
            "Its numbers: “label, year: qualifier value unit” (CSV: joined with “; ”).",
            _figures,
        ),
        *_DATES,
    ],
)

JURISDICTION_COLUMNS = _with_languages(
    Jurisdiction,
    [
        Column("slug", "The jurisdiction's identifier.", _slug),
        Column("name", "Its name.", lambda o: o.name),
        Column("url", "The address of its page.", _url),
        Column("kind", "country, state, city or region.", lambda o: o.kind),
        Column("iso_code", "ISO 3166 code, where one exists.", lambda o: o.iso_code),
        Column(
            "parent",
            "Slug of the jurisdiction it lies in, if published.",
            lambda o: _slug_if_published(o.parent),
        ),
        Column("description", "Description (Markdown).", lambda o: o.description),
        *_DATES,
    ],
)

ORGANIZATION_COLUMNS = _with_languages(
    Organization,
    [
        Column("slug", "The organization's identifier.", _slug),
        Column("name", "Its name.", lambda o: o.name),
        Column("url", "The address of its page.", _url),
        Column(
            "kind", "government, law-enforcement, ngo, research, …", lambda o: o.kind
        ),
        Column(
            "jurisdiction",
            "Slug of its jurisdiction, if published.",
            lambda o: _slug_if_published(o.jurisdiction),
        ),
        Column("website", "Its website.", lambda o: o.website),
        *_DATES,
    ],
)

SOURCE_COLUMNS = _with_languages(
    Source,
    [
        Column("slug", "The source's identifier.", _slug),
        Column("title", "Its title.", lambda o: o.title),
        Column("url", "The address of its page here.", _url),
        Column("kind", "book, study, audit, report, poll, …", lambda o: o.kind),
        Column("authors", "Personal authors, “Last, First; …”.", lambda o: o.authors),
        Column(
            "organization",
            "Slug of the organization that produced it, if published.",
            lambda o: _slug_if_published(o.organization),
        ),
        Column("year", "Year of publication.", lambda o: o.year),
        Column("date_text", "The date as the text gives it.", lambda o: o.date_text),
        Column("publisher", "Publisher, where known.", lambda o: o.publisher),
        Column("isbn", "ISBN, where known.", lambda o: o.isbn),
        Column(
            "source_url", "Its own address on the web, where known.", lambda o: o.url
        ),
        Column(
            "reported_in",
            "Slug of the work it is reported in, if published.",
            lambda o: _slug_if_published(o.reported_in),
        ),
        Column("locator", "The section of that work.", lambda o: o.locator),
        *_DATES,
    ],
)

QUOTATION_COLUMNS = _with_languages(
    Quotation,
    [
        Column("slug", "The quotation's identifier.", _slug),
        Column("text", "The words exactly as quoted.", lambda o: o.text),
        Column(
            "speaker", "Who said it, as the source describes them.", lambda o: o.speaker
        ),
        Column("context", "How the source introduces it.", lambda o: o.context),
        Column(
            "jurisdiction",
            "Slug of its jurisdiction, if published.",
            lambda o: _slug_if_published(o.jurisdiction),
        ),
        Column(
            "initiative",
            "Slug of its initiative, if published.",
            lambda o: _slug_if_published(o.initiative),
        ),
        Column("source", "Slug of its source.", lambda o: o.source.slug),
        Column("locator", "The section of the source.", lambda o: o.locator),
    ],
)


# The data package's figures table, column for column: one definition of a figure
# row for figures.csv, figures.json and the package.
FIGURE_COLUMNS = [
    Column(f.name, f.description, partial(package.field_value, package.FIGURES, i))
    for i, f in enumerate(package.FIGURES.fields)
]


# Extra loading for exports, on top of the list pages' own querysets ---------------


def _is_postgres():
    return connection.vendor == "postgresql"


def _array(queryset, *fields, **json_fields):
    """ARRAY(SELECT field …) or ARRAY(SELECT json_object(…) …) for the outer row,
    in `queryset`'s order."""
    if json_fields:
        return ArraySubquery(queryset.values(row=JSONObject(**json_fields)))
    return ArraySubquery(queryset.values(*fields))


def _source_refs(through, owner):
    """The published sources a record cites, in citation order (as the pages)."""
    return _array(
        through.objects.filter(
            **{owner: OuterRef("pk")}, source__status=Status.PUBLISHED
        ).order_by("id"),
        slug=F("source__slug"),
        title=F("source__title"),
        locator=F("locator"),
    )


def _tag_names(through):
    # The name looked up by key for each link: joined instead, PostgreSQL reads
    # the whole tag table once per row (a few seconds at 100,000 practices).
    name = Tag.objects.filter(pk=OuterRef("tag_id")).values("name")
    return _array(
        through.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .annotate(name=Subquery(name)),
        "name",
    )


def practices_for_export(queryset):
    if _is_postgres():
        return queryset.prefetch_related(None).annotate(
            export_tags=_tag_names(TaggedPractice),
            export_sources=_source_refs(PracticeSource, "practice"),
            export_initiative_slugs=_array(
                Initiative.objects.published()
                .filter(practices=OuterRef("pk"))
                .order_by("title", "pk"),
                "slug",
            ),
        )
    return queryset.prefetch_related(
        Prefetch(
            "initiatives",
            queryset=Initiative.objects.published().only("pk", "slug"),
            to_attr="export_initiatives",
        )
    )


def initiatives_for_export(queryset):
    queryset = queryset.select_related("part_of")
    if _is_postgres():
        return queryset.prefetch_related(None).annotate(
            export_tags=_tag_names(TaggedInitiative),
            export_sources=_source_refs(InitiativeSource, "initiative"),
            export_lead_names=_array(
                Organization.objects.published()
                .filter(initiatives=OuterRef("pk"))
                .order_by("name", "pk"),
                "name",
            ),
        )
    return queryset.prefetch_related(
        Prefetch(
            "lead_organizations",
            queryset=Organization.objects.published().only("pk", "name"),
            to_attr="export_leads",
        )
    )


def findings_for_export(queryset):
    if _is_postgres():
        return queryset.prefetch_related(None).annotate(
            export_figures=_array(
                FindingFigure.objects.filter(finding=OuterRef("pk")).order_by(
                    "position", "id"
                ),
                label=F("label"),
                year=F("year"),
                qualifier=F("qualifier"),
                unit=F("unit"),
                value=Cast("value", CharField()),
                value_max=Cast("value_max", CharField()),
            )
        )
    return queryset


def sources_for_export(queryset):
    return queryset  # the list's own select_related covers every column


def figures_for_export(findings):
    """The figures of the findings in `findings` (the findings list's filtering),
    one row each, as FIGURE_COLUMNS reads them."""
    figures = package.FIGURES.queryset().filter(
        finding__in=findings.order_by().values("pk")
    )
    return package.table_values(package.FIGURES, figures)


# Writers --------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, decimal.Decimal):
        return package.number_text(value)
    return str(value)


def _json_value(value):
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, decimal.Decimal):  # a number stays a number, 286 not 286.0
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, SourceRef):
        return value.as_json()
    return value


def rows(queryset):
    # iterator() keeps memory flat (a server-side cursor on PostgreSQL); with
    # chunk_size it still runs any prefetches, once per chunk.
    return queryset.iterator(chunk_size=CHUNK)


IGNORED_NOTICE = "# Ignored filters: "


# A spreadsheet splits the notice line into cells at commas (semicolons in some
# locales; tabs become spaces), and a cell starting with = + - @ is a formula: the
# visitor's words in the notice must not start one. An ASCII quote could open a
# quoted cell that runs into the header row: it becomes an apostrophe.
FORMULA_AFTER_SEPARATOR = re.compile(r"([,;]\s*)([=+\-@])")


def ignored_notice(messages):
    """The CSV's first line when filters were left out, or "" when none was: one
    line whatever the visitor typed (line breaks and other control characters
    become spaces), starting with "#", and no cell of it a formula."""
    if not messages:
        return ""
    text = " ".join(messages).replace('"', "'")
    text = "".join(c if c.isprintable() else " " for c in text)
    text = FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)
    return IGNORED_NOTICE + text + "\r\n"


def in_language(chunks, language):
    """`chunks` (a stream), each computed with `language` active: the translated
    columns read it. Only while computing, since the stream is written after the
    view has returned and the thread serves other requests later."""
    chunks = iter(chunks)
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


def csv_lines(queryset, columns, messages=()):
    """The header row and one row per record; first, when filters were left out,
    a notice line saying which (documented on /about/data/)."""
    writer = csv.writer(_Echo())
    yield BOM + ignored_notice(messages) + writer.writerow([c.name for c in columns])
    for obj in rows(queryset):
        yield writer.writerow([_csv_cell(c.get(obj)) for c in columns])


def record_json(obj, columns):
    return {c.name: _json_value(c.get(obj)) for c in columns}


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)


def json_chunks(queryset, columns, messages=(), ignored=()):
    """{"generated": …, "filter_messages": […], "ignored_filters": […],
    "results": [{…}, …]}, streamed."""
    head = {
        "generated": datetime.datetime.now(datetime.UTC).isoformat(),
        "filter_messages": list(messages),
        "ignored_filters": list(ignored),
    }
    yield _dumps(head)[:-1] + ', "results": ['
    first = True
    for obj in rows(queryset):
        yield ("" if first else ",\n") + _dumps(record_json(obj, columns))
        first = False
    yield "]}\n"


# The whole data set ----------------------------------------------------------------


def dataset_sections():
    """(name, queryset, columns) for every published record of every kind."""
    from .. import selectors

    return [
        (
            "jurisdictions",
            Jurisdiction.objects.published().select_related("parent").order_by("path"),
            JURISDICTION_COLUMNS,
        ),
        (
            "organizations",
            Organization.objects.published()
            .select_related("jurisdiction")
            .order_by("name"),
            ORGANIZATION_COLUMNS,
        ),
        (
            "sources",
            Source.objects.published()
            .select_related("organization", "reported_in")
            .order_by("title"),
            SOURCE_COLUMNS,
        ),
        (
            "initiatives",
            initiatives_for_export(selectors.initiatives_for_list()).order_by("title"),
            INITIATIVE_COLUMNS,
        ),
        (
            "practices",
            practices_for_export(selectors.practices_for_list()).order_by(
                "jurisdiction__name", "position", "title"
            ),
            PRACTICE_COLUMNS,
        ),
        (
            "findings",
            findings_for_export(selectors._findings_with_figures()).order_by("title"),
            FINDING_COLUMNS,
        ),
        (
            "quotations",
            Quotation.objects.published()
            .select_related("jurisdiction", "initiative", "source")
            .order_by("slug"),
            QUOTATION_COLUMNS,
        ),
    ]


def dataset_chunks():
    head = {
        "name": settings.SITE_NAME,
        "url": site_url(),
        "generated": datetime.datetime.now(datetime.UTC).isoformat(),
        "dictionary": absolute("/about/data/"),
    }
    yield _dumps(head)[:-1]
    for name, queryset, columns in dataset_sections():
        yield f', "{name}": ['
        first = True
        for obj in rows(queryset):
            yield ("" if first else ",\n") + _dumps(record_json(obj, columns))
            first = False
        yield "]"
    yield "}\n"


EXPORTS = [
    ("Best practices", "practices", PRACTICE_COLUMNS),
    ("Initiatives", "initiatives", INITIATIVE_COLUMNS),
    ("Findings", "findings", FINDING_COLUMNS),
    ("Sources", "sources", SOURCE_COLUMNS),
]

DATASET_ONLY = [
    ("Jurisdictions", "jurisdictions", JURISDICTION_COLUMNS),
    ("Organizations", "organizations", ORGANIZATION_COLUMNS),
    ("Quotations", "quotations", QUOTATION_COLUMNS),
]
