"""Staff previews: a draft, or a published record with its pending change, rendered
with the public template under a "Preview — not public" banner. Never cached,
never indexed; the admin checks who may see it."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from . import selectors, versions
from .models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Quotation,
    Source,
)
from .views.cite import page_context

PAGES = {
    BestPractice: (selectors.practice_detail, "practices/practice_detail.html"),
    Initiative: (selectors.initiative_detail, "practices/initiative_detail.html"),
    Jurisdiction: (
        selectors.jurisdiction_detail,
        "practices/jurisdiction_detail.html",
    ),
    Finding: (selectors.finding_detail, "practices/finding_detail.html"),
    Source: (selectors.source_detail, "practices/source_detail.html"),
    Organization: (
        selectors.organization_detail,
        "practices/organization_detail.html",
    ),
}


def preview_response(request, obj, applied=None):
    """The public page of `obj` as it would read once published; `applied` is the
    record with its pending change's values, when it has one (its tags and inline
    rows show as saved)."""
    if isinstance(obj, Quotation):
        # A quotation has no page of its own: preview the page that shows it.
        target = obj.initiative or obj.jurisdiction or obj.source
        return preview_response(request, target)
    selector, template = PAGES[type(obj)]
    context = selector(obj.slug, preview=True)
    shown = context["object"]
    if applied is not None:
        for field in obj._meta.concrete_fields:
            setattr(shown, field.attname, getattr(applied, field.attname))
    try:
        context.update(page_context(versions.kind_of(obj), shown))
    except LookupError:
        pass  # organizations have no cite panel
    context.update(
        {"preview": True, "preview_pending": applied is not None, "noindex": True}
    )
    response = render(request, template, context)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
