"""Security headers and cookies on responses served with production settings."""

import runpy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_initiative, make_practice

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "kb" / "settings.py"
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Gq" * 16,
    "DJANGO_ALLOWED_HOSTS": "testserver",
}
# The settings that shape headers, cookies and redirects. Databases, caches and
# static storage stay the test suite's own.
SECURITY_SETTINGS = {
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "USE_X_FORWARDED_HOST",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "X_FRAME_OPTIONS",
    "PERMISSIONS_POLICY",
    "CONTENT_SECURITY_POLICY",
    "MIDDLEWARE",
}


def production_settings(monkeypatch, **env):
    """kb/settings.py evaluated afresh under a production environment (plus `env`),
    reduced to the settings that govern security headers."""
    for name in (
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_SECURE_HSTS_SECONDS",
        "DJANGO_BEHIND_PROXY",
        "DJANGO_SECURE_COOKIES",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**PRODUCTION_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    values = runpy.run_path(str(SETTINGS_FILE))
    return {name: values.get(name) for name in SECURITY_SETTINGS}


@pytest.fixture
def production(monkeypatch):
    """Apply production settings; call it again with env overrides if needed."""
    applied = []

    def apply(**env):
        override = override_settings(**production_settings(monkeypatch, **env))
        override.enable()
        applied.append(override)

    yield apply
    for override in reversed(applied):
        override.disable()


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(client, production):
    production()
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


@pytest.mark.django_db
def test_ssl_redirect_can_be_switched_off(client, production):
    production(DJANGO_SECURE_SSL_REDIRECT="0")
    response = client.get("/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_hsts_header_carries_the_configured_seconds(client, production):
    production(DJANGO_SECURE_HSTS_SECONDS="86400")
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=86400; includeSubDomains")


@pytest.mark.django_db
def test_hsts_defaults_to_a_year_in_production(client, production):
    production()
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_forwarded_proto_from_a_tls_proxy_is_honoured(client, production):
    production(DJANGO_BEHIND_PROXY="1")
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response
    # Without the header the request really is plain HTTP and is redirected.
    assert client.get("/").status_code == 301


@pytest.mark.django_db
def test_forwarded_host_from_the_client_is_not_believed(client, production):
    production(DJANGO_BEHIND_PROXY="1")
    response = client.get(
        "/", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_HOST="evil.example"
    )
    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_forwarded_proto_is_ignored_without_a_proxy(client, production):
    production()
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


@pytest.mark.django_db
def test_pages_send_the_protective_headers(client, production):
    production()
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_and_eval(client, production):
    production()
    response = client.get("/", secure=True)
    policy = response["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
    }
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_admin_cookies_are_secure_and_http_only(client, production):
    production()
    get_user_model().objects.create_superuser(
        "curator", "curator@example.org", "a long enough password 42"
    )
    login_url = reverse("admin:login")
    page = client.get(login_url, secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True

    response = client.post(
        login_url,
        {"username": "curator", "password": "a long enough password 42"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


class _InlineCodeFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy would block."""

    # Data blocks are never executed, so script-src does not govern them.
    DATA_TYPES = {"application/ld+json", "application/json"}

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"style= on <{tag}>: {attrs['style']!r}")
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and not attrs.get("src"):
            if (attrs.get("type") or "").lower() not in self.DATA_TYPES:
                self.problems.append("inline <script> without src")
        if tag in {"a", "form", "iframe"}:
            target = attrs.get("href") or attrs.get("action") or attrs.get("src") or ""
            if target.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")


def inline_code_in(html):
    finder = _InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_inline_code_finder_catches_what_csp_would_block():
    html = (
        '<p style="color:red">x</p><script>alert(1)</script>'
        '<button onclick="go()">b</button><script src="/static/a.js"></script>'
    )
    assert len(inline_code_in(html)) == 3


@pytest.mark.django_db
def test_home_page_has_no_inline_scripts_or_styles(client):
    practice = make_practice(tags=["victim support"])
    make_initiative(jurisdiction=practice.jurisdiction, tags=["victim support"])
    response = client.get(reverse("practices:home"))
    assert response.status_code == 200
    assert inline_code_in(response.content.decode()) == []


@pytest.mark.django_db
def test_detail_pages_have_no_inline_scripts_or_styles(client):
    initiative = make_initiative(tags=["hotline"])
    practice = make_practice(
        jurisdiction=initiative.jurisdiction,
        tags=["hotline"],
        initiatives=[initiative],
        discussion="Some *Markdown* with a [link](https://example.org).",
    )
    for obj in (practice, initiative, practice.jurisdiction):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj.get_absolute_url()
        assert inline_code_in(response.content.decode()) == [], obj
