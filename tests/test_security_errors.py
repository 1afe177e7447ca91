"""Error pages with debug off: in the site's style, nothing leaked, always logged."""

import logging

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import path

import kb.urls
from kb import views

SECRET_MESSAGE = "kaboom: the database password is hunter2"


def explode(request):
    raise RuntimeError(SECRET_MESSAGE)


def forbidden(request):
    raise PermissionDenied("curators only")


urlpatterns = [
    path("test-explode/", explode),
    path("test-forbidden/", forbidden),
    *kb.urls.urlpatterns,
]
handler400 = kb.urls.handler400
handler403 = kb.urls.handler403
handler404 = kb.urls.handler404
handler500 = kb.urls.handler500

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls(__name__),
    pytest.mark.usefixtures("debug_off"),
]


@pytest.fixture
def debug_off():
    with override_settings(DEBUG=False):
        yield


def assert_nothing_leaks(body):
    for leak in (
        "Traceback",
        "SECRET_KEY",
        settings.SECRET_KEY,
        "DATABASES",
        "INSTALLED_APPS",
        "site-packages",
        SECRET_MESSAGE,
        "curators only",
    ):
        assert leak not in body


def assert_site_style(body):
    assert settings.SITE_NAME in body
    assert "css/site.css" in body
    assert "favicon.svg" in body  # the site's icon in the browser's tab


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "/no-such-page/" in body
    assert 'class="site-header"' in body  # the site's own layout, from base.html
    assert_site_style(body)
    assert_nothing_leaks(body)


def test_404_path_is_escaped(client):
    response = client.get("/<script>alert(1)</script>/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_not_found_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/")
    assert any(
        r.levelno == logging.WARNING and "/no-such-page/" in r.getMessage()
        for r in caplog.records
    )


def test_crash_gets_the_styled_500_without_a_stack_trace(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Server error" in body
    assert_site_style(body)
    assert_nothing_leaks(body)
    # The operator, not the visitor, gets the details.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.exc_info[1].args == (SECRET_MESSAGE,)


def test_500_page_renders_without_database_or_request_context():
    # Neither the database (pytest-django blocks it here) nor context processors:
    # they may be what failed.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
            _no_database,
        )
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Server error" in body
    assert settings.SITE_NAME in body


def _no_database(*args, **kwargs):
    raise AssertionError("the 500 page touched the database")


def test_permission_denied_gets_the_styled_403(client):
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Access denied" in body
    assert_site_style(body)
    assert_nothing_leaks(body)


def test_forged_host_header_gets_the_styled_400_and_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.security"):
        response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad request" in body
    assert_nothing_leaks(body)
    assert any(r.name == "django.security.DisallowedHost" for r in caplog.records)
