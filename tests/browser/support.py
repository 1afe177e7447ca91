"""What the browser tests share: where Chromium is, the page types of the public
site, and small helpers. Playwright is imported lazily so a plain test install can
still collect (and skip) these tests."""

from pathlib import Path

from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"

DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
WIDTHS = {"1280": DESKTOP, "390": MOBILE}

# One URL for each kind of public page, on the content `load_content` loads. The
# records chosen are the richest of their kind (charts, tags, initiatives, figures).
PAGE_TYPES = {
    "home": "/",
    "practice-list": "/practices/",
    "practice-list-filtered": (
        "/practices/?jurisdiction=united-states&tag=victim-services&theme=protection"
    ),
    "practice-detail": "/practices/us-proactive-local-police-initiatives/",
    "practice-version": "/practices/us-proactive-local-police-initiatives/v/1/",
    "practice-history": "/practices/us-proactive-local-police-initiatives/history/",
    "practice-changes": "/practices/us-proactive-local-police-initiatives/v/1/changes/",
    "search-suggestion": "/search/?q=prostitusion",
    "initiative-list": "/initiatives/",
    "initiative-detail": "/initiatives/sweden-1999-sex-purchase-law/",
    "jurisdiction-list": "/jurisdictions/",
    "jurisdiction-detail": "/jurisdictions/sweden/",
    "finding-list": "/findings/",
    "finding-detail": "/findings/october-2008-operation-results/",
    "tag-list": "/tags/",
    "tag-detail": "/tags/victim-services/",
    "source-list": "/sources/",
    "source-detail": "/sources/perrin-2010-invisible-chains/",
    "organization-detail": "/organizations/boston-police-department/",
    "search": "/search/?q=task+force",
    "compare": "/compare/?j=united-states&j=sweden",
    "gap-map": "/gaps/",
    "about": "/about/",
    "about-basis": "/about/basis/",
    "about-data": "/about/data/",
    "suggest-practice": "/suggest/",
    "suggest-correction": "/practices/us-proactive-local-police-initiatives/suggest/",
    "suggest-thanks": "/suggest/thanks/",
    "data-package": "/data/",
    "api-docs": "/api/docs/",
    "not-found": "/no-such-page/",
}
# A sample of page types in French and in Spanish, audited like the English ones
# (tests/browser/test_audit.py): longer words, other punctuation, lang attributes.
LANGUAGE_PAGE_TYPES = {
    "home-fr": "/fr/",
    "practice-list-filtered-es": (
        "/es/practices/?jurisdiction=united-states&tag=victim-services&theme=protection"
    ),
    "practice-detail-fr": "/fr/practices/us-proactive-local-police-initiatives/",
    "practice-version-es": "/es/practices/us-proactive-local-police-initiatives/v/1/",
    "initiative-detail-es": "/es/initiatives/sweden-1999-sex-purchase-law/",
    "jurisdiction-detail-fr": "/fr/jurisdictions/sweden/",
    "finding-detail-es": "/es/findings/october-2008-operation-results/",
    "source-detail-fr": "/fr/sources/perrin-2010-invisible-chains/",
    "search-es": "/es/search/?q=task+force",
    "compare-fr": "/fr/compare/?j=united-states&j=sweden",
    "gap-map-es": "/es/gaps/",
    "about-fr": "/fr/about/",
    "suggest-practice-es": "/es/suggest/",
    "not-found-fr": "/fr/no-such-page/",
}
NOT_FOUND = {"not-found", "not-found-fr"}


def artifact_dir(*parts):
    path = ARTIFACTS.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def outline_of(locator):
    """The focus indicator the browser draws around an element: its computed outline
    and box-shadow."""
    return locator.evaluate(
        """el => {
            const s = getComputedStyle(el);
            return {outline: s.outlineStyle, width: s.outlineWidth,
                    shadow: s.boxShadow};
        }"""
    )


def has_visible_focus(style):
    outline = style["outline"] != "none" and style["width"] not in ("0px", "")
    return outline or style["shadow"] not in ("none", "")
