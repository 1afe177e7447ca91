"""The data package (/data/knowledge-base.zip): every published record as one CSV
per table, with a Frictionless `datapackage.json` (Table Schema: types,
descriptions, primary and foreign keys, units), a README and the licence.

TABLES is the one description: the zip's schema, its README and the data dictionary
on /data/ are all written from it. Each table is read in one query; a relation to a
record that is not published is left empty, so every foreign key resolves.
"""

import csv
import datetime
import decimal
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils.translation import gettext_noop
from taggit.models import Tag

from ..models import (
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

PUBLISHED = Status.PUBLISHED
NAME = "anti-trafficking-knowledge-base"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
LICENCE_TEXT = (
    "The knowledge base's compilation (its selection, arrangement, summaries and "
    "classification) is licensed under Creative Commons Attribution 4.0 "
    "International (CC BY 4.0): https://creativecommons.org/licenses/by/4.0/\n\n"
    "Quoted words remain their authors'. Statements, figures and quotations are "
    "attributed to their sources; cite those sources as well as the knowledge "
    "base. A listing is not an endorsement.\n"
)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: string, integer, number, datetime
    description: str
    value: object  # a field name or expression for .values()
    required: bool = False
    unit: str = ""
    # Applied in Python to each value read, for what the database cannot build
    # (a page's absolute address, which depends on the site's address).
    convert: object = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    queryset: object  # a callable returning the published rows
    fields: list
    primary_key: list
    foreign_keys: list = field(default_factory=list)  # (fields, table, ref fields)


def _if_published(relation):
    """The related record's slug when it is published, else empty."""
    return Case(When(**{f"{relation}__status": PUBLISHED}, then=F(f"{relation}__slug")))


def _slug(what):
    return Field(
        "slug",
        "string",
        f"The {what}'s identifier, as in its page address.",
        "slug",
        True,
    )


def _dates():
    return [
        Field(
            "published_at",
            "datetime",
            "When it was first published (ISO 8601, UTC).",
            "published_at",
        ),
        Field(
            "updated", "datetime", "When it last changed (ISO 8601, UTC).", "updated"
        ),
    ]


def _jurisdiction(required=False):
    return Field(
        "jurisdiction",
        "string",
        "Slug of its jurisdiction (jurisdictions.csv); empty if not published.",
        _if_published("jurisdiction"),
        required,
    )


def _finding_url(slug):
    return absolute(reverse("practices:finding-detail", kwargs={"slug": slug}))


def _own_or_findings(attribute):
    """The figure's own place's attribute, else (a figure with no place of its
    own) its finding's; empty when that place is unpublished: a figure about an
    unpublished city is never given as one about its country."""
    return Case(
        When(jurisdiction__status=PUBLISHED, then=F(f"jurisdiction__{attribute}")),
        When(
            jurisdiction__isnull=True,
            finding__jurisdiction__status=PUBLISHED,
            then=F(f"finding__jurisdiction__{attribute}"),
        ),
    )


def _finding_period(end):
    """The finding's period, for a figure with no year of its own (a figure's own
    year already says when; repeating the period would say it twice)."""
    return Case(When(year__isnull=True, then=F(f"finding__{end}")))


# One row per number, with everything needed to read it alone: figures.csv and
# figures.json (filtered as the findings list) and the data package's figures table.
FIGURES = Table(
    "figures",
    gettext_noop("Figures"),
    "The numbers of each published finding, one per row, as numbers, each with "
    "its place, its year or period and its source.",
    lambda: FindingFigure.objects.filter(finding__status=PUBLISHED).order_by(
        "finding__slug", "position", "id"
    ),
    [
        Field("id", "integer", "The figure's number.", "id", True),
        Field(
            "finding",
            "string",
            "Slug of its finding (findings.csv).",
            "finding__slug",
            True,
        ),
        Field(
            "finding_url",
            "string",
            "The address of its finding's page.",
            "finding__slug",
            True,
            convert=_finding_url,
        ),
        Field("position", "integer", "Its order within the finding.", "position"),
        Field(
            "label",
            "string",
            "What is counted, as the finding labels it (it may name the place "
            "and year).",
            "label",
        ),
        Field(
            "place",
            "string",
            "Slug of the place the number is about (jurisdictions.csv): its own "
            "when it differs from the finding's, else the finding's.",
            _own_or_findings("slug"),
        ),
        Field("place_name", "string", "That place's name.", _own_or_findings("name")),
        Field(
            "year", "integer", "The year the number refers to, if it has one.", "year"
        ),
        Field(
            "period_start",
            "integer",
            "For a number with no year of its own: the first year of its "
            "finding's period.",
            _finding_period("period_start"),
        ),
        Field(
            "period_end",
            "integer",
            "For a number with no year of its own: the last year of its "
            "finding's period.",
            _finding_period("period_end"),
        ),
        Field(
            "period_text",
            "string",
            "For a number with no year of its own: the period as the text gives it.",
            _finding_period("period_text"),
        ),
        Field("qualifier", "string", "“about”, “over”, “more than”, …", "qualifier"),
        Field(
            "value",
            "number",
            "The number, in the row's unit.",
            "value",
            True,
            unit="the row's unit column",
        ),
        Field(
            "value_max",
            "number",
            "The upper end of a range (“between 105 and 130”).",
            "value_max",
            unit="the row's unit column",
        ),
        Field(
            "unit",
            "string",
            "The unit of value and value_max (women, percent, …).",
            "unit",
        ),
        Field(
            "source",
            "string",
            "Slug of the finding's source (sources.csv).",
            _if_published("finding__source"),
        ),
        Field(
            "locator",
            "string",
            "The section of the source the finding comes from.",
            "finding__locator",
        ),
    ],
    ["id"],
    [
        (["finding"], "findings", ["slug"]),
        (["place"], "jurisdictions", ["slug"]),
        (["source"], "sources", ["slug"]),
    ],
)

TABLES = [
    Table(
        "jurisdictions",
        gettext_noop("Jurisdictions"),
        "Countries, and the states, provinces and cities within them.",
        lambda: Jurisdiction.objects.published().order_by("path"),
        [
            _slug("jurisdiction"),
            Field("name", "string", "Its name.", "name", True),
            Field("kind", "string", "country, state, city or region.", "kind", True),
            Field("iso_code", "string", "ISO 3166 code, where one exists.", "iso_code"),
            Field(
                "parent",
                "string",
                "Slug of the jurisdiction it lies in; empty for a country.",
                _if_published("parent"),
            ),
            Field("description", "string", "Description (Markdown).", "description"),
            *_dates(),
        ],
        ["slug"],
        [(["parent"], "jurisdictions", ["slug"])],
    ),
    Table(
        "organizations",
        gettext_noop("Organizations"),
        "Government bodies, police, NGOs and research institutes named by sources.",
        lambda: Organization.objects.published().order_by("slug"),
        [
            _slug("organization"),
            Field("name", "string", "Its name.", "name", True),
            Field("kind", "string", "government, law-enforcement, ngo, …", "kind"),
            _jurisdiction(),
            Field("website", "string", "Its website.", "website"),
            *_dates(),
        ],
        ["slug"],
        [(["jurisdiction"], "jurisdictions", ["slug"])],
    ),
    Table(
        "sources",
        gettext_noop("Sources"),
        "The published works behind every claim.",
        lambda: Source.objects.published().order_by("slug"),
        [
            _slug("source"),
            Field("title", "string", "Its title.", "title", True),
            Field("kind", "string", "book, study, audit, report, poll, …", "kind"),
            Field(
                "authors", "string", "Personal authors, “Last, First; …”.", "authors"
            ),
            Field(
                "organization",
                "string",
                "Slug of the organization that produced it (organizations.csv).",
                _if_published("organization"),
            ),
            Field("year", "integer", "Year of publication.", "year"),
            Field("date_text", "string", "The date as the text gives it.", "date_text"),
            Field("publisher", "string", "Publisher, where known.", "publisher"),
            Field("isbn", "string", "ISBN, where known.", "isbn"),
            Field("source_url", "string", "Its own address on the web.", "url"),
            Field(
                "reported_in",
                "string",
                "Slug of the work it is reported in (sources.csv).",
                _if_published("reported_in"),
            ),
            Field("locator", "string", "The section of that work.", "locator"),
            *_dates(),
        ],
        ["slug"],
        [
            (["organization"], "organizations", ["slug"]),
            (["reported_in"], "sources", ["slug"]),
        ],
    ),
    Table(
        "initiatives",
        gettext_noop("Initiatives"),
        "Programmes, laws, police units, task forces, campaigns and hotlines.",
        lambda: Initiative.objects.published().order_by("slug"),
        [
            _slug("initiative"),
            Field("title", "string", "Its name.", "title", True),
            Field(
                "kind",
                "string",
                "programme, law, police, task-force, campaign, hotline, operation, "
                "action-plan or outreach.",
                "kind",
            ),
            Field(
                "role",
                "string",
                "example (to learn from) or cautionary (never a best practice).",
                "role",
            ),
            Field(
                "theme",
                "string",
                "Its own theme, for one that illustrates no practice.",
                "theme",
            ),
            _jurisdiction(),
            Field("start_year", "integer", "The year it started.", "start_year"),
            Field("summary", "string", "One sentence, attributed.", "summary"),
            Field("description", "string", "Description (Markdown).", "description"),
            Field(
                "part_of",
                "string",
                "Slug of the larger initiative it belongs to (initiatives.csv).",
                _if_published("part_of"),
            ),
            *_dates(),
        ],
        ["slug"],
        [
            (["jurisdiction"], "jurisdictions", ["slug"]),
            (["part_of"], "initiatives", ["slug"]),
        ],
    ),
    Table(
        "practices",
        gettext_noop("Best practices"),
        "Recommendations made by published sources.",
        lambda: BestPractice.objects.published().order_by("slug"),
        [
            _slug("practice"),
            Field("title", "string", "A short label.", "title", True),
            Field(
                "theme",
                "string",
                "prevention, protection, prosecution or partnership (4P).",
                "theme",
                True,
            ),
            _jurisdiction(),
            Field("position", "integer", "Its place in the source's list.", "position"),
            Field(
                "recommendation",
                "string",
                "The recommendation in the source's own words.",
                "recommendation",
            ),
            Field("discussion", "string", "Discussion (Markdown).", "discussion"),
            *_dates(),
        ],
        ["slug"],
        [(["jurisdiction"], "jurisdictions", ["slug"])],
    ),
    Table(
        "findings",
        gettext_noop("Findings"),
        "Figures and evaluations reported by sources, attributed to them.",
        lambda: Finding.objects.published().order_by("slug"),
        [
            _slug("finding"),
            Field("title", "string", "A short label.", "title", True),
            Field(
                "kind",
                "string",
                "count, change, comparison, share, estimate, study, poll or "
                "assessment.",
                "kind",
            ),
            Field(
                "basis",
                "string",
                "The type of support (who measured or judged what); empty where not "
                "yet assigned.",
                "basis",
            ),
            Field(
                "statement",
                "string",
                "What the source reports, attributed, close to its words.",
                "statement",
            ),
            Field(
                "claimant",
                "string",
                "Whose claim it is, if not the author.",
                "claimant",
            ),
            _jurisdiction(),
            Field(
                "initiative",
                "string",
                "Slug of the initiative it is about (initiatives.csv).",
                _if_published("initiative"),
            ),
            Field(
                "source",
                "string",
                "Slug of its source (sources.csv).",
                _if_published("source"),
            ),
            Field("locator", "string", "The section of the source.", "locator"),
            Field(
                "period_start", "integer", "First year of the period.", "period_start"
            ),
            Field("period_end", "integer", "Last year of the period.", "period_end"),
            Field("period_text", "string", "The period as written.", "period_text"),
            *_dates(),
        ],
        ["slug"],
        [
            (["jurisdiction"], "jurisdictions", ["slug"]),
            (["initiative"], "initiatives", ["slug"]),
            (["source"], "sources", ["slug"]),
        ],
    ),
    FIGURES,
    Table(
        "quotations",
        gettext_noop("Quotations"),
        "Words quoted by sources, exactly as quoted.",
        lambda: Quotation.objects.published().order_by("slug"),
        [
            _slug("quotation"),
            Field("text", "string", "The words exactly as quoted.", "text", True),
            Field("speaker_name", "string", "Who said it.", "speaker_name"),
            Field(
                "speaker_description",
                "string",
                "How the source describes them.",
                "speaker_description",
            ),
            Field("context", "string", "How the source introduces it.", "context"),
            _jurisdiction(),
            Field(
                "initiative",
                "string",
                "Slug of its initiative (initiatives.csv).",
                _if_published("initiative"),
            ),
            Field(
                "source",
                "string",
                "Slug of its source (sources.csv).",
                _if_published("source"),
            ),
            Field("locator", "string", "The section of the source.", "locator"),
        ],
        ["slug"],
        [
            (["jurisdiction"], "jurisdictions", ["slug"]),
            (["initiative"], "initiatives", ["slug"]),
            (["source"], "sources", ["slug"]),
        ],
    ),
    Table(
        "tags",
        gettext_noop("Tags"),
        "Tags carried by published practices or initiatives.",
        lambda: (
            Tag.objects.filter(
                Q(practices_taggedpractice_items__content_object__status=PUBLISHED)
                | Q(practices_taggedinitiative_items__content_object__status=PUBLISHED)
            )
            .distinct()
            .order_by("slug")
        ),
        [
            Field("slug", "string", "The tag's identifier.", "slug", True),
            Field("name", "string", "The tag as shown.", "name", True),
        ],
        ["slug"],
    ),
]


def _link(name, title, model, owner, other, other_table, extra=()):
    """A link table: both ends published; its key is both slugs and the extras."""
    owner_table = "practices" if owner == "practice" else "initiatives"
    other_field = other.split("__")[0]
    return Table(
        name,
        title,
        f"Links between {owner_table} and {other_table} (both published).",
        lambda: model.objects.filter(
            **{f"{owner}__status": PUBLISHED}, **{f"{other_field}__status": PUBLISHED}
        ).order_by("pk"),
        [
            Field(
                owner, "string", f"Slug in {owner_table}.csv.", f"{owner}__slug", True
            ),
            Field(
                other_field,
                "string",
                f"Slug in {other_table}.csv.",
                f"{other_field}__slug",
                True,
            ),
            *extra,
        ],
        [owner, other_field, *(f.name for f in extra)],
        [
            ([owner], owner_table, ["slug"]),
            ([other_field], other_table, ["slug"]),
        ],
    )


_LOCATOR = Field("locator", "string", "The section of the source cited.", "locator")

TABLES += [
    Table(
        "practice_initiatives",
        gettext_noop("Practices and the initiatives that illustrate them"),
        "Links between practices and initiatives (both published).",
        lambda: BestPractice.initiatives.through.objects.filter(
            bestpractice__status=PUBLISHED, initiative__status=PUBLISHED
        ).order_by("pk"),
        [
            Field(
                "practice",
                "string",
                "Slug in practices.csv.",
                "bestpractice__slug",
                True,
            ),
            Field(
                "initiative",
                "string",
                "Slug in initiatives.csv.",
                "initiative__slug",
                True,
            ),
        ],
        ["practice", "initiative"],
        [
            (["practice"], "practices", ["slug"]),
            (["initiative"], "initiatives", ["slug"]),
        ],
    ),
    _link(
        "practice_sources",
        gettext_noop("Sources cited by practices"),
        PracticeSource,
        "practice",
        "source",
        "sources",
        [_LOCATOR],
    ),
    _link(
        "initiative_sources",
        gettext_noop("Sources cited by initiatives"),
        InitiativeSource,
        "initiative",
        "source",
        "sources",
        [_LOCATOR],
    ),
    _link(
        "initiative_leads",
        gettext_noop("Organizations leading initiatives"),
        Initiative.lead_organizations.through,
        "initiative",
        "organization",
        "organizations",
    ),
]


def _tag_link(name, title, model, owner_table):
    return Table(
        name,
        title,
        f"Which published {owner_table} carry which tags.",
        lambda: model.objects.filter(content_object__status=PUBLISHED).order_by("pk"),
        [
            Field(
                "record",
                "string",
                f"Slug in {owner_table}.csv.",
                "content_object__slug",
                True,
            ),
            Field("tag", "string", "Slug in tags.csv.", "tag__slug", True),
        ],
        ["record", "tag"],
        [(["record"], owner_table, ["slug"]), (["tag"], "tags", ["slug"])],
    )


TABLES += [
    _tag_link(
        "practice_tags", gettext_noop("Tags of practices"), TaggedPractice, "practices"
    ),
    _tag_link(
        "initiative_tags",
        gettext_noop("Tags of initiatives"),
        TaggedInitiative,
        "initiatives",
    ),
]


def number_text(value):
    """A decimal as written, without the database's trailing zeros: 286, 32.2."""
    return f"{value.normalize():f}"


def description(table_name, field_name):
    """A field's description, for the API's schema to say the same thing."""
    table = next(t for t in TABLES if t.name == table_name)
    return next(f.description for f in table.fields if f.name == field_name)


def table_values(table, queryset=None):
    """The table's rows (of `queryset`, by default all of them) as dicts, in one
    query: a plain field under its path, a computed one under its position ("f3":
    a field's name may be a model field's, which an annotation may not reuse).
    Read a field with field_value()."""
    expressions = {f"f{i}": f.value for i, f in enumerate(table.fields)}
    plain = {k: v for k, v in expressions.items() if isinstance(v, str)}
    computed = {k: v for k, v in expressions.items() if not isinstance(v, str)}
    queryset = queryset if queryset is not None else table.queryset()
    queryset = queryset.annotate(**computed) if computed else queryset
    return queryset.values(*dict.fromkeys(plain.values()), *computed)


def field_value(table, index, row):
    """Field `index` of a row from table_values(), converted."""
    field = table.fields[index]
    value = row[field.value if isinstance(field.value, str) else f"f{index}"]
    return field.convert(value) if field.convert and value is not None else value


def table_rows(table):
    """The table's rows as tuples, in one query."""
    for row in table_values(table).iterator(chunk_size=2000):
        yield tuple(field_value(table, i, row) for i in range(len(table.fields)))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return str(value)


def descriptor():
    """The Frictionless Data Package descriptor (datapackage.json)."""
    resources = []
    for table in TABLES:
        schema = {
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "description": f.description,
                    **({"constraints": {"required": True}} if f.required else {}),
                    **({"unit": f.unit} if f.unit else {}),
                }
                for f in table.fields
            ],
            "primaryKey": table.primary_key,
            "missingValues": [""],
        }
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": fields,
                    "reference": {
                        "resource": "" if ref == table.name else ref,
                        "fields": ref_fields,
                    },
                }
                for fields, ref, ref_fields in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": f"data/{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            }
        )
    return {
        "name": NAME,
        "title": settings.SITE_NAME,
        "description": "What published sources recommend and report about human "
        "trafficking, by jurisdiction: initiatives, best practices, findings with "
        "their figures, quotations and sources. Published records only.",
        "homepage": site_url() + "/",
        "profile": "tabular-data-package",
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "licenses": [LICENCE],
        "resources": resources,
    }


