"""Shared pytest fixtures: the loaded content, and small factories for test data."""

from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def content(db):
    """The knowledge base's real content, loaded from fixtures/*.json."""
    call_command("loaddata", *sorted(str(p) for p in FIXTURES_DIR.glob("*.json")))


@pytest.fixture(autouse=True)
def _page_cache_empty():
    """Each test starts with an empty cache: a page cached by an earlier test would
    outlive that test's rolled-back data (practices/cache.py)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from practices.cache import content_counter_forget, local_pages

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()  # never a shared Redis: clear() would flush it
    # A test that writes a token of its own could meet an earlier test's page kept
    # under the same one.
    local_pages.clear()
    # The database's content counter is rolled back with each test.
    content_counter_forget()


def pytest_collection_modifyitems(config, items):
    """The fault tests (tests/faults/) start and stop their own servers for minutes:
    they run only when the -m expression names them (`pytest -m faults`, as
    .ci/run does), never as part of the whole suite."""
    if "faults" in (config.getoption("markexpr") or ""):
        return
    skipped = [item for item in items if item.get_closest_marker("faults")]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


def pytest_sessionstart(session):
    """The interface's catalogues compiled, as `make install` does, when a .po
    file is newer than its .mo (a pytest run straight after editing one). Only in
    the process that starts the run: under pytest-xdist (-n) its workers would
    otherwise write the same .mo files at once while the other reads them."""
    if hasattr(session.config, "workerinput"):  # an xdist worker
        return
    from django.conf import settings

    for locale_dir in settings.LOCALE_PATHS:
        for po in Path(locale_dir).glob("*/LC_MESSAGES/django.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                call_command(
                    "compilemessages",
                    locale=[po.parent.parent.name],
                    verbosity=0,
                    ignore_patterns=[".venv", "node_modules"],
                )
