"""While the database does not answer: cached pages still 200, everything else a
styled 503 with Retry-After (never a 500), the admin too, and /healthz says which
dependency is down. In-process, with every query failing as it would with
PostgreSQL stopped; tests/faults/ does the same against real servers."""

import contextlib

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from .factories import CURATOR_PASSWORD, make_curator, make_practice


def _refuse(execute, sql, params, many, context):
    raise OperationalError("connection refused: the database is down")


@contextlib.contextmanager
def database_down():
    with connection.execute_wrapper(_refuse):
        yield


@pytest.fixture
def practice(db):
    return make_practice("Train hotel staff", slug="train-hotel-staff")


def assert_temporarily_unavailable(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in body
    assert "css/site.css" in body  # the site's style, not a bare error


def test_cached_pages_answer_and_the_others_503_while_the_database_is_down(
    practice,
):
    anonymous = Client()
    anonymous.get("/practices/")
    with database_down():
        cached = anonymous.get("/practices/")
        assert cached.status_code == 200
        assert cached["X-KB-Cache"] == "hit"
        assert "Train hotel staff" in cached.content.decode()

        assert_temporarily_unavailable(anonymous.get("/practices/train-hotel-staff/"))
        assert_temporarily_unavailable(anonymous.get("/practices/?theme=prevention"))
    # Back: the same page renders again, no restart needed.
    assert anonymous.get("/practices/train-hotel-staff/").status_code == 200


def test_the_admin_answers_503_while_the_database_is_down(practice):
    make_curator("curator")
    # Raised outside a view, the error reaches the 500 handler, and Django's test
    # client would re-raise it rather than return the handler's response.
    curator = Client(raise_request_exception=False)
    assert curator.login(username="curator", password=CURATOR_PASSWORD)
    with database_down():
        # The session itself cannot be read: raised outside any view.
        assert_temporarily_unavailable(curator.get("/admin/"))
        assert_temporarily_unavailable(
            curator.get(f"/admin/practices/bestpractice/{practice.pk}/change/")
        )
        # A logged-in curator on a public page is never served from the cache.
        assert_temporarily_unavailable(curator.get("/practices/"))


def test_other_database_errors_stay_server_errors(practice, monkeypatch):
    # A bad query is a bug to fix, not an outage to wait out.
    from django.db import ProgrammingError

    def broken(execute, sql, params, many, context):
        raise ProgrammingError("column does not exist")

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(broken):
        response = client.get("/practices/train-hotel-staff/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_healthz_names_the_database_when_it_is_down(db):
    with database_down():
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content.decode().splitlines() == [
        "database unavailable",
        "cache ok",
    ]


CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    }
}


@override_settings(CACHES=CACHE_DOWN)
def test_healthz_names_the_cache_when_it_is_down_and_stays_in_service(db):
    # Every page is still served (uncached): a load balancer must keep sending.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "database ok",
        "cache unavailable",
    ]


def test_the_change_form_carries_the_revision_of_the_values_it_shows(practice):
    # The change view reads the record; another curator's save commits; then the
    # form is built. It must carry the revision it shows, so that saving it is
    # refused, not written over the other save (a lost edit the soak caught).
    from practices.admin_forms import BestPracticeAdminForm
    from practices.models import BestPractice
    from practices.services import record_save_checked

    shown = BestPractice.objects.get(pk=practice.pk)
    practice.discussion = "Saved by the other curator"
    record_save_checked(practice, practice.revision)
    assert BestPractice.objects.get(pk=practice.pk).revision > shown.revision

    form = BestPracticeAdminForm(instance=shown)
    assert form["loaded_revision"].value() == shown.revision
