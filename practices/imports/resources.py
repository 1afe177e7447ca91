"""Bulk import (and export) of content through django-import-export.

The rules every resource follows (docs/import.md says them for curators):
- a row matches an existing record by its slug; without a match it is a new record;
- a new record is always a draft, and an update leaves the record's status alone:
  status, review date and revision are not columns, so an import never publishes;
- related records (jurisdictions, organizations, sources, initiatives, tags) are
  given by slug or exact name, and one that does not exist is an error of that row,
  never a new record;
- lists in one cell are separated by ";", and the parts of one item by "|";
- every saved record gets a history row naming the curator and the file, and is
  saved through the same revision check as the admin's forms;
- a row identical to the database is skipped and writes nothing.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
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
    Source,
    Status,
)
from ..services import record_history_tags_update, record_save_checked
from .formats import formula_unescape

LIST_SEPARATOR = ";"
PART_SEPARATOR = "|"


def import_max_rows():
    return getattr(settings, "KB_IMPORT_MAX_ROWS", 10_000)


def _text(value):
    """A cell as stripped text ("" for an empty cell; XLSX gives numbers too)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _items(value):
    return [item.strip() for item in _text(value).split(LIST_SEPARATOR) if item.strip()]


def _parts(item):
    return [part.strip() for part in item.split(PART_SEPARATOR)]


class RecordLookup:
    """Finds records of `model` by slug or exact name, remembering what it found:
    a 10,000-row file names the same few jurisdictions over and over."""

    def __init__(self, model, name_field):
        self.model = model
        self.name_field = name_field
        self.found = {}

    def get(self, value):
        value = _text(value)
        if not value:
            return None
        if value not in self.found:
            matches = list(
                self.model._default_manager.filter(
                    Q(slug=value) | Q(**{self.name_field: value})
                )[:3]
            )
            by_slug = [obj for obj in matches if obj.slug == value]
            if by_slug:
                matches = by_slug
            noun = self.model._meta.verbose_name
            if not matches:
                raise ValueError(
                    f"no {noun} has the slug or {self.name_field} “{value}”; an "
                    f"import does not create {self.model._meta.verbose_name_plural}: "
                    "add it first, or correct the name"
                )
            if len(matches) > 1:
                raise ValueError(
                    f"several {self.model._meta.verbose_name_plural} are named "
                    f"“{value}”; give the slug instead"
                )
            self.found[value] = matches[0]
        return self.found[value]


class RecordWidget(widgets.ForeignKeyWidget):
    """A foreign key given by slug or exact name; exported as the slug."""

    def __init__(self, model, name_field, **kwargs):
        super().__init__(model, field="slug", **kwargs)
        self.lookup = RecordLookup(model, name_field)

    def clean(self, value, row=None, **kwargs):
        return self.lookup.get(value)


class RelationColumn:
    """A column this module saves itself, after the record: tags, lists of related
    records, a finding's figures. `wanted` parses the cell (raising ValueError with
    the reason), `current` reads the record the same way, and `save` makes the
    record match."""

    def __init__(self, column):
        self.column = column

    def wanted(self, value):
        raise NotImplementedError

    def current(self, instance):
        raise NotImplementedError

    def save(self, instance, wanted, user):
        raise NotImplementedError

    def render(self, wanted):
        raise NotImplementedError

    def export(self, instance):
        return self.render(self.current(instance)) if instance.pk else ""


class TagsColumn(RelationColumn):
    """Tags by slug or exact name; an unknown tag is an error (tags are a curated
    vocabulary: a typo must not become a new tag)."""

    def __init__(self, column="tags"):
        super().__init__(column)
        self.lookup = RecordLookup(Tag, "name")

    def wanted(self, value):
        return sorted({self.lookup.get(item).name for item in _items(value)})

    def current(self, instance):
        return sorted(instance.tags.names())

    def save(self, instance, wanted, user):
        instance.tags.set(wanted)

    def render(self, wanted):
        return f"{LIST_SEPARATOR} ".join(wanted)


class RecordsColumn(RelationColumn):
    """A plain many-to-many list of records by slug or name (lead organizations,
    a practice's initiatives)."""

    def __init__(self, column, attribute, model, name_field):
        super().__init__(column)
        self.attribute = attribute
        self.lookup = RecordLookup(model, name_field)

    def wanted(self, value):
        return sorted({self.lookup.get(item).slug for item in _items(value)})

    def current(self, instance):
        return sorted(getattr(instance, self.attribute).values_list("slug", flat=True))

    def save(self, instance, wanted, user):
        model = self.lookup.model
        getattr(instance, self.attribute).set(model.objects.filter(slug__in=wanted))

    def render(self, wanted):
        return f"{LIST_SEPARATOR} ".join(wanted)


