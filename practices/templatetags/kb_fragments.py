"""Parts of pages kept rendered in the process's memory (the "fragments" cache,
kb/settings.py), under a key made of everything they show: a list's items and
its facets, a page's references.

A list's twenty items were about 7 ms of its 24 ms at 100,000 practices
(bench/README.md, fifth round). An item's numbered reference markers depend on the
items before it on the page, so an item is kept in two parts, around its
attribution, which is rendered every time. The key holds the values the part
shows, read from the record as the page has it (its place, its tags, its texts in
the page's language and which language each is in): a changed record, place or tag
makes another key, so nothing is ever stale and nothing needs invalidating, in
this process or another.
"""

import hashlib

from django import template
from django.core.cache import InvalidCacheBackendError, caches
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..languages import text_and_language

register = template.Library()


def practice_item_inputs(context, practice):
    """Everything a practice's item shows but its attribution."""
    place = practice.jurisdiction
    return (
        get_language(),
        practice.pk,
        practice.slug,
        practice.theme,
        text_and_language(practice, "title"),
        text_and_language(practice, "recommendation"),
        (place.pk, place.slug, place.name, place.status),
        tuple((tag.slug, tag.name) for tag in practice.shown_tags()),
    )


def plain(value):
    """`value` as built-in values whose repr is the same in every process: a lazy
    translation as its text in the current language, a named tuple as a tuple."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return tuple((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(plain(item) for item in value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"No plain form for a fragment's key: {type(value).__name__}")


def facets_inputs(context, _record):
    """Everything a list's facets show (includes/facets.html): the facets, the
    chosen filters and the address their links are built from: each of its
    links is built from the query string (bench/README.md, seventh round)."""
    request = context["request"]
    active = context.get("active_jurisdiction")
    return (
        get_language(),
        request.path,
        tuple(sorted((key, tuple(request.GET.getlist(key))) for key in request.GET)),
        plain(context.get("country_facets")),
        context.get("country_facet_total"),
        plain(context.get("tag_facets")),
        context.get("tag_facet_total"),
        tuple(sorted(context.get("active_tag_pks") or ())),
        active.pk if active is not None else None,
        plain(context.get("choice_facets")),
        bool(context.get("facets_all")),
        bool(context.get("facets_truncated")),
    )


def references_inputs(context, references):
    """Everything a page's list of references shows (includes/reference_list.html):
    each entry's number, its source as the list names it (and the book reporting
    it), its sections and the markers citing each."""

    def work(source):
        return (source.pk, source.slug, source.status, source.authors, source.title)

    def reported_in(source):
        return work(source.reported_in) if source.reported_in_id else None

    return (
        get_language(),
        tuple(
            (
                entry.number,
                entry.uses,
                work(entry.source),
                entry.source.year,
                reported_in(entry.source),
                tuple(
                    (section.number, section.locator)
                    + tuple(marker.use for marker in section.markers)
                    for section in entry.sections
                ),
            )
            for entry in references.entries
        ),
    )


# kind: (its inputs, the templates of its kept parts)
KEPT = {
    "practice_item": (
        practice_item_inputs,
        ("includes/practice_item_head.html", "includes/practice_item_tail.html"),
    ),
    "facets": (facets_inputs, ("includes/facets.html",)),
    "references": (references_inputs, ("includes/reference_list.html",)),
}


@register.simple_tag(takes_context=True)
def kept(context, kind, record):
    """The parts of `kind` (KEPT) for `record` (None for parts that read only the
    context), each rendered in `context`: from memory when their inputs are what
    they were when the parts were kept."""
    inputs, templates = KEPT[kind]
    key = repr((kind, templates, inputs(context, record))).encode()
    key = f"kb:kept:{hashlib.sha256(key).hexdigest()}"
    try:
        store = caches["fragments"]
    except InvalidCacheBackendError:  # CACHES without it: rendered every time
        store = None
    parts = store.get(key) if store is not None else None
    if parts is None:
        engine = context.template.engine
        parts = [str(engine.get_template(name).render(context)) for name in templates]
        if store is not None:
            store.set(key, parts)
    return [mark_safe(part) for part in parts]  # templates' output, escaped there
