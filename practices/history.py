"""Tags in the revision history: django-simple-history does not follow taggit's tags,
so the history rows of initiatives and best practices keep a snapshot of them."""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_noop
from simple_history.signals import pre_create_historical_record


def tags_snapshot(obj):
    """`obj`'s tags as its history keeps them: the sorted names, "a, b"."""
    return ", ".join(sorted(obj.tags.names()))


class TagsSnapshotHistory(models.Model):
    """Base of the historical models of tagged records (HistoricalRecords(bases=))."""

    # Null on rows written before tags were recorded: their tags are unknown.
    tags_snapshot = models.TextField(
        "tags", null=True, blank=True, editable=False, help_text="The tags as saved."
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def history_tags_snapshot_fill(sender, instance, history_instance, **kwargs):
    if not isinstance(history_instance, TagsSnapshotHistory):
        return
    if history_instance.history_type == "-":
        # The tag links are deleted with the record; its last row knows its tags.
        last = instance.history.order_by("-history_date", "-history_id").first()
        history_instance.tags_snapshot = last.tags_snapshot if last else None
    else:
        history_instance.tags_snapshot = tags_snapshot(instance)


# --- The whole record as the public saw it ----------------------------------------


def _item(text, url="", **extra):
    return {"text": text, "url": url, **extra}


def _cited(source, locator):
    """A source with its locator; the ids let a version's cite panel cite them."""
    text = f"{source.title} (section “{locator}”)" if locator else source.title
    return _item(text, source.get_absolute_url(), source=source.pk, locator=locator)


def _citations(rows):
    return [
        _cited(row.source, row.locator)
        for row in rows
        if row.source.status == "published"
    ]


def snapshot_sources(snapshot):
    """(source id, locator) pairs a version's snapshot cites, in order."""
    return [
        (item["source"], item.get("locator", ""))
        for section in snapshot
        if section["key"] == "sources"
        for item in section["items"]
        if "source" in item
    ]


def public_snapshot(obj):
    """What a reader of `obj`'s page sees besides its own fields, as sections of
    items ([{"key", "label", "items": [{"text", "url"}]}]), published links only:
    tags, sources with their locators, figures, linked initiatives or practices.
    Kept with each history row so a version permalink shows the record whole."""
    from . import charts  # charts imports the models, which import this module

    sections = []

    def add(key, label, items):
        sections.append({"key": key, "label": label, "items": items})

    def linked(records):
        return [
            _item(str(record), record.get_absolute_url())
            for record in records.filter(status="published").order_by("title")
        ]

    kind = obj._meta.model_name
    if kind in ("bestpractice", "initiative"):
        add(
            "tags",
            gettext_noop("Tags"),
            [_item(name) for name in sorted(obj.tags.names())],
        )
        through = (
            obj.practicesource_set
            if kind == "bestpractice"
            else obj.initiativesource_set
        )
        add(
            "sources",
            gettext_noop("Sources"),
            _citations(through.select_related("source")),
        )
    if kind == "bestpractice":
        add("initiatives", gettext_noop("Initiatives"), linked(obj.initiatives.all()))
    if kind == "initiative":
        add(
            "practices",
            gettext_noop("Best practices it illustrates"),
            linked(obj.practices.all()),
        )
    if kind == "finding":
        source = obj.source
        published = source.status == "published"
        add(
            "sources",
            gettext_noop("Source"),
            [_cited(source, obj.locator)] if published else [],
        )
        add(
            "figures",
            gettext_noop("Figures"),
            [
                _item(f"{figure.label}: {charts.figure_text(figure)}")
                for figure in obj.figures.all()
            ],
        )
        initiative_model = obj._meta.get_field("initiative").related_model
        initiatives = initiative_model.objects.filter(pk=obj.initiative_id)
        add("initiatives", gettext_noop("Initiative"), linked(initiatives))
    return sections


class SnapshotHistory(models.Model):
    """Base of the historical models of records whose page shows linked records."""

    # Null on rows written before snapshots were kept: their links are unknown.
    snapshot = models.JSONField(
        "as published",
        null=True,
        blank=True,
        editable=False,
        help_text="Tags, sources, figures and links as the page showed them.",
    )

    class Meta:
        abstract = True


class TagsAndSnapshotHistory(TagsSnapshotHistory, SnapshotHistory):
    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def history_snapshot_fill(sender, instance, history_instance, **kwargs):
    if not isinstance(history_instance, SnapshotHistory):
        return
    if history_instance.history_type == "-":
        last = instance.history.order_by("-history_date", "-history_id").first()
        history_instance.snapshot = last.snapshot if last else None
    else:
        history_instance.snapshot = public_snapshot(instance)


def history_snapshot_refresh(obj):
    """Write `obj`'s links, as now saved, into its newest history row: the admin
    saves tags, sources and figures after the record itself."""
    history = getattr(obj, "history", None)
    if history is None or not issubclass(history.model, SnapshotHistory):
        return
    newest = history.order_by("-history_date", "-history_id").first()
    if newest is not None:
        newest.snapshot = public_snapshot(obj)
        newest.save(update_fields=["snapshot"])
