"""Bulk import (and export) of content through django-import-export.

The rules every resource follows (docs/import.md says them for curators):
- a row matches an existing record by its slug; without a match it is a new record;
- a new record is always a draft, and an update leaves the record's status alone:
  status, review date and revision are not columns, so an import never publishes;
- related records (jurisdictions, organizations, sources, initiatives, tags) are
  given by slug or exact name, and one that does not exist is an error of that row,
  never a new record;
- lists in one cell are separated by ";", and the parts of one item by "|";
- every saved record gets a new revision and a history row naming the curator and
  the file; a record a curator saved after the import read it rolls the whole
  import back, so no one's edit is overwritten;
- a row identical to the database is skipped and writes nothing.
"""

import copy
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone, translation
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from ..cache import content_changed
from ..models import (
    BestPractice,
    Finding,
    Initiative,
    InitiativeSource,
    Jurisdiction,
    Organization,
    PracticeSource,
    Source,
    Status,
    TaggedInitiative,
    TaggedPractice,
)
from .columns import (
    CitationsColumn,
    FiguresColumn,
    RecordsColumn,
    RecordWidget,
    TagsColumn,
    cell_text,
)
from .formats import formula_unescape


def import_max_rows():
    return getattr(settings, "KB_IMPORT_MAX_ROWS", 10_000)


def import_preview_diff_rows():
    """Up to this many rows, the preview shows each row's changes field by field."""
    return getattr(settings, "KB_IMPORT_PREVIEW_DIFF_ROWS", 500)


