"""A stack of our own for the fault tests: one PostgreSQL and one Redis started
here on free loopback ports (so stopping them disturbs nothing else), a database
migrated and loaded with the real content once per session, and gunicorn servers
with production settings in front of them."""

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

from ..servers import CURATOR, PASSWORD, ROOT, Postgres, Redis, Server, postgres_bin


@dataclass
class Stack:
    postgres: Postgres
    redis: Redis
    env: dict

    def ensure_running(self):
        """Start whatever an earlier test left stopped."""
        if not self.postgres.running():
            self.postgres.start()
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()


def _skip_unless_available():
    if postgres_bin() is None:
        pytest.skip("needs the PostgreSQL server (initdb, pg_ctl)")
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    _skip_unless_available()
    postgres, redis = Postgres(), Redis()
    try:
        postgres.start()
        redis.start()
        subprocess.run(
            [
                str(postgres.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(postgres.port),
                "-U",
                "postgres",
                "kb_faults",
            ],
            check=True,
            capture_output=True,
        )
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url("kb_faults"),
            "REDIS_URL": redis.url,
            "KB_CACHE_PREFIX": "kb-faults",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
            "DJANGO_SETTINGS_MODULE": "kb.settings",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_MAX_REQUESTS": "0",
        }
        for args in (
            ["migrate", "--no-input"],
            ["load_content"],
            ["collectstatic", "--no-input"],
            ["create_curator", CURATOR, "--password", PASSWORD],
        ):
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        yield Stack(postgres, redis, env)
    finally:
        redis.remove()
        postgres.remove()


@pytest.fixture
def servers(stack, tmp_path):
    """Two gunicorn servers (two workers each) sharing the stack."""
    stack.ensure_running()
    started = []
    try:
        for name in ("a", "b"):
            started.append(Server(stack.env, tmp_path / f"gunicorn-{name}.log"))
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()
        stack.ensure_running()
