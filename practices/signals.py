"""Keep each jurisdiction's materialized path in step with its parent."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Jurisdiction


@receiver(post_save, sender=Jurisdiction)
def jurisdiction_path_update(sender, instance, raw, **kwargs):
    path = instance.compute_path()
    if path == instance.path:
        return
    old = instance.path
    Jurisdiction.objects.filter(pk=instance.pk).update(path=path)
    instance.path = path
    if old:
        # Move the subtree along with it.
        for child in Jurisdiction.objects.filter(path__startswith=old).exclude(
            pk=instance.pk
        ):
            child.path = path + child.path[len(old) :]
            Jurisdiction.objects.filter(pk=child.pk).update(path=child.path)
