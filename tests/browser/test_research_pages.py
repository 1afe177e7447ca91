"""The compare matrix and the evidence gap map in Chromium: a comparison reads at a
glance on a desktop, its column heads stay in view, and on a phone neither page
is wider than the screen. Both are also audited with every page type
(test_audit.py, PAGE_TYPES)."""

import pytest

from .support import DESKTOP, MOBILE, artifact_dir

pytestmark = pytest.mark.browser

COMPARE = "/compare/?j=united-states&j=sweden"
# Issue 11: the comparison of the two main countries fits in about five screens.
COMPARE_MAX_HEIGHT = 4500


def page_height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def test_compare_matrix_is_at_most_4500_px_tall_at_1280_px(browser, site):
    context = browser.new_context(viewport=DESKTOP, base_url=site.url)
    try:
        page = context.new_page()
        page.goto(COMPARE)
        page.screenshot(
            path=artifact_dir("screenshots") / "compare-matrix-height-1280.png",
            full_page=True,
        )
        assert page.locator("table.matrix tbody tr").count() == 4
        assert page_height(page) <= COMPARE_MAX_HEIGHT
    finally:
        context.close()


def test_compare_column_heads_stay_in_view_while_scrolling(browser, site):
    # A short window, so that the table is taller than the screen.
    context = browser.new_context(
        viewport={"width": 1280, "height": 500}, base_url=site.url
    )
    try:
        page = context.new_page()
        page.goto(COMPARE)
        head = page.locator("table.matrix thead th").nth(1)
        last_row = page.locator("table.matrix tbody tr").last
        last_row.scroll_into_view_if_needed()
        page.mouse.wheel(0, 200)
        box = head.bounding_box()
        assert head.evaluate("el => getComputedStyle(el).position") == "sticky"
        assert 0 <= box["y"] < 5, box  # pinned to the top of the window
        assert page.evaluate("window.scrollY") > 300
    finally:
        context.close()


@pytest.mark.parametrize("path", [COMPARE, "/gaps/"])
def test_research_pages_fit_a_phone_and_need_no_javascript(browser, site, path):
    context = browser.new_context(
        viewport=MOBILE, base_url=site.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
        if path == COMPARE:
            # Each cell names its jurisdiction, as the hidden column heads would.
            place = page.locator("table.matrix td .matrix-place").first
            assert place.is_visible() and place.inner_text() == "United States"
            cell = page.locator("table.matrix td").first
            assert cell.evaluate("el => getComputedStyle(el).display") == "block"
        else:
            assert page.locator("table.gap-table").count() == 2
            assert page.get_by_text("None recorded").first.is_visible()
    finally:
        context.close()
