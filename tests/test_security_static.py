"""Production static files: collectstatic with hashed, compressed names, served by
whitenoise with far-future caching."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"

# Closing a response fires request_finished, which checks the database connection.
pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    # As in production: whitenoise indexes STATIC_ROOT once, at startup.
    settings.WHITENOISE_AUTOREFRESH = False
    settings.DEBUG = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    url = staticfiles_storage.url("css/site.css")
    hashed_name = url.removeprefix("/static/")
    assert hashed_name != "css/site.css"  # a content hash in the name
    assert (collected / hashed_name).exists()
    assert (collected / f"{hashed_name}.gz").exists()


def test_hashed_static_file_is_served_with_far_future_caching(collected):
    url = staticfiles_storage.url("css/site.css")
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 31536000
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Type"].startswith("text/css")
    response.close()


def test_unhashed_name_is_served_with_a_short_cache_only(collected):
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    response.close()


def test_pages_link_the_hashed_stylesheet(collected):
    with override_settings(SECURE_SSL_REDIRECT=False):
        body = Client().get("/").content.decode()
    assert staticfiles_storage.url("css/site.css") in body


def test_favicon_ico_redirects_to_the_hashed_icon(collected):
    """Browsers ask for /favicon.ico where no page links an icon (a feed, the API's
    JSON): they get the site's icon, not a 404."""
    icon = staticfiles_storage.url("favicon.svg")
    assert icon != "/static/favicon.svg"  # a content hash in the name
    with override_settings(SECURE_SSL_REDIRECT=False):
        response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icon
    served = Client().get(icon)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/svg+xml"
    assert "immutable" in served["Cache-Control"]
    served.close()


def test_public_pages_and_the_admin_link_the_icon_their_csp_allows(collected):
    icon = staticfiles_storage.url("favicon.svg")
    link = f'<link rel="icon" href="{icon}" type="image/svg+xml">'
    with override_settings(SECURE_SSL_REDIRECT=False):
        for url in ("/", "/practices/", reverse("admin:login")):
            response = Client().get(url)
            assert response.status_code == 200, url
            assert link in response.content.decode(), url
            # The icon is one of the site's own files: "self" may show it.
            policy = dict(
                directive.strip().split(" ", 1)
                for directive in response["Content-Security-Policy"].split(";")
                if directive.strip()
            )
            assert "'self'" in policy["img-src"].split(), url
