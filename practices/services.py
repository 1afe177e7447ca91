"""The editorial workflow's business logic: publishing, review dates, revisions and
tag merging. The admin calls these; nothing here knows about requests or forms."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from taggit.models import Tag

from .cache import content_changed
from .history import tags_snapshot
from .models import BestPractice, Status, TaggedInitiative, TaggedPractice

# Every through model that points at taggit's Tag; a merge must move all of them.
TAG_THROUGH_MODELS = [TaggedInitiative, TaggedPractice]


class RevisionConflict(Exception):
    """A save was based on a revision older than the one in the database."""

    def __init__(self, obj, loaded_revision, current_revision):
        self.obj = obj
        self.loaded_revision = loaded_revision
        self.current_revision = current_revision
        super().__init__(
            f"{obj._meta.verbose_name} {obj.pk}: loaded at revision "
            f"{loaded_revision}, database has {current_revision}"
        )


def review_interval_days():
    return getattr(settings, "KB_REVIEW_INTERVAL_DAYS", 365)


def review_due_q(today=None):
    """Records never reviewed, or last reviewed longer ago than the interval."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=review_interval_days())
    return Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff)


def publish_problems(obj):
    """Why `obj` may not be published yet: a list of sentences, empty when it may."""
    problems = []
    if isinstance(obj, BestPractice) and not obj.sources.exists():
        problems.append(
            f"“{obj}” has no source; add the source it comes from before publishing."
        )
    return problems


def revision_current(model, pk, lock=True):
    """The revision in the database, locking the row until the transaction ends."""
    queryset = model._default_manager.filter(pk=pk)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.values_list("revision", flat=True).first()


def record_save_checked(obj, loaded_revision, user=None):
    """Save `obj` as the next revision, unless someone saved it since
    `loaded_revision`: then raise RevisionConflict and save nothing.

    A conditional UPDATE claims the next revision, so of two concurrent saves
    based on the same revision exactly one wins, on every database backend.
    """
    if obj.pk is None or obj._state.adding:
        obj.revision = 1
    else:
        revision_claim(obj, loaded_revision)
    if user is not None:
        obj._history_user = user
    obj.save()
    return obj


def revision_claim(obj, loaded_revision):
    """Move `obj`'s row from `loaded_revision` to the next revision, or raise
    RevisionConflict when someone else moved it first. Also used alone by a
    published record's pending change, which leaves the rest of the row as is."""
    model = type(obj)
    claimed = (
        model._default_manager.filter(pk=obj.pk, revision=loaded_revision).update(
            revision=loaded_revision + 1
        )
        if loaded_revision is not None
        else 0
    )
    if not claimed:
        raise RevisionConflict(
            obj, loaded_revision, revision_current(model, obj.pk, lock=False)
        )
    obj.revision = loaded_revision + 1


def record_history_tags_update(obj):
    """Write `obj`'s tags, as now saved, into its newest history row: the admin
    saves tags after the record, so the row that save wrote has the tags before."""
    history = getattr(obj, "history", None)
    if history is None or not hasattr(history.model, "tags_snapshot"):
        return
    newest = history.order_by("-history_date", "-history_id").first()
    if newest is not None:
        newest.tags_snapshot = tags_snapshot(obj)
        newest.save(update_fields=["tags_snapshot"])


def _records_update(queryset, change, reason, user=None, check=None):
    """Apply `change` to each record of `queryset` and save it as a new revision,
    recording who did it and why. Returns (changed records, refusal messages)."""
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    changed, refused = [], []
    with transaction.atomic():
        for obj in model._default_manager.select_for_update().filter(pk__in=pks):
            problems = check(obj) if check else []
            if problems:
                refused.extend(problems)
                continue
            change(obj)
            obj.revision += 1
            obj._change_reason = reason
            if user is not None:
                obj._history_user = user
            obj.save()
            changed.append(obj)
    return changed, refused


def records_publish(queryset, user=None, check=None):
    """Publish the records of `queryset`; `check(obj)` may add reasons to refuse
    one (the workflow's self-approval rule)."""

    def change(obj):
        obj.status = Status.PUBLISHED

    def problems(obj):
        return publish_problems(obj) + (check(obj) if check else [])

    return _records_update(
        queryset.exclude(status=Status.PUBLISHED),
        change,
        "Published",
        user,
        check=problems,
    )


def records_unpublish(queryset, user=None):
    def change(obj):
        obj.status = Status.DRAFT
        obj.published_at = None

    return _records_update(
        queryset.exclude(status=Status.DRAFT), change, "Back to draft", user
    )


def records_send_to_review(queryset, user=None):
    def change(obj):
        obj.status = Status.REVIEW

    return _records_update(
        queryset.filter(status=Status.DRAFT), change, "Sent to review", user
    )


def records_mark_reviewed(queryset, user=None, today=None):
    today = today or timezone.localdate()

    def change(obj):
        obj.last_reviewed = today

    return _records_update(queryset, change, "Marked reviewed", user)


def tags_merge(tags, target):
    """Move every use of `tags` onto `target` and delete them. Returns how many
    tagged records were moved."""
    others = [tag for tag in tags if tag.pk != target.pk]
    moved = 0
    with transaction.atomic():
        for through in TAG_THROUGH_MODELS:
            links = through.objects.filter(tag__in=others)
            # A record keeps one link: none moves where the target is already, and
            # of a record's several merged tags only the oldest link moves.
            already = through.objects.filter(tag=target).values("content_object_id")
            links.filter(content_object_id__in=already).delete()
            oldest = (
                links.values("content_object_id")
                .annotate(first=Min("pk"))
                .values("first")
            )
            links.exclude(pk__in=oldest).delete()
            moved += links.update(tag=target)
        Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
        content_changed()  # update() sends no signal
    return moved
