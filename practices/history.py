"""Tags in the revision history: django-simple-history does not follow taggit's tags,
so the history rows of initiatives and best practices keep a snapshot of them."""

from django.db import models
from django.dispatch import receiver
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
