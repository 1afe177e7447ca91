"""Fixtures for the browser tests: one Chromium for the whole package, driven by
Playwright against pytest-django's live server, with the real content loaded.

Without Chromium (or Playwright) every test here is skipped at collection time with
the reason; with KB_REQUIRE_BROWSER=1 (what CI sets) that is an error instead.
"""

import importlib
import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models import Q

from ..factories import make_curator, make_editor
from .support import CHROMIUM, CHROMIUM_FLAGS, DESKTOP, MOBILE

# Playwright's sync API runs an asyncio event loop in the test thread, so Django
# would refuse every ORM call made there (fixtures, assertions) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
REQUIRE_ENV = "KB_REQUIRE_BROWSER"


def _missing():
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM}"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -e '.[browser]')"
    return None


MISSING = _missing()
_collected = []


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(item.path).parents]
    _collected[:] = ours
    if not MISSING:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        raise pytest.UsageError(
            f"{REQUIRE_ENV}=1 but the browser tests cannot run: {MISSING}."
        )
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With KB_REQUIRE_BROWSER=1, a browser test that skips (no Java, no npm tools)
    fails instead: CI must prove the pages, not skip past them."""
    report = yield
    if report.skipped and os.environ.get(REQUIRE_ENV) == "1":
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = f"skipped, but {REQUIRE_ENV}=1 forbids it: {reason}"
    return report


def pytest_terminal_summary(terminalreporter):
    if MISSING and _collected:
        terminalreporter.write_line(
            f"The {len(_collected)} browser tests were SKIPPED: {MISSING}. Install "
            "Chromium (apt-get install chromium) and the browser extra "
            "(pip install -e '.[test,browser]') to run them.",
            yellow=True,
            bold=True,
        )


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="package", autouse=True)
def _curators_group_survives(django_db_setup, django_db_blocker):
    """Live-server tests flush the database after each test, which also deletes the
    Curators group that migration 0002 made. Put it back for the tests that follow."""
    yield
    with django_db_blocker.unblock():
        _create_curators_group()
        _create_editors_group()


def _create_curators_group():
    """The group as migration 0002 makes it. (Its function cannot be reused: it
    toggles `models_module` on the app configs it is given, which on the live
    registry would hide every app from dumpdata for the rest of the session.)"""
    migration = importlib.import_module("practices.migrations.0002_curators_group")
    wanted = migration.codenames()
    query = Q()
    for app_label, codename in wanted:
        query |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(query))
    assert len(permissions) == len(wanted)
    # And what the suggestions migration (0007) grants: readers' suggestions and
    # the import log.
    permissions += Permission.objects.filter(
        content_type__app_label="practices",
        codename__in=["view_suggestion", "change_suggestion", "view_importrecord"],
    )
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.set(permissions)


def _create_editors_group():
    """The group as migration 0010 makes it: curators' rights and publishing."""
    migration = importlib.import_module("practices.migrations.0010_workflow")
    curators = Group.objects.get(name="Curators")
    query = Q()
    for app_label, codename in migration.EDITOR_EXTRA:
        query |= Q(content_type__app_label=app_label, codename=codename)
    extra = list(Permission.objects.filter(query))
    assert len(extra) == len(migration.EDITOR_EXTRA)
    group, _ = Group.objects.get_or_create(name=migration.EDITORS)
    group.permissions.set([*curators.permissions.all(), *extra])


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the knowledge base's real content, as `load_content`
    loads it (with a first history version of each record)."""
    call_command("load_content", stdout=io.StringIO())
    return live_server


@pytest.fixture
def new_curator(transactional_db):
    """Make curator accounts (the Curators group is recreated after a flush)."""

    def make(username):
        _create_curators_group()
        return make_curator(username)

    return make


@pytest.fixture
def new_editor(transactional_db):
    """Make editor accounts (the groups are recreated after a flush)."""

    def make(username):
        _create_curators_group()
        _create_editors_group()
        return make_editor(username)

    return make


class BrowserProblems(list):
    """Console errors, uncaught exceptions and dialogs seen by a page."""

    def watch(self, page):
        def on_console(message):
            url = (message.location or {}).get("url", "")
            if message.type == "error":
                self.append(f"console error: {message.text} ({url})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))

        def on_dialog(dialog):
            self.append(f"dialog ({dialog.type}): {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page


@pytest.fixture
def problems():
    return BrowserProblems()


@pytest.fixture
def context(browser, site):
    ctx = browser.new_context(viewport=DESKTOP, base_url=site.url)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, problems):
    """A desktop-sized tab on the live site. Any console error (a CSP violation is
    one), uncaught exception or dialog fails the test at teardown."""
    tab = problems.watch(context.new_page())
    yield tab
    assert list(problems) == [], "the browser reported problems"


@pytest.fixture
def phone(browser, site, problems):
    """A 390 px wide tab on the live site, failing on problems as `page` does."""
    context = browser.new_context(viewport=MOBILE, base_url=site.url)
    context.set_default_timeout(10_000)
    yield problems.watch(context.new_page())
    context.close()
    assert list(problems) == [], "the browser reported problems"