class ContentResource(resources.ModelResource):
    """What every content resource shares: matching by slug, drafts only, history,
    the revision check, relation columns, the row limit, and saving in bulk (a
    10,000-row file is written in a few queries per thousand rows)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.relations = {column.column: column for column in self.relation_columns()}
        self.repeated_slugs = set()

    def relation_columns(self):
        return []

    # Files hold the English originals, whatever language the admin is shown in:
    # a file exported from the French admin re-imports without writing French over
    # the English, and the preview compares like with like.
    def export(self, *args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().export(*args, **kwargs)

    def get_queryset(self):
        # The records the file matches, with the records their foreign keys point
        # to: comparing a row with its record must not query once per row.
        related = [
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ForeignKeyWidget)
        ]
        return super().get_queryset().select_related(*related)

    # --- reading the file ------------------------------------------------------

    def import_data(self, dataset, dry_run=False, **kwargs):
        # The field-by-field comparison is only shown by the preview, and only
        # readable for a file of modest size; building it is a good part of the
        # work per row, so a confirmed import or a long file goes without it.
        if not dry_run or len(dataset) > import_preview_diff_rows():
            self._meta = copy.copy(self._meta)  # this instance's options only
            self._meta.skip_html_diff = True
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs):
        limit = import_max_rows()
        if len(dataset) > limit:
            raise ValueError(
                f"The file has {len(dataset)} rows; an import takes at most {limit} "
                "(KB_IMPORT_MAX_ROWS). Split it into several files."
            )
        if not dataset.headers or "slug" not in dataset.headers:
            raise ValueError(
                "The file has no “slug” column: rows are matched to records by slug."
            )
        slugs = Counter(cell_text(slug) for slug in dataset["slug"])
        self.repeated_slugs = {slug for slug, count in slugs.items() if count > 1}
        # The relations of every record the file updates, in one query each.
        existing = list(
            self._meta.model._default_manager.filter(slug__in=list(slugs)).values_list(
                "pk", flat=True
            )
        )
        for relation in self.relations.values():
            relation.prefetch(existing)

    def before_export(self, queryset, **kwargs):
        pks = list(queryset.values_list("pk", flat=True))
        for relation in self.relations.values():
            relation.prefetch(pks)

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            if value is None:
                value = ""  # an empty XLSX cell: empty text, as in a CSV file
            elif isinstance(value, float) and value.is_integer():
                value = int(value)  # XLSX stores 2009 as 2009.0
            row[key] = formula_unescape(value)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.slug in self.repeated_slugs:
            errors["slug"] = ValidationError(
                f"the slug “{instance.slug}” is on more than one row of the file",
                code="invalid",
            )
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

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        # The widgets resolved every foreign key to an existing record, and the
        # instance loader matched slugs against the database (repeats within the
        # file are caught above): Django's checks would query each row again.
        errors = dict(import_validation_errors or {})
        resolved = [
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, widgets.ForeignKeyWidget)
        ]
        for name in resolved:
            model_field = instance._meta.get_field(name)
            if not model_field.null and getattr(instance, model_field.attname) is None:
                errors.setdefault(
                    name, ValidationError("This field is required.", code="required")
                )
        try:
            instance.full_clean(exclude=[*errors, *resolved], validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
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

    # --- saving, in bulk -------------------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.status = Status.DRAFT  # an import never publishes
            instance.revision = 1
        instance._history_user = kwargs.get("user")
        instance._change_reason = f"Imported from {kwargs.get('file_name') or 'a file'}"

    def _history_create(self, instances, update=False):
        """History rows for `instances`, each with the tags it is saved with."""
        history = self._meta.model.history
        if not hasattr(history.model, "tags_snapshot"):
            history.bulk_history_create(instances, update=update)
            return
        tags = self.relations.get("tags")
        by_snapshot = {}
        for instance in instances:
            wanted = instance._import_relations
            names = wanted["tags"] if "tags" in wanted else tags.current(instance)
            by_snapshot.setdefault(", ".join(sorted(names)), []).append(instance)
        for snapshot, group in by_snapshot.items():
            history.bulk_history_create(
                group,
                update=update,
                custom_historical_attrs={"tags_snapshot": snapshot},
            )

    def bulk_create(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ):
        instances = list(self.create_instances)
        self.create_instances.clear()
        if not instances or (dry_run and not using_transactions):
            return
        try:
            self._meta.model._default_manager.bulk_create(instances)
            self._history_create(instances)
            user = instances[0]._history_user
            for column, relation in self.relations.items():
                pairs = [
                    (instance, instance._import_relations[column])
                    for instance in instances
                    if column in instance._import_relations
                ]
                if pairs:
                    relation.create(pairs, user)
            content_changed()  # bulk writes send no signal
        except (ValueError, DatabaseError) as error:
            # Shown on the page as the import's error; the whole import rolls back.
            self.handle_import_error(result, error, raise_errors)

    def bulk_update(
        self, using_transactions, dry_run, raise_errors, batch_size=None, result=None
    ):
        instances = list(self.update_instances)
        self.update_instances.clear()
        if not instances or (dry_run and not using_transactions):
            return
        try:
            self._revisions_claim(instances)
            fields = [
                field.attribute
                for field in self.get_import_fields()
                if field.attribute and field.attribute != "slug"
            ]
            self._meta.model._default_manager.bulk_update(
                instances, [*fields, "revision", "updated"]
            )
            self._history_create(instances, update=True)
            for instance in instances:
                for column, wanted in instance._import_relations.items():
                    self.relations[column].save(
                        instance, wanted, instance._history_user
                    )
            content_changed()
        except (ValueError, DatabaseError) as error:
            # Shown on the page as the import's error; the whole import rolls back.
            self.handle_import_error(result, error, raise_errors)

    def _revisions_claim(self, instances):
        """Lock the rows and move each to its next revision, unless a curator saved
        it after the import read it: then nothing of the import is saved."""
        model = self._meta.model
        current = dict(
            model._default_manager.select_for_update()
            .filter(pk__in=[instance.pk for instance in instances])
            .values_list("pk", "revision")
        )
        now = timezone.now()
        for instance in instances:
            if current.get(instance.pk) != instance.revision:
                raise ValueError(
                    f"“{instance}” was saved by someone else while this import ran "
                    f"(revision {instance.revision}, now {current.get(instance.pk)}); "
                    "nothing was imported. Import the file again to see their "
                    "changes in the preview."
                )
            instance.revision += 1
            instance.updated = now


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
    use_bulk = True
    batch_size = 1000


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
            RecordsColumn("lead_organizations", Initiative, Organization, "name"),
            CitationsColumn(InitiativeSource, "initiative"),
            TagsColumn(TaggedInitiative),
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
            RecordsColumn("initiatives", BestPractice, Initiative, "title"),
            CitationsColumn(PracticeSource, "practice"),
            TagsColumn(TaggedPractice),
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
