"""A stack of our own for the fault tests: one PostgreSQL and one Redis started
here on free loopback ports (so stopping them disturbs nothing else), a database
migrated and loaded with the real content once per session, and gunicorn servers
with production settings in front of them."""

import shutil

import pytest

from ..servers import Server, Stack, postgres_bin


def _skip_unless_available():
    if postgres_bin() is None:
        pytest.skip("needs the PostgreSQL server (initdb, pg_ctl)")
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    _skip_unless_available()
    stack = None
    try:
        stack = Stack(tmp_path_factory.mktemp("static"), database="kb_faults")
        yield stack
    finally:
        if stack is not None:
            stack.remove()


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
