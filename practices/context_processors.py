from django.conf import settings

from .references import PageReferences
from .site import site_url


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": site_url()}


def references(request):
    """A fresh numbered reference list for each rendered page
    (practices/references.py): the page's markers fill it, base.html prints it."""
    return {"references": PageReferences()}
