"""Version numbers for citable records, read from their revision history.

A record's versions are the historical rows saved while it was published, numbered
1, 2, 3… in time order; draft edits are not versions. A version's text comes from
its own historical row, so a version permalink never changes after later edits.
"""

import difflib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext_lazy

from . import languages
from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Source,
    Status,
    WithdrawnVersion,
)


@dataclass(frozen=True)
class Kind:
    """One kind of citable record and how its pages are named."""

    key: str
    model: type
    label: str
    title_field: str
    # Text fields shown on a version page, read from the historical row.
    text_fields: tuple

    def url_name(self, suffix="detail"):
        return f"practices:{self.key}-{suffix}"


KINDS = {
    "practice": Kind(
        "practice",
        BestPractice,
        "Best practice",
        "title",
        ("recommendation", "discussion"),
    ),
    "initiative": Kind(
        "initiative", Initiative, "Initiative", "title", ("summary", "description")
    ),
    "jurisdiction": Kind(
        "jurisdiction", Jurisdiction, "Jurisdiction", "name", ("description",)
    ),
    "finding": Kind(
        "finding",
        Finding,
        "Finding",
        "title",
        ("statement", "claimant", "period_text", "locator"),
    ),
    # The description first: it is the page's summary (its meta description).
    "source": Kind(
        "source",
        Source,
        "Source",
        "title",
        ("description", "authors", "date_text", "publisher", "isbn", "url", "locator"),
    ),
}

# The labels of the fields a version page shows, in the reader's language (the
# models' verbose names are English; English pages read exactly as before).
FIELD_LABELS = {
    "title": pgettext_lazy("version field", "Title"),
    "name": pgettext_lazy("version field", "Name"),
    "recommendation": pgettext_lazy("version field", "Recommendation"),
    "discussion": pgettext_lazy("version field", "Discussion"),
    "summary": pgettext_lazy("version field", "Summary"),
    "description": pgettext_lazy("version field", "Description"),
    "statement": pgettext_lazy("version field", "Statement"),
    "claimant": pgettext_lazy("version field", "Claimant"),
    "period_text": pgettext_lazy("version field", "Period text"),
    "locator": pgettext_lazy("version field", "Locator"),
    "authors": pgettext_lazy("version field", "Authors"),
    "date_text": pgettext_lazy("version field", "Date text"),
    "publisher": pgettext_lazy("version field", "Publisher"),
    "isbn": pgettext_lazy("version field", "Isbn"),
    "url": pgettext_lazy("version field", "Url"),
    "theme": pgettext_lazy("version field", "Theme"),
    "kind": pgettext_lazy("version field", "Kind"),
}


def field_label(row, name):
    """The label of field `name` of `row` on a version page."""
    return FIELD_LABELS.get(name) or row._meta.get_field(name).verbose_name.capitalize()


def kind_of(obj):
    for kind in KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not a citable kind of record")


def _published_rows(obj):
    # A deletion row ("-") repeats the last state; it is not a new version.
    return (
        obj.history.filter(status=Status.PUBLISHED)
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
    )


@dataclass(frozen=True)
class Version:
    number: int
    latest: int
    row: object  # the historical record; its fields hold the version's text
    kind: Kind
    # The WithdrawnVersion when an editor withdrew it: its permalink then says
    # when and why instead of showing the text.
    withdrawal: object = None

    @property
    def is_current(self):
        return self.number == self.latest

    @property
    def updated(self):
        return self.row.updated

    @property
    def title(self):
        return languages.text_in(self.row, self.kind.title_field)

    @property
    def language(self):
        """The language this version is read in (its translation, or English)."""
        return languages.record_language(self.row)

    def get_absolute_url(self):
        return version_url(self.kind, self.row.slug, self.number)

    @property
    def changes_url(self):
        return changes_url(self.kind, self.row.slug, self.number)


def version_url(kind, slug, number):
    return reverse(kind.url_name("version"), kwargs={"slug": slug, "n": number})


def changes_url(kind, slug, number):
    return reverse(kind.url_name("version-changes"), kwargs={"slug": slug, "n": number})


