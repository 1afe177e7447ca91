"""Keyboard only: every control of the filter form and of the citation panel can be
reached with Tab, shows where the focus is, and works with Enter and Space."""

import re

import pytest

from .support import has_visible_focus, outline_of

pytestmark = pytest.mark.browser
expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed"
).expect

# The controls a keyboard user can reach inside `root`, in document order.
CONTROLS = """root => [...root.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea"
)].filter(el => !el.hidden && el.offsetParent !== null)"""


def tab_through(page, controls, limit=200):
    """Press Tab until each of `controls` has had the focus, in order; every element
    focused on the way must show a visible focus indicator."""
    pending = list(controls)
    seen = []
    for _ in range(limit):
        if not pending:
            return seen
        page.keyboard.press("Tab")
        active = page.locator(":focus")
        label = active.evaluate(
            "el => `${el.tagName} ${(el.textContent || el.name || el.id).trim()}`"
        )
        style = outline_of(active)
        assert has_visible_focus(style), f"no visible focus on {label}: {style}"
        seen.append(label)
        if pending[0].evaluate("el => el === document.activeElement"):
            pending.pop(0)
    raise AssertionError(f"never reached {pending[0]} by Tab; focus went {seen}")


def controls_in(page, selector):
    handles = page.locator(selector).evaluate_handle(CONTROLS)
    elements = (prop.as_element() for prop in handles.get_properties().values())
    return [element for element in elements if element is not None]


def test_filter_form_works_from_the_keyboard_with_visible_focus(site, page):
    page.goto("/practices/?jurisdiction=united-states&tag=victim-services")
    controls = controls_in(page, "form.filters")
    controls += controls_in(page, ".active-filters")
    controls += controls_in(page, ".facets")
    assert len(controls) >= 8
    tab_through(page, controls)

    # Back to the form: type words, pick a theme and a sort order, submit with Enter.
    page.locator("main").focus()
    tab_through(page, [page.locator("#filter-q")])
    page.keyboard.type("victims")
    page.keyboard.press("Tab")
    expect(page.locator("#filter-theme")).to_be_focused()
    page.keyboard.press("ArrowDown")  # Any theme -> Prevention
    page.keyboard.press("ArrowDown")  # -> Protection
    page.keyboard.press("Tab")
    expect(page.locator("#filter-sort")).to_be_focused()
    page.keyboard.press("ArrowDown")  # -> Title (A–Z)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Apply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"theme=protection"))
    assert "q=victims" in page.url and "sort=title" in page.url
    assert "tag=victim-services" in page.url  # the hidden filters came along
    active = page.get_by_role("region", name="Active filters")
    expect(active).to_contain_text("Theme: Protection")

    # Space on the Apply button submits too.
    tab_through(page, [page.get_by_role("button", name="Apply")])
    page.keyboard.press("Space")
    page.wait_for_load_state()
    expect(active).to_contain_text("Theme: Protection")

    # Remove a filter with Enter on its link.
    remove = active.get_by_role("link", name="Remove the theme filter")
    page.locator("main").focus()
    tab_through(page, [remove])
    page.keyboard.press("Enter")
    expect(active).not_to_contain_text("Theme: Protection")
    expect(active).to_contain_text("Tag: victim services")


def test_citation_panel_works_from_the_keyboard_with_visible_focus(site, page, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/practices/us-proactive-local-police-initiatives/")
    panel = page.locator("#cite")
    expect(panel.locator("button.copy-button").first).to_be_visible()
    controls = controls_in(page, "#cite")
    buttons = panel.locator("button.copy-button")
    assert buttons.count() >= 2
    page.locator("main").focus()
    tab_through(page, controls)

    # Space on the first copy button, Enter on the second: both copy their text.
    for key, index in (("Space", 0), ("Enter", 1)):
        button = buttons.nth(index)
        target = button.get_attribute("data-copy-target")
        page.locator("main").focus()
        tab_through(page, [button])
        page.keyboard.press(key)
        expect(button).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        expected = " ".join(page.locator(f"#{target}").text_content().split())
        assert copied == expected

    # Enter on a download link downloads the file.
    ris = panel.get_by_role("link", name="RIS (cite.ris)")
    page.locator("main").focus()
    tab_through(page, [ris])
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".ris")
