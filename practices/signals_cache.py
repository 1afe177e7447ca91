"""Start a new page-cache generation whenever content a public page may show changes.

Every model of this app (records, their citations, figures, tag links and history,
which version pages show) and of taggit (tags and their links) counts, whatever
its status: a draft saved back from published, or published by a bulk action, has
to leave the public pages at once, and always invalidating is cheaper than proving
a save invisible. Saves of other apps (sessions, logins, admin log) do not.
`QuerySet.update()` sends no signal; code that uses it on content calls
`practices.cache.content_changed()` itself.

Most of those changes also start a new counts generation (the counts over
everything published, practices/cache.py). Not these, which cannot alter a count:
a practice, initiative or finding saved with only its text, slug, position or
bookkeeping changed (compared with the row as it was before the save), the
records' history and the editorial workflow's rows, figures and citations.
"""

import functools

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_save,
)
from django.dispatch import receiver
from modeltranslation.utils import build_localized_fieldname as localized

from .cache import content_changed, generation_bump
from .curation_models import ImportRecord, Suggestion
from .languages import CONTENT_LANGUAGES
from .models import (
    BestPractice,
    Citation,
    Finding,
    FindingFigure,
    Initiative,
    PendingChange,
    ReviewComment,
    WithdrawnVersion,
)
from .translation import TRANSLATED_FIELDS

CONTENT_APPS = {"practices", "taggit"}
# Rows no count over everything published reads.
UNCOUNTED_MODELS = (
    Citation,
    FindingFigure,
    PendingChange,
    ReviewComment,
    WithdrawnVersion,
    Suggestion,
    ImportRecord,
)
# Records whose save may leave every count as it was, and the fields of theirs no
# count reads.
TEXT_EDITABLE = (BestPractice, Initiative, Finding)
UNCOUNTED_FIELDS = {
    "created",
    "updated",
    "revision",
    "last_reviewed",
    "published_at",
    "search_vector",
    "slug",
    "position",
}


def _is_content(model):
    return model._meta.app_label in CONTENT_APPS


@functools.cache
def _counted_fields(model):
    """The attnames of `model`'s columns that a count may read: all but its text
    (every language's column of a translated field) and its bookkeeping."""
    text = {
        column
        for name in TRANSLATED_FIELDS.get(model, ())
        for column in (name, *(localized(name, code) for code in CONTENT_LANGUAGES))
    }
    return tuple(
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in UNCOUNTED_FIELDS and f.name not in text and not f.primary_key
    )


def _counted_values(instance):
    return [getattr(instance, name) for name in _counted_fields(type(instance))]


@receiver(pre_save, dispatch_uid="kb_cache_pre_save")
def remember_counted_values(sender, instance, raw, using, **kwargs):
    """Before a record is saved again: its counted values as they are stored."""
    if raw or sender not in TEXT_EDITABLE or instance.pk is None:
        return
    row = (
        sender.objects.using(using)
        .filter(pk=instance.pk)
        .values_list(*_counted_fields(sender))
        .first()
    )
    instance.kb_counted_before = list(row) if row is not None else None


def _is_uncounted(model):
    # A history row (simple_history's models name the model they record), or a
    # row no count reads.
    return getattr(model, "instance_type", None) is not None or issubclass(
        model, UNCOUNTED_MODELS
    )


def _may_change_counts(sender, instance, created, raw):
    if _is_uncounted(sender):
        return False
    if sender in TEXT_EDITABLE and not created and not raw:
        before = getattr(instance, "kb_counted_before", None)
        return before is None or before != _counted_values(instance)
    return True


@receiver(post_save, dispatch_uid="kb_cache_post_save")
def content_saved(sender, instance, created, raw, using, **kwargs):
    if _is_content(sender):
        content_changed(
            using, counts=_may_change_counts(sender, instance, created, raw)
        )


@receiver(post_delete, dispatch_uid="kb_cache_post_delete")
def content_deleted(sender, instance, using, **kwargs):
    if _is_content(sender):
        content_changed(using, counts=not _is_uncounted(sender))


@receiver(m2m_changed, dispatch_uid="kb_cache_m2m_changed")
def content_links_changed(sender, action, using, **kwargs):
    # `sender` is the through model: tags, initiatives, lead organizations, sources.
    if action.startswith("post_") and (
        _is_content(sender) or _is_content(kwargs["model"])
    ):
        # taggit sends an add and a remove on every save of a tag field, most of
        # them of no tag at all: those change no count.
        unchanged = action in ("post_add", "post_remove") and not kwargs["pk_set"]
        content_changed(using, counts=not unchanged)


@receiver(post_migrate, dispatch_uid="kb_cache_post_migrate")
def schema_migrated(sender, **kwargs):
    # Every deploy runs migrate: pages rendered by the previous code (its
    # templates) must not outlive it. Sent once per app; once is enough.
    if sender.name == "practices":
        generation_bump()
