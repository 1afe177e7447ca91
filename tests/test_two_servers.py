"""Two app servers behind one PostgreSQL and one Redis: a curator's edit, unpublish
and publish through one server shows at once on the other, whose cache was warm.

Starts two gunicorn servers with production settings on a database of its own
(created, migrated and loaded here, dropped afterwards) and a Redis key prefix of
its own (deleted afterwards). Runs when DATABASE_URL points at PostgreSQL and Redis
answers at REDIS_URL (default redis://127.0.0.1:6379/0); skips otherwise.
"""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import dj_database_url
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
CURATOR, PASSWORD = "two-servers-curator", "a-long-two-server-passphrase-42"


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


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class Server:
    def __init__(self, env, log_path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = open(log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise AssertionError(
            f"server on {self.url} did not start:\n{self.log_path.read_text()}"
        )

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies, no redirects followed, status codes
    returned rather than raised."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect,
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
        request = urllib.request.Request(self.base_url + path, data=body)
        if data is not None:
            # Django checks the Referer of form posts; a browser sends it.
            request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside = form_id, False
        self.fields = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attrs.get("value", default)))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # Browsers drop the newline that follows <textarea>.
            self.fields.append((name, value.removeprefix("\n")))
            self._textarea = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(browser):
    status, _, html = browser.get("/admin/login/")
    assert status == 200
    status, headers, html = browser.post(
        "/admin/login/",
        {
            "csrfmiddlewaretoken": csrf_token(html),
            "username": CURATOR,
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    assert status == 302, html
    assert headers["Location"] == "/admin/"


def published_practice(env):
    import psycopg2

    db = dj_database_url.parse(env["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, slug, title FROM practices_bestpractice "
                "WHERE status = 'published' ORDER BY id LIMIT 1"
            )
            return cursor.fetchone()
    finally:
        connection.close()


def test_change_through_one_server_shows_at_once_on_the_other(site, servers):
    a, b = (Browser(server.url) for server in servers)
    pk, slug, title = published_practice(site)
    detail = f"/practices/{urllib.parse.quote(slug)}/"

    # Both servers' cache is warm: the page comes from Redis, not the database.
    for browser in (a, b):
        for path in (detail, "/practices/"):
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
    assert "Edited on server A" not in b.get("/practices/")[2]

    # Published again through A: back on B at once.
    action("publish")
    status, _, html = b.get(detail)
    assert status == 200
    assert "Edited on server A" in html
    assert "Edited on server A" in b.get("/practices/")[2]
    assert html != before
