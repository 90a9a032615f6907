"""Accessible inline SVG bar charts for the statistics page (no JavaScript, no images of text).

Each chart is ``<svg role="img">`` with a ``<title>`` and a ``<desc>``; labels
and values are real ``<text>``. Rows are drawn one under the other (label on
its own line, then one bar per series with its value), so a chart stays
readable at 360 px: the drawing is 360 units wide and scales with the page.
The page puts the same numbers in a table next to every chart.

Colours meet WCAG 2.1 AA against white: text #1a1a1a, bars #0b4f8a and
#9a4d00 (non-text contrast well above 3:1), and the two series also differ by
their value label, so colour is never the only cue.
"""

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

WIDTH = 360
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 12
LEGEND_HEIGHT = 26
VALUE_ROOM = 52  # room right of the longest bar for its value
SERIES = (("received", "chart__bar--received"), ("resolved", "chart__bar--resolved"))


def _number(value, decimals=None):
    """12345.6 -> "12.345,6" in Vietnamese, "12,345.6" in English: groups of three always, as people read counts."""
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def _series_labels():
    return {"received": _("Received"), "resolved": _("Resolved")}


@register.simple_tag
def bar_chart(rows, chart_id, title, description):
    """Received and resolved per row (objects with ``display``, ``received`` and ``resolved``)."""
    rows = list(rows)
    labels = _series_labels()
    largest = max([max(row.received, row.resolved) for row in rows] + [1])
    scale = (WIDTH - VALUE_ROOM) / largest
    parts = []
    # Legend
    x = 0
    for name, css in SERIES:
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="4" width="14" height="14"></rect><text x="{}" y="16">{}</text>',
                css,
                x,
                x + 20,
                labels[name],
            )
        )
        x += 20 + 9 * len(str(labels[name])) + 16
    y = LEGEND_HEIGHT
    for row in rows:
        y += LABEL_HEIGHT
        parts.append(format_html('<text class="chart__label" x="0" y="{}">{}</text>', y - 5, row.display))
        for name, css in SERIES:
            value = getattr(row, name)
            width = round(value * scale, 1)
            parts.append(
                format_html(
                    '<rect class="{}" x="0" y="{}" width="{}" height="{}"></rect>'
                    '<text class="chart__value" x="{}" y="{}">{}</text>',
                    css,
                    y,
                    width,
                    BAR_HEIGHT,
                    round(width + 4, 1),
                    y + BAR_HEIGHT - 3,
                    _number(value),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP
    height = y
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'preserveAspectRatio="xMinYMin meet" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )


@register.filter
def days(value):
    """1.5 -> "1,5" in Vietnamese; None -> "–"."""
    if value is None:
        return "–"
    return _number(round(value, 1), 1)


@register.filter
def percent(value):
    if value is None:
        return "–"
    return f"{_number(value, 1)} %"


@register.filter
def rating(value):
    if value is None:
        return "–"
    return _number(round(value, 2), 2)


@register.filter
def count(value):
    """A whole number with thousands grouped: 46291 -> "46.291"."""
    return _number(value or 0)
