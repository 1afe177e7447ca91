"""Findings' figures as text and as server-rendered SVG bar charts (no JavaScript).

A chart is drawn only where a finding has two or more figures in the same unit, so
the bars compare like with like; each chart carries a text alternative, and the page
shows the same numbers in a table next to it.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# The chart is laid out in CSS pixels, not scaled from a viewBox: its text keeps
# its size at any width (a 640-unit drawing shrunk onto a phone printed 8 px labels),
# and only the bars stretch, as percentages of the width. Each row is a label line
# above its bar, so a long label never competes with the bar for the width.
LABEL_LINE = 20  # the label's baseline sits 15 px down, its line 20 px tall
BAR_HEIGHT = 16
GAP = 14
BARS_SPAN = 70  # percent of the width for the longest bar; the rest holds its value
VALUE_PAD = 6


def format_number(value):
    """A stored Decimal as the source wrote it: 150, 32.2 (never a trailing .00).

    No thousands separator: values such as years must read as written."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def figure_number(figure):
    """The number with its qualifier and range: 'over 350', '105–130'."""
    number = format_number(figure.value)
    if figure.value_max is not None and figure.value_max != figure.value:
        number = f"{number}–{format_number(figure.value_max)}"
    if figure.qualifier:
        number = f"{figure.qualifier} {number}"
    return number


def figure_text(figure):
    """The number with its unit: 'over 350 women', '32.2 percent'."""
    return f"{figure_number(figure)} {figure.unit}".strip()


def figure_line(figure):
    """The figure in one line: 'Göteborg, 1998: 286 women', its place and year (said
    once: labels often carry the year already) before the number with its unit."""
    has_year = figure.year and str(figure.year) not in figure.label
    where = f", {figure.year}" if has_year else ""
    return f"{figure.label}{where}: {figure_text(figure)}"


def comparable_figures(figures):
    """The figures worth charting: two or more sharing one unit, else an empty list."""
    figures = list(figures)
    if len(figures) < 2:
        return []
    units = {f.unit.strip().lower() for f in figures}
    return figures if len(units) == 1 else []


def chart_description(title, figures):
    parts = "; ".join(f"{f.label}: {figure_text(f)}" for f in figures)
    return _("Bar chart, %(title)s. %(figures)s.") % {"title": title, "figures": parts}


def finding_chart_svg(finding, figures=None):
    """Inline SVG bars for a finding's comparable figures, or '' when none compare."""
    figures = comparable_figures(finding.figures.all() if figures is None else figures)
    if not figures:
        return ""
    top = max(f.value_max if f.value_max is not None else f.value for f in figures)
    scale = BARS_SPAN / float(top) if top > 0 else 0
    row = LABEL_LINE + BAR_HEIGHT + GAP
    rows = []
    for i, figure in enumerate(figures):
        y = i * row
        bar_y = y + LABEL_LINE
        # A zero still shows as a sliver, so the row does not read as missing.
        low = max(round(float(figure.value) * scale, 2), 0.3)
        high = (
            round(float(figure.value_max) * scale, 2)
            if figure.value_max is not None
            else low
        )
        range_bar = ""
        if high > low:
            # The uncertain part of a range is drawn lighter than its sure part.
            range_bar = format_html(
                '<rect class="bar-range" x="{}%" y="{}" width="{}%" height="{}" />',
                low,
                bar_y,
                round(high - low, 2),
                BAR_HEIGHT,
            )
        rows.append(
            format_html(
                '<g><text class="bar-label" x="0" y="{}">{}</text>'
                '<rect class="bar" x="0" y="{}" width="{}%" height="{}" />{}'
                '<text class="bar-value" x="{}%" dx="{}" y="{}">{}</text></g>',
                y + 15,
                _shorten(figure.label, 40),
                bar_y,
                low,
                BAR_HEIGHT,
                range_bar,
                max(low, high),
                VALUE_PAD,
                bar_y + 13,
                figure_number(figure),
            )
        )
    description = chart_description(finding.title, figures)
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'width="100%" height="{}" aria-label="{}"><title>{}</title>{}</svg>',
        len(figures) * row - GAP,
        description,
        description,
        mark_safe(format_html_join("", "{}", ((r,) for r in rows))),
    )


def _shorten(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
