"""Where a page's "Suggest a correction" or "Suggest a practice" link goes."""

from django import template
from django.urls import reverse

from ..suggestions import KIND_OF_MODEL

register = template.Library()

# Pages that invite a new practice: the home page and the lists.
PRACTICE_PAGES = {
    "home",
    "practice-list",
    "initiative-list",
    "finding-list",
    "jurisdiction-list",
    "source-list",
    "tag-list",
}


@register.simple_tag(takes_context=True)
def suggest_links(context):
    """{"correction": url} on a published record's page (the detail views put the
    record in `object`), {"practice": url} on the home and list pages, else {}."""
    record = context.get("object")
    kind = KIND_OF_MODEL.get(type(record))
    if kind is not None and getattr(record, "is_published", False):
        return {"correction": reverse(f"practices:{kind}-suggest", args=[record.slug])}
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in PRACTICE_PAGES:
        return {"practice": reverse("practices:suggest-practice")}
    return {}