def history_url(kind, slug):
    return reverse(kind.url_name("history"), kwargs={"slug": slug})


def current_version_number(obj):
    """How many published versions `obj` has (0 for a record loaded without
    history, which then has no permalink yet). One query."""
    return _published_rows(obj).aggregate(n=Count("pk"))["n"]


def version_count(model):
    """How many published versions each row has, as a subquery: for a list, one
    query for the whole page; for a record's page, none of its own (where
    current_version_number runs one per record)."""
    history = model.history.model
    rows = (
        history.objects.filter(id=OuterRef("pk"), status=Status.PUBLISHED)
        .exclude(history_type="-")
        .order_by()
        .values("id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def withdrawals(obj, rows=None):
    """{history_id: WithdrawnVersion} of `obj`'s withdrawn versions (of `rows`)."""
    found = WithdrawnVersion.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    if rows is not None:
        found = found.filter(history_id__in=[row.history_id for row in rows])
    return {w.history_id: w for w in found.select_related("withdrawn_by")}


def version_list(obj):
    """Every published version of `obj`, oldest first, numbered from 1."""
    kind = kind_of(obj)
    rows = list(_published_rows(obj))
    withdrawn = withdrawals(obj)
    return [
        Version(
            number=i,
            latest=len(rows),
            row=row,
            kind=kind,
            withdrawal=withdrawn.get(row.history_id),
        )
        for i, row in enumerate(rows, start=1)
    ]


def version_get(kind, slug, number):
    """Version `number` of the published record `slug`, or 404 (a record not
    published now has no public versions)."""
    obj = get_object_or_404(kind.model.objects.published(), slug=slug)
    latest = current_version_number(obj)
    if number < 1 or number > latest:
        raise Http404("There is no such version of this page.")
    row = _published_rows(obj)[number - 1]
    withdrawal = withdrawals(obj, [row]).get(row.history_id)
    return obj, Version(
        number=number, latest=latest, row=row, kind=kind, withdrawal=withdrawal
    )


def previous_version(kind, obj, version):
    """The version before `version`, or None for the first."""
    if version.number == 1:
        return None
    row = _published_rows(obj)[version.number - 2]
    return Version(number=version.number - 1, latest=version.latest, row=row, kind=kind)


def word_diff(before, after):
    """`after` against `before` word by word, as HTML: removed words in <del>,
    added ones in <ins>. Everything escaped first."""
    old, new = (before or "").split(), (after or "").split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # each part escaped above


def version_changes(kind, before, after):
    """What changed from version `before` to version `after`: the fields whose text
    changed (with a word diff) and, per section of the snapshot, the items added
    and removed. A section is "unknown" when either version predates snapshots."""
    names = (kind.title_field, *kind.text_fields, "theme", "kind")
    fields = []
    for name in names:
        try:
            field = after.row._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        old, new = getattr(before.row, name), getattr(after.row, name)
        if old != new:
            if field.choices:
                old = dict(field.flatchoices).get(old, old)
                new = dict(field.flatchoices).get(new, new)
            fields.append(
                {
                    "label": field_label(after.row, name),
                    "diff": word_diff(str(old or ""), str(new or "")),
                }
            )
    old_sections = getattr(before.row, "snapshot", None)
    new_sections = getattr(after.row, "snapshot", None)
    sections = []
    if old_sections is not None and new_sections is not None:
        old_by_key = {s["key"]: s for s in old_sections}
        for section in new_sections:
            old_items = old_by_key.get(section["key"], {"items": []})["items"]
            old_texts = {item["text"] for item in old_items}
            new_texts = {item["text"] for item in section["items"]}
            added = [i for i in section["items"] if i["text"] not in old_texts]
            removed = [i for i in old_items if i["text"] not in new_texts]
            if added or removed:
                sections.append(
                    {"label": section["label"], "added": added, "removed": removed}
                )
    return {
        "fields": fields,
        "sections": sections,
        # A jurisdiction's page links nothing a version would keep.
        "links_known": not hasattr(after.row, "snapshot")
        or (old_sections is not None and new_sections is not None),
    }
