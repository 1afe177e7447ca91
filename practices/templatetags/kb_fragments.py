"""Parts of pages kept rendered in the process's memory (the "fragments" cache,
kb/settings.py), under a key made of everything they show.

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
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..languages import text_and_language

register = template.Library()


def practice_item_inputs(practice):
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
        tuple((tag.slug, tag.name) for tag in practice.tags.all()),
    )


# kind: (its inputs, the templates of its kept parts)
KEPT = {
    "practice_item": (
        practice_item_inputs,
        ("includes/practice_item_head.html", "includes/practice_item_tail.html"),
    ),
}


@register.simple_tag(takes_context=True)
def kept(context, kind, record):
    """The parts of `record`'s `kind` (KEPT), each rendered in `context`: from
    memory when the record shows what it showed when they were kept."""
    inputs, templates = KEPT[kind]
    key = repr((kind, templates, inputs(record))).encode()
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
