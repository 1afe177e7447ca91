"""Template helpers for the public pages: figures as written, charts, filter links."""

from django import template

from .. import charts, selectors, worldmap
from ..links import slug_url
from ..models import Theme

register = template.Library()


@register.filter
def tag_url(slug):
    """The address of a tag's page (a list page links dozens of tags)."""
    return slug_url("practices:tag-detail", slug)


@register.filter
def figure(figure):
    """'over 350 women', '105–130 cases'."""
    return charts.figure_text(figure)


@register.simple_tag
def finding_chart(finding):
    """An inline SVG chart of the finding's comparable figures, or nothing."""
    return charts.finding_chart_svg(finding)


@register.simple_tag
def by_theme(practices):
    """The four themes in order, each with its practices from `practices` (a page's
    at-a-glance summary), counted from the list the page already loaded."""
    practices = list(practices)
    return [
        {
            "value": value,
            "label": label,
            "practices": [p for p in practices if p.theme == value],
        }
        for value, label in Theme.choices
    ]


@register.filter
def chartable(finding):
    return bool(charts.comparable_figures(finding.figures.all()))


@register.filter
def chartable_only(findings):
    """The findings that have a chart: a page's key figures."""
    return [finding for finding in findings if chartable(finding)]


@register.simple_tag(takes_context=True)
def without(context, name, value=None):
    """The current query string with one filter value (or the whole parameter)
    removed, and the page reset: the link behind each active filter's 'remove'."""
    params = context["request"].GET.copy()
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != str(value)])
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"  # simple_tag escapes it


@register.simple_tag(takes_context=True)
def with_value(context, name, value):
    """The current query string with one more value for a repeatable parameter
    (adding a tag keeps the tags already chosen), and the page reset."""
    params = context["request"].GET.copy()
    values = params.getlist(name)
    if str(value) not in values:
        values.append(str(value))
    params.setlist(name, values)
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.simple_tag
def world_map():
    """The world map's countries, shades and links (one query, cached)."""
    return worldmap.world_map(selectors.country_practice_counts())
