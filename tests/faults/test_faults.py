"""Faults against real servers: Redis stopped while a curator saves, PostgreSQL
stopped under load, gunicorn reloaded and restarted under load. Each stops and
starts only the stack of its own (conftest.py)."""

import re
import time
import urllib.parse

import pytest

from ..servers import (
    EDITOR,
    Browser,
    Load,
    Server,
    csrf_token,
    fetch,
    form_fields,
    log_in,
    published_practice,
    query,
)

pytestmark = [pytest.mark.faults, pytest.mark.slow]

# KB_CONTENT_CHECK_SECONDS as the servers run it (the default): the worst-case
# staleness after a save the cache missed.
CONTENT_CHECK_SECONDS = 1


def admin_save_title(curator, pk, title):
    change = f"/admin/practices/bestpractice/{pk}/change/"
    status, _, html = curator.get(change)
    assert status == 200, html
    fields = [
        (name, title if name == "title" else value)
        for name, value in form_fields(html, "bestpractice_form")
    ]
    status, _, html = curator.post(change, [*fields, ("_save", "Save")])
    assert status == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', html)


def workflow_step(user, pk, action):
    """A review button on the change form: the curator submits, an editor approves
    (an edit of a published record is public only then)."""
    change = f"/admin/practices/bestpractice/{pk}/change/"
    status, _, html = user.get(change)
    assert status == 200, html
    status, _, html = user.post(
        f"/admin/practices/bestpractice/{pk}/workflow/",
        {"csrfmiddlewaretoken": csrf_token(html), "action": action},
    )
    assert status == 302, html


def test_a_save_while_redis_is_down_shows_once_it_is_back(stack, servers):
    a, b = servers
    pk, slug, title = published_practice(stack.env)
    pages = [f"/practices/{urllib.parse.quote(slug)}/", "/practices/", "/"]
    for server in servers:
        for path in pages:
            fetch(server.url, path)
            status, headers = fetch(server.url, path)
            assert (status, headers["X-KB-Cache"]) == (200, "hit"), path
    curator = Browser(a.url)
    log_in(curator)
    editor = Browser(a.url)
    log_in(editor, EDITOR)

    # Redis stops, keeping its data (the pages cached so far) for its restart.
    stack.redis.stop(save=True)
    status, headers, html = Browser(b.url).get(pages[0])
    assert status == 200 and title in html
    assert "X-KB-Cache" not in headers  # served from the database, uncached

    admin_save_title(curator, pk, "Saved while Redis was down")
    workflow_step(curator, pk, "submit")
    workflow_step(editor, pk, "approve")
    saved_at = time.monotonic()
    history = query(
        stack.env,
        "SELECT title FROM practices_historicalbestpractice WHERE id = %s "
        "ORDER BY history_id DESC LIMIT 1",
        (pk,),
    )
    assert history == [("Saved while Redis was down",)]

    # The process that saved exits; Redis comes back with the old pages.
    a.stop()
    stack.redis.start()
    import redis

    assert redis.Redis.from_url(stack.redis.url).dbsize() > 0
    time.sleep(max(0, saved_at + CONTENT_CHECK_SECONDS - time.monotonic()))

    reader = Browser(b.url)
    for _ in range(3):  # each of server B's workers
        for path in pages:
            status, _, html = reader.get(path)
            assert status == 200, path
            assert "Saved while Redis was down" in html, path
            assert title not in html, path
    assert fetch(b.url, pages[0])[1]["X-KB-Cache"] == "hit"


def test_postgres_down_under_load_cached_pages_200_the_rest_503(stack, servers):
    _, slug, _ = published_practice(stack.env)
    cached = [f"/practices/{urllib.parse.quote(slug)}/", "/practices/", "/"]
    for server in servers:
        for path in cached:
            fetch(server.url, path)
            assert fetch(server.url, path)[1]["X-KB-Cache"] == "hit"
    # Never visited before the outage: only the database can answer them.
    uncached = ["/jurisdictions/", "/search/?q=police", "/practices/?theme=protection"]
    urls = [s.url for s in servers]

    with Load(urls, cached, threads=2) as cached_load:
        time.sleep(2)
        stack.postgres.stop()
        stopped_at = time.monotonic()
        with Load(urls, uncached, threads=2) as uncached_load:
            time.sleep(4)
            # Certainly down until here: PostgreSQL accepts connections a moment
            # before start() returns, and a request ending then may answer 200.
            restarting_at = time.monotonic()
            stack.postgres.start()  # returns once it accepts connections
            back_at = time.monotonic()
            time.sleep(4)

    results = cached_load.results + uncached_load.results
    assert len(results) >= 20
    outcomes = {status for _, _, status, *_ in results}
    assert outcomes <= {200, 503}, outcomes  # never a 500, never a dropped request
    assert all(h.get("Retry-After") for _, _, s, h, _ in results if s == 503)
    assert all(s == 200 for _, path, s, *_ in results if path in cached)
    during = [
        s
        for t, p, s, *_ in results
        if p in uncached and stopped_at + 1 < t < restarting_at
    ]
    assert during and set(during) == {503}
    late = [s for t, p, s, *_ in results if p in uncached and t > back_at + 2]
    assert late and set(late) == {200}


def in_flight_at(load, moments):
    """Whether, for each moment, some request was waiting for its answer then."""
    return all(
        any(end - seconds <= moment <= end for end, *_, seconds in load.results)
        for moment in moments
    )


def test_gunicorn_reload_under_load_fails_no_request(stack, servers):
    server = servers[0]
    _, slug, _ = published_practice(stack.env)
    paths = [f"/practices/{urllib.parse.quote(slug)}/", "/practices/", "/healthz"]
    paths += ["/jurisdictions/", "/search/?q=hotel", "/tags/"]
    reloads = []

    with Load([server.url], paths, threads=4) as load:
        time.sleep(1)
        for _ in range(2):
            reloads.append(time.monotonic())
            old = server.reload()
            deadline = time.monotonic() + 60
            while set(server.worker_pids()) & old and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not set(server.worker_pids()) & old, "old workers still running"
            time.sleep(1)

    assert in_flight_at(load, reloads)
    assert load.failures() == []


def test_rolling_restart_behind_a_balancer_fails_no_request(stack, servers, tmp_path):
    _, slug, _ = published_practice(stack.env)
    paths = [f"/practices/{urllib.parse.quote(slug)}/", "/practices/", "/"]
    paths += ["/jurisdictions/", "/search/?q=hotel"]
    stops = []

    with Load([s.url for s in servers], paths, threads=4, failover=True) as load:
        time.sleep(1)
        for index, server in enumerate(list(servers)):
            stops.append(time.monotonic())
            server.stop()  # graceful: requests in progress finish
            again = Server(
                stack.env, tmp_path / f"restarted-{index}.log", port=server.port
            )
            servers[index] = again  # stopped by the fixture
            again.wait_ready(timeout=60)
            time.sleep(1)

    assert in_flight_at(load, stops)
    assert load.failures() == []
    assert load.failovers > 0  # a server was down meanwhile, and it showed
