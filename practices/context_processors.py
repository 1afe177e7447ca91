from django.conf import settings

from .references import PageReferences


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}


def references(request):
    """A fresh numbered reference list for each rendered page
    (practices/references.py): the page's markers fill it, base.html prints it."""
    return {"references": PageReferences()}
