"""The columns of an import file that are more than one field: records named by slug
or name, tags, lists of related records, citations with locators, and a finding's
figures. Each parses its cell, reads the database the same way, and saves."""

from decimal import Decimal, InvalidOperation

from django.db.models import Q
from import_export import widgets
from simple_history.utils import bulk_create_with_history
from taggit.models import Tag

from ..models import FindingFigure, Jurisdiction, Source

LIST_SEPARATOR = ";"
PART_SEPARATOR = "|"


def cell_text(value):
    """A cell as stripped text ("" for an empty cell; XLSX gives numbers too)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _items(value):
    return [
        item.strip() for item in cell_text(value).split(LIST_SEPARATOR) if item.strip()
    ]


def _parts(item):
    return [part.strip() for part in item.split(PART_SEPARATOR)]


class RecordLookup:
    """Finds records of `model` by slug or exact name, remembering what it found:
    a 10,000-row file names the same few jurisdictions over and over."""

    def __init__(self, model, name_field):
        self.model = model
        self.name_field = name_field
        self.found = {}
        self.missing = {}  # value → why not: a typo repeated on every row asks once

    def get(self, value):
        value = cell_text(value)
        if not value:
            return None
        if value in self.missing:
            raise ValueError(self.missing[value])
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
                self.missing[value] = (
                    f"no {noun} has the slug or {self.name_field} “{value}”; an "
                    f"import does not create {self.model._meta.verbose_name_plural}: "
                    "add it first, or correct the name"
                )
            elif len(matches) > 1:
                self.missing[value] = (
                    f"several {self.model._meta.verbose_name_plural} are named "
                    f"“{value}”; give the slug instead"
                )
            if value in self.missing:
                raise ValueError(self.missing[value])
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
    the reason) into the same shape `current` reads from the database; `create`
    writes it for many new records at once, `save` makes one record match it."""

    def __init__(self, column):
        self.column = column
        self.cache = {}  # pk → current value, filled by prefetch()

    def wanted(self, value):
        raise NotImplementedError

    def read(self, pks):
        """{pk: current value} for many records in one query."""
        raise NotImplementedError

    def create(self, pairs, user):
        """Write the wanted value of each (new record, wanted) pair."""
        raise NotImplementedError

    def save(self, instance, wanted, user):
        raise NotImplementedError

    def render(self, wanted):
        return f"{LIST_SEPARATOR} ".join(wanted)

    def prefetch(self, pks):
        self.cache.update(self.read(pks))

    def current(self, instance):
        if instance.pk is None:
            return []
        if instance.pk not in self.cache:
            self.prefetch([instance.pk])
        return self.cache.get(instance.pk, [])

    def export(self, instance):
        wanted = getattr(instance, "_import_relations", {})
        if self.column in wanted:  # the preview shows what the row will write
            return self.render(wanted[self.column])
        return self.render(self.current(instance))


def _grouped(rows):
    grouped = {}
    for pk, value in rows:
        grouped.setdefault(pk, []).append(value)
    return grouped


class TagsColumn(RelationColumn):
    """Tags by slug or exact name; an unknown tag is an error (tags are a curated
    vocabulary: a typo must not become a new tag)."""

    def __init__(self, through, column="tags"):
        super().__init__(column)
        self.through = through
        self.lookup = RecordLookup(Tag, "name")

    def wanted(self, value):
        return sorted({self.lookup.get(item).name for item in _items(value)})

    def read(self, pks):
        links = self.through.objects.filter(content_object_id__in=pks)
        return {
            pk: sorted(names)
            for pk, names in _grouped(
                links.values_list("content_object_id", "tag__name")
            ).items()
        }

    def create(self, pairs, user):
        tags = {tag.name: tag for tag in self.lookup.found.values()}
        self.through.objects.bulk_create(
            self.through(content_object=instance, tag=tags[name])
            for instance, wanted in pairs
            for name in wanted
        )

    def save(self, instance, wanted, user):
        instance.tags.set(wanted)


