"""Settings for the test suite: fast hashing, local-memory cache, no TLS redirect."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "tests",
    },
    # Kept as in production, and never cleared between tests: a key that missed
    # something a part shows would show an earlier test's content.
    "fragments": CACHES["fragments"],  # noqa: F405
}
# Tests run without collectstatic; the manifest storage is tested on its own.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# client.login() passes no request, which axes needs; lockout tests turn it back on.
AXES_ENABLED = False
# Tests never run collectstatic, so there is no STATIC_ROOT for whitenoise to scan
# at startup (it would warn on every test); look files up per request instead. The
# production serving test switches this off again.
WHITENOISE_AUTOREFRESH = True
