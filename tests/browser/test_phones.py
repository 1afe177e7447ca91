"""Every public page type at a phone's width (390 px) in Chromium: nothing scrolls
sideways, chart text stays readable, a list's filters fold away above its results,
and long sections collapse without breaking links into them.

Full-page screenshots at 390 px go to artifacts/phones/."""

import pytest

from .support import MOBILE, NOT_FOUND, PAGE_TYPES, artifact_dir

pytestmark = pytest.mark.browser

# Beyond the audited page types: the other lists filtered, the other records'
# versions, a country with sub-jurisdictions, a chart on its own page, the compare
# page at its widest, the explorer, and a long unknown address (it is printed).
PHONE_PAGES = {
    **PAGE_TYPES,
    "initiative-list-filtered": "/initiatives/?jurisdiction=sweden&theme=prevention",
    "finding-list-filtered": "/findings/?jurisdiction=sweden&q=street",
    "source-list-filtered": "/sources/?q=police",
    "initiative-version": "/initiatives/sweden-1999-sex-purchase-law/v/1/",
    "finding-detail-chart": "/findings/goteborg-street-prostitution-1998-1999/",
    "finding-version": "/findings/goteborg-street-prostitution-1998-1999/v/1/",
    "jurisdiction-country-with-states": "/jurisdictions/united-states/",
    "jurisdiction-version": "/jurisdictions/sweden/v/1/",
    "jurisdiction-history": "/jurisdictions/sweden/history/",
    "compare-four": "/compare/?j=united-states&j=sweden&j=norway&j=canada",
    "compare-choose": "/compare/",
    "api-explorer": "/api/docs/explorer/",
    "not-found-long-address": "/no-such-page/" + "a-long-address-with-no-spaces-" * 5,
}
PHONE_NOT_FOUND = NOT_FOUND | {"not-found-long-address"}
WIDTH = MOBILE["width"]
SMALLEST_CHART_TEXT = 12  # CSS px, as rendered

# The widest thing on the page that sticks out past the viewport, for the message.
WIDEST = """() => {
    const width = document.documentElement.clientWidth;
    let widest = null;
    for (const el of document.body.querySelectorAll('*')) {
        const right = el.getBoundingClientRect().right;
        if (right > width + 0.5 && (!widest || right > widest.right)) {
            widest = {right, what: el.tagName.toLowerCase() + '.' + el.className};
        }
    }
    return widest;
}"""
# The size at which each chart label is drawn: its font size times the SVG's scale.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll('svg text')].map(t => {
    const scale = t.getScreenCTM() ? t.getScreenCTM().a : 1;
    return {text: t.textContent,
            size: parseFloat(getComputedStyle(t).fontSize) * scale};
})"""
OPEN_ALL = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


def overflow(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    return None if scroll_width <= WIDTH else (scroll_width, page.evaluate(WIDEST))


def test_no_page_type_scrolls_sideways_at_390_px_and_chart_text_is_readable(
    phone, problems
):
    shots = artifact_dir("phones")
    wide, small, chart_texts = {}, {}, 0
    for name, path in PHONE_PAGES.items():
        response = phone.goto(path)
        expected = 404 if name in PHONE_NOT_FOUND else 200
        assert response.status == expected, f"{name} ({path}): {response.status}"
        if expected == 404:  # Chromium reports the answer as a console error
            problems[:] = [p for p in problems if "status of 404" not in p]
        phone.screenshot(path=shots / f"{name}-{WIDTH}.png", full_page=True)
        if found := overflow(phone):
            wide[name] = found
        # What a reader sees after opening every disclosure must fit too.
        phone.evaluate(OPEN_ALL)
        if found := overflow(phone):
            wide[f"{name} (opened)"] = found
        sizes = phone.evaluate(CHART_TEXT_SIZES)
        chart_texts += len(sizes)
        tiny = [s for s in sizes if s["size"] < SMALLEST_CHART_TEXT]
        if tiny:
            small[name] = tiny[:3]
    assert wide == {}, f"wider than {WIDTH} px (scrollWidth, widest element)"
    assert small == {}, f"chart text below {SMALLEST_CHART_TEXT} px"
    assert chart_texts > 20, "the pages with charts drew no chart text"
    assert len(list(shots.glob(f"*-{WIDTH}.png"))) >= len(PHONE_PAGES)


def test_wide_tables_scroll_in_their_own_box_from_the_keyboard(phone):
    phone.goto("/gaps/")
    region = phone.locator(".table-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("End")
    # Keyboard scrolling is animated: wait for the box to have moved.
    phone.wait_for_function(
        "el => el.scrollLeft > 0", arg=region.element_handle(), timeout=5000
    )
    assert phone.evaluate("window.scrollX") == 0


def test_list_filters_fold_into_a_closed_disclosure_above_the_results(phone):
    phone.goto("/practices/")
    disclosure = phone.locator("details.filter-disclosure")
    results = phone.get_by_role("heading", name="13 best practices")
    assert disclosure.get_attribute("open") is None
    assert phone.locator("#filter-q").is_hidden()
    # The results start on the first screen, below the folded filters.
    summary_box = disclosure.locator("summary").bounding_box()
    results_box = results.bounding_box()
    assert summary_box["y"] < results_box["y"] < MOBILE["height"] - 100

    disclosure.locator("summary").click()
    phone.locator("#filter-theme").select_option("protection")
    phone.get_by_role("button", name="Apply").click()
    phone.wait_for_url("**theme=protection**")
    summary = phone.locator("details.filter-disclosure summary")
    assert "filters on" in summary.inner_text()
    summary.click()
    assert phone.get_by_role("region", name="Active filters").is_visible()


def test_list_filters_stay_an_open_sidebar_on_a_wide_screen(page):
    page.goto("/findings/")
    assert page.locator("details.filter-disclosure summary").is_hidden()
    query = page.locator("#filter-q")
    assert query.is_visible()
    side, results = query.bounding_box(), page.locator("#results-title").bounding_box()
    assert side["x"] + side["width"] < results["x"]  # beside the results, not above


def test_long_sections_collapse_and_links_into_them_still_work(phone):
    phone.goto("/jurisdictions/sweden/")
    groups = phone.locator("details.record-group")
    assert groups.count() >= 3
    assert all(groups.nth(i).get_attribute("open") is None for i in range(3))
    assert "The 5 recommendations" in groups.first.locator("summary").inner_text()
    height = phone.evaluate("document.documentElement.scrollHeight")
    phone.evaluate(OPEN_ALL)
    opened = phone.evaluate("document.documentElement.scrollHeight")
    assert height * 2 < opened, (height, opened)

    # An address with a fragment inside a closed section opens that section.
    target = "finding-goteborg-street-prostitution-1998-1999"
    phone.goto(f"/jurisdictions/sweden/#{target}")
    finding = phone.locator(f"#{target}")
    assert finding.evaluate("el => el.closest('details').open")
    assert finding.is_visible() and finding.bounding_box()["y"] < MOBILE["height"]
    # So does a reference's link back to a citation in a closed section.
    phone.goto("/jurisdictions/sweden/")
    anchor = phone.evaluate(
        """() => [...document.querySelectorAll('.references .backlinks a')]
            .map(a => a.getAttribute('href').slice(1))
            .find(id => document.getElementById(id).closest('details:not([open])'))"""
    )
    assert anchor, "no reference leads back into a closed section"
    phone.locator(f".references .backlinks a[href='#{anchor}']").click()
    cited = phone.locator(f"[id='{anchor}']")
    assert cited.evaluate("el => el.closest('details').open")
    assert cited.is_visible()
