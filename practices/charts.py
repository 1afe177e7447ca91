"""Findings' figures as text and as server-rendered SVG bar charts (no JavaScript).

A chart is drawn only where a finding has two or more figures in the same unit, so
the bars compare like with like; each chart carries a text alternative, and the page
shows the same numbers in a table next to it.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 26
GAP = 12
TOP = 8
VALUE_PAD = 8


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


def comparable_figures(figures):
    """The figures worth charting: two or more sharing one unit, else an empty list."""
    figures = list(figures)
    if len(figures) < 2:
        return []
    units = {f.unit.strip().lower() for f in figures}
    return figures if len(units) == 1 else []


def chart_description(title, figures):
    parts = "; ".join(f"{f.label}: {figure_text(f)}" for f in figures)
    return f"Bar chart, {title}. {parts}."


def finding_chart_svg(finding, figures=None):
    """Inline SVG bars for a finding's comparable figures, or '' when none compare."""
    figures = comparable_figures(finding.figures.all() if figures is None else figures)
    if not figures:
        return ""
    top = max(f.value_max if f.value_max is not None else f.value for f in figures)
    scale = (WIDTH - LABEL_WIDTH - 110) / float(top) if top > 0 else 0
    height = TOP * 2 + len(figures) * (BAR_HEIGHT + GAP) - GAP
    rows = []
    for i, figure in enumerate(figures):
        y = TOP + i * (BAR_HEIGHT + GAP)
        low = max(float(figure.value) * scale, 1.0)
        high = float(figure.value_max) * scale if figure.value_max is not None else low
        range_bar = ""
        if high > low:
            # The uncertain part of a range is drawn lighter than its sure part.
            range_bar = format_html(
                '<rect class="bar-range" x="{}" y="{}" width="{}" height="{}" />',
                LABEL_WIDTH + round(low, 1),
                y,
                round(high - low, 1),
                BAR_HEIGHT,
            )
        rows.append(
            format_html(
                '<g><text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" />{}'
                '<text class="bar-value" x="{}" y="{}">{}</text></g>',
                LABEL_WIDTH - VALUE_PAD,
                y + BAR_HEIGHT * 0.68,
                _shorten(figure.label, 30),
                LABEL_WIDTH,
                y,
                round(low, 1),
                BAR_HEIGHT,
                range_bar,
                LABEL_WIDTH + round(max(low, high), 1) + VALUE_PAD,
                y + BAR_HEIGHT * 0.68,
                figure_number(figure),
            )
        )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 {} {}" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        chart_description(finding.title, figures),
        chart_description(finding.title, figures),
        mark_safe(format_html_join("", "{}", ((r,) for r in rows))),
    )


def _shorten(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
