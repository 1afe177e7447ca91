"""Admin login throttling: a username is locked out from one address after a few
failures, with a clear page; other users and other addresses are unaffected."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings
from django.urls import reverse

from kb.middleware import client_ip_address

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield


@pytest.fixture
def users():
    User = get_user_model()
    return [
        User.objects.create_superuser(name, f"{name}@example.org", PASSWORD)
        for name in ("alice", "bob")
    ]


def log_in(client, username, password, address="203.0.113.7", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail_until_locked(client, username, address="203.0.113.7", **extra):
    """Fail AXES_FAILURE_LIMIT times: the form with an error until the last."""
    statuses = [
        log_in(client, username, "wrong password", address, **extra).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def test_right_password_is_refused_once_the_user_is_locked_out(client, users):
    fail_until_locked(client, "alice")
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Login temporarily locked" in body
    assert "too many failed login attempts" in body
    assert "alice" in body
    assert "60 minutes" in body
    assert "_auth_user_id" not in client.session


def test_a_few_failures_do_not_lock_out(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "alice", "wrong password")
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users[0].pk)


def test_other_users_can_still_log_in_from_the_same_address(client, users):
    fail_until_locked(client, "alice")
    response = log_in(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users[1].pk)


def test_the_same_user_can_still_log_in_from_another_address(client, users):
    fail_until_locked(client, "alice", address="203.0.113.7")
    response = log_in(client, "alice", PASSWORD, address="198.51.100.20")
    assert response.status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, users):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "alice", "wrong password", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = log_in(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_forwards_is_counted(client, users):
    proxy = "127.0.0.1"
    fail_until_locked(client, "alice", proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    locked = log_in(
        client, "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is a different address.
    other = log_in(client, "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "203.0.113.7"),  # no proxy: the header is the client's say
        (1, "1.1.1.1", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # the left entry was forged
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.2", "1.1.1.1"),
        (2, "1.1.1.1", "203.0.113.7"),  # fewer hops than proxies: not trusted
        (1, "", "203.0.113.7"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    proxies, forwarded, expected
):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=forwarded
    )
    with override_settings(PROXY_COUNT=proxies):
        assert client_ip_address(request) == expected


def test_admin_passwords_must_be_strong():
    from django.contrib.auth.password_validation import (
        ValidationError,
        validate_password,
    )

    for weak in ("password1234", "short1!", "12345678901234"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=get_user_model()(username="alice"))
    validate_password("a long and unusual phrase 7")
