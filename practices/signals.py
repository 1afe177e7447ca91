"""Keep each jurisdiction's materialized path in step with its parent."""

from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Jurisdiction


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
