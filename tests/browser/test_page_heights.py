"""Pages a researcher reads at a glance: full-page heights at 1280 px in Chromium,
on the real content, within issue 11's budgets (the long lists sit behind one
<details> each, so nothing is more than a click away). Screenshots go to
artifacts/heights/."""

import pytest

from practices.models import BestPractice

from .support import DESKTOP, artifact_dir

pytestmark = pytest.mark.browser

PRACTICE_BUDGET = 3500
COUNTRY_BUDGETS = {"/jurisdictions/united-states/": 5000}


def full_height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def test_practice_and_country_pages_fit_their_height_budgets(browser, site):
    budgets = {
        p.get_absolute_url(): PRACTICE_BUDGET for p in BestPractice.objects.published()
    }
    assert len(budgets) >= 13
    budgets.update(COUNTRY_BUDGETS)
    shots = artifact_dir("heights")
    context = browser.new_context(viewport=DESKTOP, base_url=site.url)
    page = context.new_page()
    heights = {}
    try:
        for path in budgets:
            assert page.goto(path).status == 200, path
            heights[path] = full_height(page)
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=shots / f"{name}-1280.png", full_page=True)
    finally:
        context.close()
    over = {path: h for path, h in heights.items() if h > budgets[path]}
    assert over == {}, heights
