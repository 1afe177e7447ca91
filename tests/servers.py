"""Real servers for tests and benchmarks: gunicorn app servers, a private Redis and
a private PostgreSQL (each on a free loopback port, so stopping one disturbs
nothing else), and just enough of a browser to use them over HTTP.

tests/test_two_servers.py, tests/faults/ and bench/soak.py use them.
"""

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CURATOR, PASSWORD = "two-servers-curator", "a-long-two-server-passphrase-42"
# Publishes a curator's pending change (the editorial workflow's second person).
EDITOR = "two-servers-editor"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env, log_path, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        # Appended to: a server restarted on the same port keeps one log.
        self.log = open(log_path, "ab")  # closed in stop()
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

    def reload(self):
        """gunicorn's graceful reload: new workers start, the old ones finish the
        requests they have and exit; the listening socket stays open."""
        old = set(self.worker_pids())
        os.kill(self.process.pid, signal.SIGHUP)
        return old

    def worker_pids(self):
        """The worker processes' ids (the master's children)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process has just exited
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)


def rss_kib(pid):
    """A process's resident memory in KiB, or None once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else None


def _wait_until(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Redis:
    """A Redis of our own on a free loopback port. It saves its data only when
    stopped with `save=True`, and loads it again on start, as a Redis with
    persistence would: the pages cached before an outage survive it."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = Path(tempfile.mkdtemp(prefix="kb-redis-"))
        self.process = None

    def start(self):
        import redis

        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        _wait_until(answers, 10, f"Redis on port {self.port}")

    def stop(self, save=True):
        import redis

        if self.process is None or self.process.poll() is not None:
            return
        try:
            redis.Redis.from_url(self.url).shutdown(save=save, nosave=not save)
        except redis.ConnectionError:
            pass  # it closes the connection as it exits
        self.process.wait(timeout=10)

    def remove(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def postgres_bin():
    """Debian keeps the server's programs outside PATH, by major version."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name),
    )
    return found[-1].parent if found else None


