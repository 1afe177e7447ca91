"""Keep each jurisdiction's materialized path in step with its parent, and
curators' translations through a reload of the fixtures."""

from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from modeltranslation.utils import build_localized_fieldname

from .languages import TRANSLATIONS
from .models import Jurisdiction
from .translation import TRANSLATED_FIELDS


@receiver(post_save, sender=Jurisdiction)
def jurisdiction_path_update(sender, instance, raw, **kwargs):
    path = instance.compute_path()
    if path == instance.path:
        return
    old = instance.path
    if old:
        # Moved: the record and its whole subtree take the new prefix, in one UPDATE.
        Jurisdiction.objects.filter(path__startswith=old).update(
            path=Concat(Value(path), Substr("path", len(old) + 1))
        )
    else:
        Jurisdiction.objects.filter(pk=instance.pk).update(path=path)
    instance.path = path


@receiver(pre_save)
def translations_kept_on_raw_load(sender, instance, raw, **kwargs):
    """Loading the English fixtures again (loaddata saves raw) over records that
    curators have translated keeps the translations: a fixture has none, so its
    empty French and Spanish would otherwise overwrite theirs."""
    if not raw or sender not in TRANSLATED_FIELDS or instance.pk is None:
        return
    absent = [
        build_localized_fieldname(name, code)
        for name in TRANSLATED_FIELDS[sender]
        for code in TRANSLATIONS
        if getattr(instance, build_localized_fieldname(name, code)) is None
    ]
    if not absent:
        return
    kept = sender._default_manager.filter(pk=instance.pk).values(*absent).first()
    for name, value in (kept or {}).items():
        setattr(instance, name, value)