class RecordsColumn(RelationColumn):
    """A plain many-to-many list of records by slug or name (lead organizations,
    a practice's initiatives)."""

    def __init__(self, column, model, related, name_field):
        super().__init__(column)
        self.field = model._meta.get_field(column)
        self.lookup = RecordLookup(related, name_field)

    @property
    def through(self):
        return self.field.remote_field.through

    def wanted(self, value):
        return sorted({self.lookup.get(item).slug for item in _items(value)})

    def read(self, pks):
        owner = self.field.m2m_field_name()
        target = self.field.m2m_reverse_field_name()
        links = self.through.objects.filter(**{f"{owner}_id__in": pks})
        return {
            pk: sorted(slugs)
            for pk, slugs in _grouped(
                links.values_list(f"{owner}_id", f"{target}__slug")
            ).items()
        }

    def create(self, pairs, user):
        owner = self.field.m2m_field_name()
        target = self.field.m2m_reverse_field_name()
        found = {obj.slug: obj for obj in self.lookup.found.values()}
        self.through.objects.bulk_create(
            self.through(**{owner: instance, target: found[slug]})
            for instance, wanted in pairs
            for slug in wanted
        )

    def save(self, instance, wanted, user):
        getattr(instance, self.column).set(
            self.lookup.model.objects.filter(slug__in=wanted)
        )


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

    def read(self, pks):
        links = self.through.objects.filter(**{f"{self.owner_field}_id__in": pks})
        rows = links.values_list(f"{self.owner_field}_id", "source__slug", "locator")
        return {
            pk: sorted(set(cited))
            for pk, cited in _grouped(
                (pk, (slug, locator)) for pk, slug, locator in rows
            ).items()
        }

    def _links(self, instance, wanted):
        sources = {obj.slug: obj for obj in self.lookup.found.values()}
        return [
            self.through(
                **{self.owner_field: instance}, source=sources[slug], locator=locator
            )
            for slug, locator in wanted
        ]

    def create(self, pairs, user):
        self.through.objects.bulk_create(
            link for instance, wanted in pairs for link in self._links(instance, wanted)
        )

    def save(self, instance, wanted, user):
        have = set(self.current(instance))
        want = set(wanted)
        links = self.through.objects.filter(**{self.owner_field: instance})
        for slug, locator in have - want:
            links.filter(source__slug=slug, locator=locator).delete()
        self.through.objects.bulk_create(self._links(instance, sorted(want - have)))

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

    def read(self, pks):
        figures = FindingFigure.objects.filter(finding_id__in=pks).select_related(
            "jurisdiction"
        )
        return _grouped(
            (
                figure.finding_id,
                (
                    figure.label,
                    str(figure.value),
                    figure.unit,
                    figure.qualifier,
                    "" if figure.value_max is None else str(figure.value_max),
                    str(figure.year or ""),
                    figure.jurisdiction.slug if figure.jurisdiction_id else "",
                ),
            )
            for figure in figures.order_by("finding_id", "position", "id")
        )

    def _figures(self, instance, wanted, user):
        places = {obj.slug: obj for obj in self.places.found.values()}
        figures = []
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
            figures.append(figure)
        return figures

    def create(self, pairs, user):
        figures = [
            figure
            for instance, wanted in pairs
            for figure in self._figures(instance, wanted, user)
        ]
        bulk_create_with_history(figures, FindingFigure, default_user=user)

    def save(self, instance, wanted, user):
        if self.current(instance) == wanted:
            return
        for figure in instance.figures.all():
            figure._history_user = user
            figure.delete()
        for figure in self._figures(instance, wanted, user):
            figure.save()

    def render(self, wanted):
        rendered = []
        for row in wanted:
            parts = list(row)
            while len(parts) > 3 and parts[-1] == "":
                parts.pop()
            rendered.append(f" {PART_SEPARATOR} ".join(parts))
        return f"{LIST_SEPARATOR} ".join(rendered)
