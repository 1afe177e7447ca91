"""Settings read from the environment: production refuses to start unsafe, and the
deploy check passes with production values."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "KB_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kb.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="kb.example.org",
        KB_SITE_URL="https://kb.example.org",
    )
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(env, *names):
    """Values of `names` from kb.settings imported in a fresh process under env."""
    code = (
        "import json, kb.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}, "
        "default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_debug_on():
    env = production_env(DJANGO_DEBUG="1")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_deploy_check_warns_when_the_public_address_is_unset():
    env = production_env()
    del env["KB_SITE_URL"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "kb.W001" in result.stderr and "KB_SITE_URL" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DJANGO_SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


def test_production_defaults_are_the_safe_ones():
    values = settings_under(
        production_env(),
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "STORAGES",
        "ADMIN_PATH",
    )
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    # X-Forwarded-Proto is only believed when the operator says a proxy sets it.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["ADMIN_PATH"] == "admin/"


def test_security_settings_follow_the_environment():
    env = production_env(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_BEHIND_PROXY="1",
        DJANGO_ADMIN_PATH="/curators-only/",
        DJANGO_AXES_FAILURE_LIMIT="7",
        DJANGO_PROXY_COUNT="1",
    )
    values = settings_under(
        env,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "ADMIN_PATH",
        "AXES_FAILURE_LIMIT",
        "PROXY_COUNT",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "ADMIN_PATH": "curators-only/",
        "AXES_FAILURE_LIMIT": 7,
        "PROXY_COUNT": 1,
    }


def test_gunicorn_config_reads_workers_and_threads_from_the_environment():
    env = production_env(GUNICORN_WORKERS="3", GUNICORN_THREADS="4")
    code = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: c[k] for k in "
        "('workers', 'threads', 'worker_class', 'timeout', 'accesslog', 'wsgi_app')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["workers"] == 3
    assert config["threads"] == 4
    assert config["worker_class"] == "gthread"
    assert 0 < config["timeout"] <= 60
    assert config["accesslog"] == "-"
    assert config["wsgi_app"] == "kb.wsgi:application"


def test_gunicorn_runs_sync_workers_unless_told_otherwise():
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['threads'], c['worker_class'])"
    )
    env = {k: v for k, v in production_env().items() if k != "GUNICORN_THREADS"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "sync"]


def test_review_interval_comes_from_the_environment():
    env = production_env(KB_REVIEW_INTERVAL_DAYS="180")
    assert settings_under(env, "KB_REVIEW_INTERVAL_DAYS") == {
        "KB_REVIEW_INTERVAL_DAYS": 180
    }


def test_planner_options_are_sent_to_postgresql_unless_turned_off():
    url = "postgres://kb@db.example.org:5432/kb"
    [on] = settings_under(production_env(DATABASE_URL=url), "DATABASES").values()
    assert on["default"]["OPTIONS"]["options"] == "-c random_page_cost=1.1 -c jit=off"
    assert on["default"]["OPTIONS"]["connect_timeout"] == 2
    off = production_env(DATABASE_URL=url, DJANGO_DB_OPTIONS="")
    [off] = settings_under(off, "DATABASES").values()
    assert "options" not in off["default"]["OPTIONS"]
