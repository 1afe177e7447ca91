"""Settings for the knowledge base, read from the environment in one place.

Every deployment-specific value comes from an environment variable; README lists them.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # One line, naming the variable: a traceback would hide the cause.
        raise SystemExit(
            "error: DJANGO_SECRET_KEY is not set; set it "
            "(or DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public name and address of the site, used in citations and metadata.
SITE_NAME = os.environ.get(
    "KB_SITE_NAME", "Anti-Trafficking Best Practice Knowledge Base"
)
# Unset: each request's own scheme and host (practices/site.py); `check --deploy`
# warns about that in production.
SITE_URL = os.environ.get("KB_SITE_URL", "").rstrip("/")
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    # Before the admin: its admin mixins and its registration of the translated
    # fields (practices/translation.py) must load first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "practices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer (CommonMiddleware): CORS headers on the API.
    "corsheaders.middleware.CorsMiddleware",
    "kb.middleware.RejectNulBytesMiddleware",
    # A database that does not answer: 503 with Retry-After, not 500.
    "kb.middleware.DatabaseUnavailableMiddleware",
    # Remembers the request's address for absolute URLs (practices/site.py).
    "practices.site.SiteURLMiddleware",
    # A visitor who prefers French or Spanish goes from an unprefixed (English)
    # page to theirs before the page cache can answer with English (kb/i18n.py).
    "kb.i18n.LanguageRedirectMiddleware",
    # Whole pages for anonymous visitors, before the session and everything after
    # it; it checks authentication itself (practices/cache.py). Its key holds the
    # page's language.
    "practices.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the URL's prefix (none: English); the admin's from the
    # visitor's choice (kb/i18n.py).
    "django.middleware.locale.LocaleMiddleware",
    "kb.i18n.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kb.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "practices.context_processors.site",
                "practices.context_processors.references",
                "kb.i18n.context",
            ],
        },
    },
]

WSGI_APPLICATION = "kb.wsgi.application"

# PostgreSQL in production through DATABASE_URL; a SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast while the database is down (503s and /healthz answer in seconds,
    # not after the kernel's TCP timeout); the health check above reconnects on
    # the first request after it is back.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 2)
    )
    # The planner's defaults assume tables read from spinning disks and queries
    # long enough to be worth compiling. The site's data is read from memory in
    # queries of milliseconds: with the defaults PostgreSQL hashed every source to
    # join a page's citations, and JIT-compiled short queries (bench/README.md,
    # eighth round). Sent when connecting (libpq's `options`); DJANGO_DB_OPTIONS=""
    # sends none, for a pooler that refuses startup options (docs/deployment.md).
    planner = os.environ.get(
        "DJANGO_DB_OPTIONS", "-c random_page_cost=1.1 -c jit=off"
    ).strip()
    if planner:
        DATABASES["default"]["OPTIONS"].setdefault("options", planner)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one client per process; Django's own backend built
            # a new one for every cache call, which cost a cached page more CPU
            # than the round trip to Redis (bench/README.md, fourth round).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("KB_CACHE_PREFIX", "kb"),
            # A Redis that does not answer costs a request at most this long
            # before the page is served uncached (practices/cache.py). Its errors
            # reach the code as redis-py's own (IGNORE_EXCEPTIONS stays off).
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kb",
        }
    }
# Rendered parts of pages (practices/templatetags/kb_fragments.py), in each
# process's memory: their keys hold everything they show, so they are never stale
# and need no invalidation, and a hit costs no round trip.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kb-fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": env_int("KB_FRAGMENT_CACHE_ENTRIES", 10_000)},
}

# Page cache (practices/cache.py): seconds a page is kept (0 turns it off), and
# what a CDN in front is told (s-maxage, stale-while-revalidate).
KB_PAGE_CACHE_SECONDS = env_int("KB_PAGE_CACHE_SECONDS", 3600)
KB_CDN_MAX_AGE = env_int("KB_CDN_MAX_AGE", 60)
KB_CDN_STALE_WHILE_REVALIDATE = env_int("KB_CDN_STALE_WHILE_REVALIDATE", 30)
# Bytes of cached pages each process also keeps in its own memory, so a hit reads
# only the generation token from Redis (practices.cache.LocalPages); 0: none.
KB_LOCAL_PAGE_BYTES = env_int("KB_LOCAL_PAGE_BYTES", 32_000_000)
# How often each process reads the database's content counter: the worst-case
# staleness of a page after a save made while Redis was down.
KB_CONTENT_CHECK_SECONDS = env_int("KB_CONTENT_CHECK_SECONDS", 1)
# While the database is down: the 503's Retry-After, in seconds.
KB_RETRY_AFTER_SECONDS = env_int("KB_RETRY_AFTER_SECONDS", 10)

# The admin's "review due" lists records not reviewed within this many days.
KB_REVIEW_INTERVAL_DAYS = env_int("KB_REVIEW_INTERVAL_DAYS", 365)
# Review by someone else: an editor cannot approve a change they made or submitted.
KB_FORBID_SELF_APPROVAL = env_bool("KB_FORBID_SELF_APPROVAL", True)

# Bulk import (docs/import.md): rows and bytes per file. Exported cells that a
# spreadsheet would run as a formula are neutralised (practices/imports/formats.py
# adds "+", "-" and "@" to the library's own "=" escape).
KB_IMPORT_MAX_ROWS = env_int("KB_IMPORT_MAX_ROWS", 10_000)
KB_IMPORT_MAX_BYTES = env_int("KB_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Importing needs the permission to add records of that type; exporting, to view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Readers' suggestions: how many one address may send an hour (0: no limit), and
# after how many days purge_suggestion_emails deletes the e-mail addresses given.
KB_SUGGESTIONS_PER_HOUR = env_int("KB_SUGGESTIONS_PER_HOUR", 5)
KB_SUGGESTION_EMAIL_DAYS = env_int("KB_SUGGESTION_EMAIL_DAYS", 90)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: lock a username from one address after a few failures.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kb.views.lockout"  # renders templates/lockout.html
# Behind N proxies the client's address is the Nth entry from the right of
# X-Forwarded-For (entries further left are whatever the client claimed).
# DJANGO_PROXY_COUNT=0 (the default) uses REMOTE_ADDR and ignores the header.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "kb.middleware.client_ip_address"

# The interface in English (unprefixed URLs), French (/fr/) and Spanish (/es/);
# the catalogues in locale/ are compiled by `make install` (docs/i18n.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True

# Translatable content (practices/translation.py): English is the original of
# every record and what a missing translation falls back to.
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Whitenoise serves files with hashed names (the manifest storage's output) with
# "max-age=315360000, public, immutable"; other files keep its short default, so a
# changed robots.txt or favicon is picked up within a minute.

TAGGIT_CASE_INSENSITIVE = True

# Security. SSL redirect is on by default with debug off; a proxy that terminates
# TLS tells Django the original scheme through X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off unless asked for: a proxy that sets Host needs no X-Forwarded-Host, and one
# that passes the client's X-Forwarded-Host through would let it pick the host.
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# Preloading commits a whole registered domain, every subdomain included, to HTTPS
# in browsers' built-in lists; that is the domain owner's decision, not a default
# for a site served from a university's or NGO's subdomain. So the deploy check's
# reminder about it (W021) is silenced unless preload is switched on.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# The open-data API (practices/opendata/api.py): read-only, public, JSON only.
KB_API_THROTTLE_RATE = os.environ.get("KB_API_THROTTLE_RATE", "120/min") or None
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # ?format= is not needed (JSON is the only format) and would 404 on others.
    "URL_FORMAT_OVERRIDE": None,
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "Read-only access to the published records of the knowledge base. v1 is "
        "stable: fields and endpoints may be added, never changed or removed. "
        "The compilation is licensed CC BY 4.0; quoted words remain their authors'."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "practices.opendata.schema.describe_parameters",
    ],
    "LICENSE": {
        "name": "CC BY 4.0 (the compilation; quoted words remain their authors')",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
}
# Anyone may read the open data from another site or a notebook; nothing else.
CORS_URLS_REGEX = r"^/(api|data)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "X-KB-Cache"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Everything goes to stderr, where gunicorn and systemd (or the container runtime)
# collect it. django.request logs every 5xx with its traceback at ERROR and every
# 4xx at WARNING; django.security logs suspicious requests (bad Host headers, too
# many fields); axes logs lockouts.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