def readme():
    lines = [
        f"# {settings.SITE_NAME}: data package",
        "",
        f"Every published record of {site_url()}/ as CSV files (UTF-8), "
        "described by datapackage.json (Frictionless Data Package, Table Schema). "
        "Empty cells are missing values. Relations are by slug.",
        "",
        "Licence: " + LICENCE_TEXT,
        "Load it with pandas (`pd.read_csv('data/practices.csv')`) or with "
        "frictionless (`frictionless.Package('datapackage.json')`).",
        "",
    ]
    for table in TABLES:
        lines += [f"## {table.name}.csv: {table.title}", "", table.description, ""]
        lines += [f"- `{f.name}` ({f.type}): {f.description}" for f in table.fields]
        lines.append("")
    return "\n".join(lines)


def build_zip():
    """The package as a zip in a temporary file (spilled to disk when large)."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            with archive.open(f"data/{table.name}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow([f.name for f in table.fields])
                for row in table_rows(table):
                    writer.writerow([_cell(v) for v in row])
                text.flush()
                text.detach()
        archive.writestr(
            "datapackage.json", json.dumps(descriptor(), ensure_ascii=False, indent=2)
        )
        archive.writestr("README.md", readme())
        archive.writestr("LICENSE.txt", LICENCE_TEXT)
    spool.seek(0)
    return spool
