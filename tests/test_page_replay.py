"""The page cache's replay before Django's handler (practices.cache.PageReplay, the
application gunicorn serves): a page answered from the cache once is answered again
byte for byte without Django, but never after a change, and never to a request
that Django would answer otherwise."""

import gc
import io
import sys
import time

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from practices.cache import GENERATION_KEY, content_changed, local_pages
from practices.models import BestPractice

from .factories import CURATOR_PASSWORD, make_curator, make_practice

URL = "/practices/train-hotel-staff/"


@pytest.fixture
def application(db):
    """kb.wsgi's application, as gunicorn calls it, on the test's database (the
    test client does the same: Django's request signals would close the test's
    connection)."""
    from kb.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def practice(db):
    """A practice, published an hour ago: answers kept within the second of a
    change carry no Last-Modified yet, and are not replayed."""
    practice = make_practice("Train hotel staff", slug="train-hotel-staff")
    an_hour_ago = time.time_ns() - 3600 * 1_000_000_000
    cache.set(GENERATION_KEY, f"{an_hour_ago}-0-test", timeout=None)
    return practice


def environ(path, query="", **headers):
    """A request as gunicorn passes it: a GET (or headers' REQUEST_METHOD)."""
    return {
        "REQUEST_METHOD": headers.pop("REQUEST_METHOD", "GET"),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "SCRIPT_NAME": "",
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }


def call(application, path, query="", **headers):
    """(status, headers, body) of a GET (or headers' REQUEST_METHOD)."""
    answered = {}

    def start_response(status, response_headers, exc_info=None):
        answered.update(status=status, headers=response_headers)

    response = application(environ(path, query, **headers), start_response)
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()
    return int(answered["status"].split()[0]), dict(answered["headers"]), body


def replayed(application, path=URL, **headers):
    """The answer when Django's handler is not reached."""
    from kb import wsgi

    def unreachable(environ, start_response):
        raise AssertionError(f"{path} reached Django")

    original = wsgi.application.application
    wsgi.application.application = unreachable
    try:
        return call(application, path, **headers)
    finally:
        wsgi.application.application = original


def test_a_page_answered_from_the_cache_is_replayed_as_django_answered_it(
    application, practice
):
    status, first_headers, first = call(application, URL)
    assert (status, first_headers["X-KB-Cache"]) == (200, "miss")
    # A harmless cookie: Django answers, from the page cache, for everyone.
    _, django_hit, _ = call(application, URL, cookie="theme=dark")
    assert django_hit["X-KB-Cache"] == "hit"

    status, headers, body = replayed(application)
    assert (status, body) == (200, first)
    assert headers == django_hit
    assert "Train hotel staff" in body.decode()


def test_a_replayed_page_is_rendered_again_after_a_change(application, practice):
    call(application, URL)
    replayed(application)
    BestPractice.objects.filter(pk=practice.pk).update(title="Renamed")
    content_changed()
    status, headers, body = call(application, URL)
    assert headers["X-KB-Cache"] == "miss"
    assert "Renamed" in body.decode()


def test_a_page_not_answered_from_the_cache_is_not_replayed(application, db):
    """A 404 is never cached: Django answers each time."""
    call(application, "/practices/no-such-practice/")
    with pytest.raises(AssertionError, match="reached Django"):
        replayed(application, "/practices/no-such-practice/")


def test_an_address_with_non_ascii_characters_reaches_django_as_sent(
    application, practice
):
    # "/practices/tōkyō/" as a WSGI server passes it: UTF-8 bytes read as Latin-1.
    path = "/practices/tōkyō/".encode().decode("iso-8859-1")
    assert call(application, path)[0] == 404
    assert call(application, path)[0] == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"cookie": "sessionid=stale"},
        {"cookie": "messages=waiting"},
        {"if_none_match": '"anything"'},
        {"origin": "https://example.org"},
        {"accept_language": "fr"},
        {"cookie": "django_language=es"},
        {"REQUEST_METHOD": "HEAD"},
    ],
)
def test_a_request_django_may_answer_otherwise_goes_to_django(
    application, practice, headers
):
    call(application, URL)
    replayed(application)  # kept
    with pytest.raises(AssertionError, match="reached Django"):
        replayed(application, **headers)


def test_a_visitor_who_prefers_french_is_sent_to_the_french_page(application, practice):
    call(application, URL)
    status, headers, _ = call(application, URL, accept_language="fr")
    assert (status, headers["Location"]) == (302, f"/fr{URL}")


def test_a_cross_origin_api_request_gets_its_cors_headers(application, practice):
    call(application, "/api/v1/practices/")
    _, headers, _ = call(application, "/api/v1/practices/", origin="https://x.org")
    names = {name.lower(): value for name, value in headers.items()}
    assert names["access-control-allow-origin"] == "*"


def test_a_host_not_allowed_gets_400_after_a_replay(application, practice):
    call(application, URL)
    status, _, _ = call(application, URL, host="evil.example")
    assert status == 400


def test_a_curator_gets_the_database_as_it_is(application, practice, client):
    make_curator("curator")
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    call(application, URL)
    BestPractice.objects.filter(pk=practice.pk).update(title="Unannounced")
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    _, headers, body = call(application, URL, cookie=cookie)
    assert "Unannounced" in body.decode()
    assert "no-store" in headers["Cache-Control"]


def test_no_page_is_kept_beyond_the_process_budget(application, practice, settings):
    settings.KB_LOCAL_PAGE_BYTES = 0
    call(application, URL)
    with pytest.raises(AssertionError, match="reached Django"):
        replayed(application)
    assert local_pages.size == 0


def test_a_request_leaves_its_reference_cycles_to_no_later_request(
    application, practice
):
    """The garbage a page leaves in reference cycles is collected once its response
    has been sent (the server closes it), not inside a later request: a collection
    of many requests' cycles at once added 20–80 ms to one response in a few dozen
    (bench/README.md, eleventh round)."""
    gc.collect()
    answered = {}
    response = application(
        environ(URL),
        lambda status, headers, exc_info=None: answered.update(status=status),
    )
    body = b"".join(response)
    assert answered["status"].startswith("200") and b"Train hotel staff" in body
    left_by_the_page = gc.get_count()[0]
    response.close()
    assert left_by_the_page > 100
    assert gc.get_count()[0] < 10
