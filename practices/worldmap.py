"""The world map of the home and jurisdiction pages: country outlines from
data/world-110m.json (built by scripts/build_world_map.py), the countries with
published practices shaded by how many and linked to their pages."""

import json
from functools import cache, lru_cache
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

DATA = Path(__file__).resolve().parent / "data" / "world-110m.json"

# Practice counts from each shade's lower bound up to the next one's. Fixed
# rather than computed from the data, so a shade means the same on every visit.
SHADES = [(1, "1–2"), (3, "3–5"), (6, "6–10"), (11, gettext_lazy("11 or more"))]


@cache
def outlines():
    """(viewBox, {ISO code: path data}, path data of the uncoded shapes), read
    once per process."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    coded = {c["iso"]: c["d"] for c in data["countries"] if c["iso"]}
    uncoded = "".join(c["d"] for c in data["countries"] if not c["iso"])
    return data["viewBox"], coded, uncoded


# Keyed by the set of linked countries, which changes only with content.
@lru_cache(maxsize=16)
def plain_land(linked):
    """One path for every shape without content: nothing to name or link, so
    one element instead of 170 keeps the page small."""
    _, coded, uncoded = outlines()
    return "".join(d for iso, d in coded.items() if iso not in linked) + uncoded


def shade(count):
    """1 for the lightest shade to len(SHADES) for the darkest."""
    return sum(1 for lower, _ in SHADES if count >= lower)


def world_map(country_counts):
    """What templates/includes/world_map.html draws, from the rows of
    selectors.country_practice_counts(). Countries the map cannot draw (no
    outline for their code) are simply left out: the text list has them."""
    view_box, coded, _ = outlines()
    linked = []
    for iso, name, slug, count in country_counts:
        if iso not in coded:
            continue
        linked.append(
            {
                "label": ngettext(
                    "%(country)s: %(count)s best practice",
                    "%(country)s: %(count)s best practices",
                    count,
                )
                % {"country": name, "count": count},
                "url": reverse("practices:jurisdiction-detail", kwargs={"slug": slug}),
                "shade": shade(count),
                "d": coded[iso],
            }
        )
    return {
        "view_box": view_box,
        "plain": plain_land(frozenset(c for c, *_ in country_counts)),
        "linked": linked,
        "legend": [
            {"shade": i, "label": label} for i, (_, label) in enumerate(SHADES, 1)
        ],
    }