class Postgres:
    """A PostgreSQL cluster of our own on a free loopback port, in a temporary
    directory, trusting local connections. PostgreSQL refuses to run as root,
    so when we are root its programs run as the `postgres` user."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kb-postgres-"))
        self.data = self.dir / "data"
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def _run(self, program, *args):
        command = [str(self.bin / program), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.dir)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.dir / "log",
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self):
        # "fast": what a restart by an operator or a failover does: sessions are
        # cut, nothing is waited for.
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def running(self):
        return (self.data / "postmaster.pid").exists()

    def remove(self):
        if self.running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


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


def log_in(browser, username=CURATOR):
    status, _, html = browser.get("/admin/login/")
    assert status == 200
    status, headers, html = browser.post(
        "/admin/login/",
        {
            "csrfmiddlewaretoken": csrf_token(html),
            "username": username,
            "password": PASSWORD,
            "next": "/admin/",
        },
    )
    assert status == 302, html
    assert headers["Location"] == "/admin/"


# Failures a load balancer in front retries on another server for a GET: the
# connection was refused (nothing was sent), or closed before any response came
# back (nginx's `proxy_next_upstream error`, its default, does both for
# idempotent requests).
RETRIED_BY_A_BALANCER = (ConnectionRefusedError, ConnectionResetError)


def fetch(base_url, path, timeout=10):
    """(status, headers) of a GET, or the exception it raised."""
    try:
        with urllib.request.urlopen(base_url + path, timeout=timeout) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, dict(error.headers)
    except urllib.error.URLError as error:
        return error.reason if isinstance(error.reason, Exception) else error
    except OSError as error:  # http.client.RemoteDisconnected among them
        return error


class Load:
    """Anonymous readers in threads, each request going to the next server in
    turn: a round-robin balancer. With `failover`, a request that fails as in
    RETRIED_BY_A_BALANCER goes to the next server, as the balancer would;
    without it (one server, or no balancer) it counts as failed.

    `timeout` is a balancer's: how long a request may wait for its response
    (nginx's proxy_read_timeout is 60 s). During a reload gunicorn stops the old
    workers before the new ones have loaded the app, so requests wait meanwhile
    in the listen queue; they are delayed, not failed.

    `results` holds (monotonic time at the end, path, status or exception,
    headers, seconds taken)."""

    def __init__(self, base_urls, paths, threads=4, failover=False, timeout=30):
        import itertools
        import threading

        self.base_urls, self.paths, self.failover = base_urls, paths, failover
        self.timeout = timeout
        self.results = []
        self.failovers = 0
        self._turn = itertools.count()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._read, args=(n,), daemon=True)
            for n in range(threads)
        ]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _read(self, n):
        step = 0
        while not self._stop.is_set():
            path = self.paths[(n + step) % len(self.paths)]
            step += 1
            self.get(path)

    def get(self, path):
        first = next(self._turn)
        tries = len(self.base_urls) if self.failover else 1
        started = time.monotonic()
        for attempt in range(tries):
            base = self.base_urls[(first + attempt) % len(self.base_urls)]
            outcome = fetch(base, path, timeout=self.timeout)
            if not isinstance(outcome, RETRIED_BY_A_BALANCER) or attempt == tries - 1:
                break
            with self._lock:
                self.failovers += 1
        status, headers = outcome if isinstance(outcome, tuple) else (outcome, {})
        now = time.monotonic()
        with self._lock:
            self.results.append((now, path, status, headers, now - started))
        return status, headers

    def failures(self, allowed=(200,)):
        """The results whose status is not in `allowed` (exceptions included)."""
        return [r for r in self.results if r[2] not in allowed]


def query(env, sql, params=()):
    """Rows of one query on the database the servers of `env` use, read directly
    (not through the site)."""
    import dj_database_url
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
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def published_practice(env):
    """(id, slug, title) of the first published practice."""
    return query(
        env,
        "SELECT id, slug, title FROM practices_bestpractice "
        "WHERE status = 'published' ORDER BY id LIMIT 1",
    )[0]


class Stack:
    """One PostgreSQL and one Redis of our own, and a database migrated and loaded
    with the real content, with the environment for gunicorn servers (production
    settings) in front of them. `remove()` deletes it all."""

    def __init__(self, static_root, database="kb_stack"):
        self.postgres, self.redis = Postgres(), Redis()
        try:
            self.postgres.start()
            self.redis.start()
            subprocess.run(
                [
                    str(self.postgres.bin / "createdb"),
                    *(
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.postgres.port),
                        "-U",
                        "postgres",
                    ),
                    database,
                ],
                check=True,
                capture_output=True,
            )
            self.env = {
                **os.environ,
                "DATABASE_URL": self.postgres.url(database),
                "REDIS_URL": self.redis.url,
                "KB_CACHE_PREFIX": database,
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                # Plain HTTP between the client and the servers (TLS ends at a proxy).
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_STATIC_ROOT": str(static_root),
                "DJANGO_SETTINGS_MODULE": "kb.settings",
                "GUNICORN_WORKERS": "2",
                # No recycling: a leak must show in the workers' memory.
                "GUNICORN_MAX_REQUESTS": "0",
            }
            self.manage("migrate", "--no-input")
            self.manage("load_content")
            self.manage("collectstatic", "--no-input")
            self.manage("create_curator", CURATOR, "--password", PASSWORD)
            self.manage("create_editor", EDITOR, "--password", PASSWORD)
        except BaseException:  # leave no server running behind
            self.remove()
            raise

    def manage(self, *args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def ensure_running(self):
        """Start whatever an earlier test left stopped."""
        if not self.postgres.running():
            self.postgres.start()
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()

    def remove(self):
        self.redis.remove()
        self.postgres.remove()