class CitationsColumn(RelationColumn):
    """A record's sources: "source | locator; other-source", each source by slug or
    exact title, the locator (chapter or section) optional."""

    def __init__(self, through, owner_field):
        super().__init__("sources")
        self.through = through
        self.owner_field = owner_field
        self.lookup = RecordLookup(Source, "title")

    def wanted(self, value):
        cited = []
        for item in _items(value):
            parts = _parts(item)
            if len(parts) > 2:
                raise ValueError(
                    f"“{item}”: give a source and at most one locator, as "
                    "“source | locator”"
                )
            source = self.lookup.get(parts[0])
            locator = parts[1] if len(parts) > 1 else ""
            if len(locator) > 200:
                raise ValueError(f"the locator of “{parts[0]}” is over 200 characters")
            cited.append((source.slug, locator))
        return sorted(set(cited))

    def current(self, instance):
        rows = self.through.objects.filter(**{self.owner_field: instance})
        return sorted(set(rows.values_list("source__slug", "locator")))

    def save(self, instance, wanted, user):
        have = set(self.current(instance))
        want = set(wanted)
        links = self.through.objects.filter(**{self.owner_field: instance})
        for slug, locator in have - want:
            links.filter(source__slug=slug, locator=locator).delete()
        sources = Source.objects.in_bulk([slug for slug, _ in want], field_name="slug")
        self.through.objects.bulk_create(
            self.through(
                **{self.owner_field: instance},
                source=sources[slug],
                locator=locator,
            )
            for slug, locator in sorted(want - have)
        )

    def render(self, wanted):
        return f"{LIST_SEPARATOR} ".join(
            f"{slug} {PART_SEPARATOR} {locator}" if locator else slug
            for slug, locator in wanted
        )


FIGURE_PARTS = ["label", "value", "unit", "qualifier", "value_max", "year", "place"]


class FiguresColumn(RelationColumn):
    """A finding's figures in one cell, in order, separated by ";":
    "label | value | unit" with optional "| qualifier | value_max | year | place"
    (place: a jurisdiction's slug or name). Example:
    "Stockholm, 1998 | 95 | women | | | 1998 | stockholm; Stockholm, 2003 | 45 | women".
    """

    def __init__(self):
        super().__init__("figures")
        self.places = RecordLookup(Jurisdiction, "name")

    @staticmethod
    def _decimal(text, what):
        if text == "":
            return None
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{what} “{text}” is not a number") from None
        if not number.is_finite() or abs(number) >= Decimal("1e14"):
            raise ValueError(f"{what} “{text}” is not a number we can store")
        return number.quantize(Decimal("0.01"))

    def wanted(self, value):
        figures = []
        for item in _items(value):
            parts = _parts(item)
            if len(parts) < 3 or len(parts) > len(FIGURE_PARTS):
                raise ValueError(
                    f"figure “{item}”: write “label | value | unit”, optionally "
                    "followed by “| qualifier | value_max | year | place”"
                )
            parts += [""] * (len(FIGURE_PARTS) - len(parts))
            label, value, unit, qualifier, value_max, year, place = parts
            if not label or not unit:
                raise ValueError(f"figure “{item}”: the label and unit are required")
            number = self._decimal(value, "value")
            if number is None:
                raise ValueError(f"figure “{item}”: the value is required")
            upper = self._decimal(value_max, "value_max")
            if upper is not None and upper < number:
                raise ValueError(f"figure “{item}”: value_max is below the value")
            if year and not (year.isdigit() and 1800 <= int(year) <= 2100):
                raise ValueError(f"figure “{item}”: year “{year}” is not a year")
            if len(label) > 200 or len(unit) > 100 or len(qualifier) > 30:
                raise ValueError(f"figure “{item}”: a part is too long")
            place_slug = self.places.get(place).slug if place else ""
            upper = "" if upper is None else str(upper)
            figures.append(
                (label, str(number), unit, qualifier, upper, year, place_slug)
            )
        return figures

    def current(self, instance):
        return [
            (
                figure.label,
                str(figure.value),
                figure.unit,
                figure.qualifier,
                str(figure.value_max if figure.value_max is not None else ""),
                str(figure.year or ""),
                figure.jurisdiction.slug if figure.jurisdiction_id else "",
            )
            for figure in instance.figures.select_related("jurisdiction")
        ]

    def save(self, instance, wanted, user):
        if self.current(instance) == wanted:
            return
        for figure in instance.figures.all():
            figure._history_user = user
            figure.delete()
        places = Jurisdiction.objects.in_bulk(
            [row[6] for row in wanted if row[6]], field_name="slug"
        )
        for position, row in enumerate(wanted, 1):
            label, value, unit, qualifier, value_max, year, place = row
            figure = FindingFigure(
                finding=instance,
                position=position,
                label=label,
                value=Decimal(value),
                value_max=Decimal(value_max) if value_max else None,
                unit=unit,
                qualifier=qualifier,
                year=int(year) if year else None,
                jurisdiction=places.get(place),
            )
            figure._history_user = user
            figure.save()

    def render(self, wanted):
        rendered = []
        for row in wanted:
            parts = list(row)
            while len(parts) > 3 and parts[-1] == "":
                parts.pop()
            rendered.append(f" {PART_SEPARATOR} ".join(parts))
        return f"{LIST_SEPARATOR} ".join(rendered)


