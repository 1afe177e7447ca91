"""/healthz: what a load balancer or uptime monitor polls."""

import pytest
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_after_one_cheap_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "max-age=0" in cache_control


class _BrokenCursor:
    def __enter__(self):
        raise OperationalError("connection refused")

    def __exit__(self, *exc):
        return False


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch, caplog):
    monkeypatch.setattr("kb.views.connection.cursor", lambda: _BrokenCursor())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content
    assert "no-store" in response["Cache-Control"]
    assert any("database is unavailable" in r.getMessage() for r in caplog.records)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_is_not_redirected_to_https(client):
    # Load balancers usually probe over plain HTTP inside the network.
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
