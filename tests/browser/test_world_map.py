"""The world map in Chromium: it fills the page's width on a desktop and on a
phone without scrolling sideways, a keyboard reaches its countries, and its
screenshots go to artifacts/screenshots/ (map-home-<width>.png)."""

import pytest

from .support import WIDTHS, artifact_dir, has_visible_focus, outline_of

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed"
).expect


@pytest.mark.parametrize("width", WIDTHS)
def test_map_fills_the_width_of_the_page(browser, site, width):
    context = browser.new_context(viewport=WIDTHS[width], base_url=site.url)
    page = context.new_page()
    try:
        page.goto("/")
        section = page.locator("section.world-map")
        svg = section.locator("svg.world-map-svg")
        expect(svg).to_be_visible()
        map_box, section_box = svg.bounding_box(), section.bounding_box()
        assert abs(map_box["width"] - section_box["width"]) < 1
        # Drawn at the map's own proportions, not stretched or squeezed.
        view_box = svg.get_attribute("viewBox").split()
        ratio = float(view_box[2]) / float(view_box[3])
        assert abs(map_box["width"] / map_box["height"] - ratio) < 0.02
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
        section.screenshot(path=artifact_dir("screenshots") / f"map-home-{width}.png")
    finally:
        context.close()


def test_keyboard_reaches_a_country_on_the_map_and_follows_it(site, page):
    page.goto("/")
    country = page.locator("section.world-map").get_by_role(
        "link", name="United States: 8 best practices"
    )
    country.focus()
    expect(country).to_be_focused()
    assert has_visible_focus(outline_of(country))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("United States")