class ContentResource(resources.ModelResource):
    """What every content resource shares: matching by slug, drafts only, history,
    the revision check, relation columns and the row limit."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.relations = {column.column: column for column in self.relation_columns()}

    def relation_columns(self):
        return []

    # --- reading the file ------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        limit = import_max_rows()
        if len(dataset) > limit:
            raise ValueError(
                f"The file has {len(dataset)} rows; an import takes at most {limit} "
                "(KB_IMPORT_MAX_ROWS). Split it into several files."
            )
        if dataset.headers and "slug" not in dataset.headers:
            raise ValueError(
                "The file has no “slug” column: rows are matched to records by slug."
            )

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            row[key] = formula_unescape(value)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._import_relations = {}
        for column, relation in self.relations.items():
            if column not in row:
                continue
            try:
                instance._import_relations[column] = relation.wanted(row[column])
            except ValueError as error:
                errors[column] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is None or original.pk is None:
            return False
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        wanted = getattr(instance, "_import_relations", {})
        return all(
            self.relations[column].current(original) == value
            for column, value in wanted.items()
        )

    # --- saving ----------------------------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.status = Status.DRAFT  # an import never publishes
        instance._history_user = kwargs.get("user")
        instance._change_reason = f"Imported from {kwargs.get('file_name') or 'a file'}"

    def do_instance_save(self, instance, is_create):
        # The revision loaded with the row: a curator's save since then makes this
        # row fail (and the whole import roll back) instead of being overwritten.
        loaded = None if is_create else instance.revision
        record_save_checked(instance, loaded)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        for column, wanted in getattr(instance, "_import_relations", {}).items():
            self.relations[column].save(instance, wanted, kwargs.get("user"))
        record_history_tags_update(instance)


def record_field(column, model, name_field, attribute=None):
    return fields.Field(
        attribute=attribute or column,
        column_name=column,
        widget=RecordWidget(model, name_field),
    )


def relation_export(column):
    """The export of a relation column (a dehydrate method)."""

    def dehydrate(self, instance):
        return self.relations[column].export(instance)

    return dehydrate


class ResourceMeta:
    import_id_fields = ["slug"]
    skip_unchanged = True
    report_skipped = True
    clean_model_instances = True
    instance_loader_class = CachedInstanceLoader
    use_transactions = True


class OrganizationResource(ContentResource):
    jurisdiction = record_field("jurisdiction", Jurisdiction, "name")

    class Meta(ResourceMeta):
        model = Organization
        fields = ["slug", "name", "kind", "jurisdiction", "description", "website"]
        export_order = fields

    example = {
        "slug": "example-anti-trafficking-network",
        "name": "Example Anti-Trafficking Network",
        "kind": "ngo",
        "jurisdiction": "sweden",
        "description": "A network of shelters, according to its annual report.",
        "website": "https://example.org/",
    }


class SourceResource(ContentResource):
    organization = record_field("organization", Organization, "name")
    reported_in = record_field("reported_in", Source, "title")

    class Meta(ResourceMeta):
        model = Source
        fields = [
            "slug",
            "title",
            "kind",
            "authors",
            "organization",
            "year",
            "date_text",
            "publisher",
            "isbn",
            "url",
            "language",
            "reported_in",
            "locator",
            "description",
        ]
        export_order = fields

    example = {
        "slug": "example-2009-shelter-evaluation",
        "title": "Evaluation of the shelter programme",
        "kind": "study",
        "authors": "Lind, Anna; Berg, Erik",
        "organization": "",
        "year": "2009",
        "date_text": "",
        "publisher": "",
        "isbn": "",
        "url": "",
        "language": "en",
        "reported_in": "perrin-2010-invisible-chains",
        "locator": "Chapter 9",
        "description": "",
    }


class InitiativeResource(ContentResource):
    jurisdiction = record_field("jurisdiction", Jurisdiction, "name")
    part_of = record_field("part_of", Initiative, "title")
    lead_organizations = fields.Field(column_name="lead_organizations")
    sources = fields.Field(column_name="sources")
    tags = fields.Field(column_name="tags")

    dehydrate_lead_organizations = relation_export("lead_organizations")
    dehydrate_sources = relation_export("sources")
    dehydrate_tags = relation_export("tags")

    class Meta(ResourceMeta):
        model = Initiative
        fields = [
            "slug",
            "title",
            "kind",
            "role",
            "jurisdiction",
            "lead_organizations",
            "part_of",
            "start_year",
            "theme",
            "summary",
            "description",
            "sources",
            "tags",
        ]
        export_order = fields

    def relation_columns(self):
        return [
            RecordsColumn(
                "lead_organizations", "lead_organizations", Organization, "name"
            ),
            CitationsColumn(InitiativeSource, "initiative"),
            TagsColumn(),
        ]

    example = {
        "slug": "example-city-hotline",
        "title": "Example City trafficking hotline",
        "kind": "hotline",
        "role": "example",
        "jurisdiction": "united-states",
        "lead_organizations": "",
        "part_of": "",
        "start_year": "2007",
        "theme": "protection",
        "summary": "According to the source, the hotline took 1,200 calls a year.",
        "description": "",
        "sources": "perrin-2010-invisible-chains | Chapter 9",
        "tags": "",
    }


class BestPracticeResource(ContentResource):
    jurisdiction = record_field("jurisdiction", Jurisdiction, "name")
    initiatives = fields.Field(column_name="initiatives")
    sources = fields.Field(column_name="sources")
    tags = fields.Field(column_name="tags")

    dehydrate_initiatives = relation_export("initiatives")
    dehydrate_sources = relation_export("sources")
    dehydrate_tags = relation_export("tags")

    class Meta(ResourceMeta):
        model = BestPractice
        fields = [
            "slug",
            "title",
            "recommendation",
            "theme",
            "jurisdiction",
            "position",
            "initiatives",
            "discussion",
            "sources",
            "tags",
        ]
        export_order = fields

    def relation_columns(self):
        return [
            RecordsColumn("initiatives", "initiatives", Initiative, "title"),
            CitationsColumn(PracticeSource, "practice"),
            TagsColumn(),
        ]

    example = {
        "slug": "example-train-frontline-officers",
        "title": "Train frontline officers",
        "recommendation": "Train police officers to recognise victims of trafficking.",
        "theme": "protection",
        "jurisdiction": "united-states",
        "position": "9",
        "initiatives": "",
        "discussion": "",
        "sources": "perrin-2010-invisible-chains | Chapter 9",
        "tags": "",
    }


class FindingResource(ContentResource):
    jurisdiction = record_field("jurisdiction", Jurisdiction, "name")
    initiative = record_field("initiative", Initiative, "title")
    source = record_field("source", Source, "title")
    figures = fields.Field(column_name="figures")

    dehydrate_figures = relation_export("figures")

    class Meta(ResourceMeta):
        model = Finding
        fields = [
            "slug",
            "title",
            "kind",
            "statement",
            "basis",
            "claimant",
            "jurisdiction",
            "initiative",
            "source",
            "locator",
            "period_start",
            "period_end",
            "period_text",
            "figures",
        ]
        export_order = fields

    def relation_columns(self):
        return [FiguresColumn()]

    example = {
        "slug": "example-hotline-calls-2007-2008",
        "title": "Hotline calls, 2007 and 2008",
        "kind": "change",
        "statement": "According to the source, calls rose from 800 to 1,200 a year.",
        "basis": "programme",
        "claimant": "",
        "jurisdiction": "united-states",
        "initiative": "",
        "source": "perrin-2010-invisible-chains",
        "locator": "Chapter 9",
        "period_start": "2007",
        "period_end": "2008",
        "period_text": "2007 to 2008",
        "figures": "2007 | 800 | calls | | | 2007; 2008 | 1200 | calls | | | 2008",
    }


RESOURCES = {
    Organization: OrganizationResource,
    Source: SourceResource,
    Initiative: InitiativeResource,
    BestPractice: BestPracticeResource,
    Finding: FindingResource,
}
