"""Start a new page-cache generation whenever content a public page may show changes.

Every model of this app (records, their citations, figures, tag links and history,
which version pages show) and of taggit (tags and their links) counts, whatever
its status: a draft saved back from published, or published by a bulk action, has
to leave the public pages at once, and always invalidating is cheaper than proving
a save invisible. Saves of other apps (sessions, logins, admin log) do not.
`QuerySet.update()` sends no signal; code that uses it on content calls
`practices.cache.content_changed()` itself.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from .cache import content_changed, generation_bump

CONTENT_APPS = {"practices", "taggit"}


def _is_content(model):
    return model._meta.app_label in CONTENT_APPS


@receiver(post_save, dispatch_uid="kb_cache_post_save")
@receiver(post_delete, dispatch_uid="kb_cache_post_delete")
def content_saved_or_deleted(sender, using, **kwargs):
    if _is_content(sender):
        content_changed(using)


@receiver(m2m_changed, dispatch_uid="kb_cache_m2m_changed")
def content_links_changed(sender, action, using, **kwargs):
    # `sender` is the through model: tags, initiatives, lead organizations, sources.
    if action.startswith("post_") and (
        _is_content(sender) or _is_content(kwargs["model"])
    ):
        content_changed(using)


@receiver(post_migrate, dispatch_uid="kb_cache_post_migrate")
def schema_migrated(sender, **kwargs):
    # Every deploy runs migrate: pages rendered by the previous code (its
    # templates) must not outlive it. Sent once per app; once is enough.
    if sender.name == "practices":
        generation_bump()
