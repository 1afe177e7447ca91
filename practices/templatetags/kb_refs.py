"""Reference markers ([1]) and short attributions for the public pages; the numbering
itself lives in practices/references.py."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import references as refs_module

register = template.Library()


def _marker(context, source, *locators):
    page_references = context.get("references")
    # Pages rendered outside a request (no context processor) and unpublished
    # sources get no marker: a marker must lead to a reference, and a reference
    # only to a public page.
    if page_references is None or source is None or not source.is_published:
        return ""
    marker = page_references.cite(source, *locators)
    return format_html(
        '<sup class="ref" id="{}"><a href="#{}" aria-label="{}">[{}]</a></sup>',
        marker.anchor,
        marker.target,
        marker.label,
        marker.entry.number,
    )


def _by_source(citations):
    """Citations (rows with .source and .locator) as (source, [locators]), one per
    published source in first-cited order: a record drawn from three sections of
    one book gets one marker, not three."""
    grouped = {}
    for c in citations:
        if c.source.is_published:
            grouped.setdefault(c.source.pk, (c.source, []))[1].append(c.locator)
    return list(grouped.values())


@register.simple_tag(takes_context=True)
def ref(context, source, locator=""):
    """A numbered marker citing `source` at `locator`."""
    return _marker(context, source, locator)


@register.simple_tag(takes_context=True)
def refs(context, citations):
    """Markers for a record's citations (rows with .source and .locator)."""
    return mark_safe(
        "".join(_marker(context, s, *locs) for s, locs in _by_source(citations))
    )


def work_label(source):
    """'Perrin (2010)', or the short title in <cite> when no author is named."""
    work = refs_module.reading_work(source)
    by = refs_module.author_year(work)
    return by or format_html("<cite>{}</cite>", refs_module.short_title(work))


@register.simple_tag(takes_context=True)
def cited_in(context, citations):
    """Who a record is drawn from, short, each with its marker: 'Perrin (2010)[1]'.
    The full titles are in the References list."""
    parts = [
        (work_label(source), _marker(context, source, *locators))
        for source, locators in _by_source(citations)
    ]
    return format_html_join(" " + _("and") + " ", "{}{}", parts)


@register.filter
def short_title(source):
    return refs_module.short_title(source)


@register.simple_tag(takes_context=True)
def cited_work(context, source, locator=""):
    """One source, short, with its marker: 'Perrin (2010)[2]'."""
    if source is None or not source.is_published:
        return ""
    return format_html("{}{}", work_label(source), _marker(context, source, locator))
