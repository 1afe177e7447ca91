"""Two app servers behind one PostgreSQL and one Redis: a curator's edit, unpublish
and publish through one server shows at once on the other, whose cache was warm
(pages and the API's answers alike).

Starts two gunicorn servers with production settings on a database of its own
(created, migrated and loaded here, dropped afterwards) and a Redis key prefix of
its own (deleted afterwards). Runs when DATABASE_URL points at PostgreSQL and Redis
answers at REDIS_URL (default redis://127.0.0.1:6379/0); skips otherwise.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.parse

import dj_database_url
import pytest

from .servers import (
    CURATOR,
    PASSWORD,
    ROOT,
    Browser,
    Server,
    csrf_token,
    form_fields,
    log_in,
    published_practice,
)

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _postgres_settings():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (set it to run)")
    return dj_database_url.parse(url)


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {REDIS_URL}: {error}")


def _admin_connection(db):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
    )
    connection.autocommit = True
    return connection


@pytest.fixture
def site(tmp_path):
    """A migrated database with the real content and a curator, and the
    production environment for servers that share it and one Redis."""
    db = _postgres_settings()
    _redis_or_skip()
    name = f"kb_two_servers_{secrets.token_hex(4)}"
    admin = _admin_connection(db)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    prefix = f"kb-two-servers-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DATABASE_URL": _with_database(os.environ["DATABASE_URL"], name),
        "REDIS_URL": REDIS_URL,
        "KB_CACHE_PREFIX": prefix,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # Plain HTTP between the test and the servers (TLS would end at the proxy).
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_MAX_REQUESTS": "0",
        # One account both edits and publishes here (the review rule is tested in
        # test_workflow.py).
        "KB_FORBID_SELF_APPROVAL": "0",
    }
    try:

        def manage(*args):
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )

        manage("migrate", "--no-input")
        manage("load_content")
        manage("collectstatic", "--no-input")
        manage("create_editor", CURATOR, "--password", PASSWORD)
        yield env
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def _with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def servers(site, tmp_path):
    started = []
    try:
        for name in ("a", "b"):
            started.append(Server(site, tmp_path / f"gunicorn-{name}.log"))
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def test_change_through_one_server_shows_at_once_on_the_other(site, servers):
    a, b = (Browser(server.url) for server in servers)
    pk, slug, title = published_practice(site)
    detail = f"/practices/{urllib.parse.quote(slug)}/"
    api = f"/api/v1/practices/{urllib.parse.quote(slug)}/"

    # Both servers' cache is warm: the page comes from Redis, not the database.
    for browser in (a, b):
        for path in (detail, "/practices/", api):
            browser.get(path)
            status, headers, html = browser.get(path)
            assert status == 200
            assert headers["X-KB-Cache"] == "hit"
    _, before_headers, before = b.get(detail)

    # A curator edits the title through server A's admin.
    curator = Browser(a.base_url)
    log_in(curator)
    change = f"/admin/practices/bestpractice/{pk}/change/"
    status, _, html = curator.get(change)
    assert status == 200
    fields = [
        (name, "Edited on server A" if name == "title" else value)
        for name, value in form_fields(html, "bestpractice_form")
    ]
    status, _, html = curator.post(change, [*fields, ("_save", "Save")])
    assert status == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', html)
    # A published record's edit waits as a pending change until it is published.
    assert title in b.get(detail)[2]
    workflow = f"/admin/practices/bestpractice/{pk}/workflow/"
    for step in ("submit", "approve"):
        status, _, html = curator.get(change)
        assert status == 200, html[-3000:]
        status, _, _ = curator.post(
            workflow, {"csrfmiddlewaretoken": csrf_token(html), "action": step}
        )
        assert status == 302

    status, headers, html = b.get(detail)
    assert status == 200
    assert "Edited on server A" in html
    assert title not in html
    assert headers["ETag"] != before_headers["ETag"]
    assert "Edited on server A" in b.get("/practices/")[2]
    assert json.loads(b.get(api)[2])["title"] == "Edited on server A"

    # Unpublished through A: gone from B at once.
    changelist = "/admin/practices/bestpractice/"
    status, _, html = curator.get(changelist)

    def action(name):
        status, _, _ = curator.post(
            changelist,
            {
                "csrfmiddlewaretoken": csrf_token(html),
                "action": name,
                "_selected_action": str(pk),
                "index": "0",
                "post": "yes",  # confirmed on the page that asks first
            },
        )
        assert status == 302

    action("unpublish")
    assert b.get(detail)[0] == 404
    assert b.get(api)[0] == 404
    assert "Edited on server A" not in b.get("/practices/")[2]

    # Published again through A: back on B at once.
    action("publish")
    status, _, html = b.get(detail)
    assert status == 200
    assert "Edited on server A" in html
    assert "Edited on server A" in b.get("/practices/")[2]
    assert html != before
