"""Production static files: collectstatic with hashed, compressed names, served by
whitenoise with far-future caching."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

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
