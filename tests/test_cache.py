"""The page cache: anonymous visitors get cached pages, and a curator's publish, edit
or unpublish shows on the very next request; conditional requests and headers.

Runs against local memory, or Redis when REDIS_URL is set (each test with its own
key prefix, removed afterwards).
"""

import datetime
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.http import http_date
from django_redis import get_redis_connection

from practices.cache import (
    GENERATION_KEY,
    content_changed,
    generation,
    generation_changed_at,
)
from practices.models import BestPractice, Status

from .factories import (
    CURATOR_PASSWORD,
    admin_form_data,
    make_curator,
    make_editor,
    make_initiative,
    make_jurisdiction,
    make_practice,
)


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The cache the site would use: Redis when REDIS_URL is set, under a prefix
    of this test's own; local memory, emptied, otherwise."""
    import os

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        cache.clear()
        yield "locmem"
        cache.clear()
        return
    prefix = f"kb-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            # The backend and options production uses (kb/settings.py).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    yield "redis"
    client = get_redis_connection("default")
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def curator(db):
    make_curator("curator")
    client = Client()
    assert client.login(username="curator", password=CURATOR_PASSWORD)
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def admin_edit(curator, obj, **changes):
    """Open `obj`'s admin page, change some fields and save, as a curator would."""
    url = change_url(obj)
    data = admin_form_data(curator.get(url))
    data.update(changes)
    response = curator.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def admin_action(editor, obj, action):
    """A bulk action, confirmed on the page that asks first."""
    opts = obj._meta
    response = editor.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk], "post": "yes"},
    )
    assert response.status_code == 302


@pytest.fixture
def editor(db):
    make_editor("editor")
    client = Client()
    assert client.login(username="editor", password=CURATOR_PASSWORD)
    return client


def workflow(client, obj, action, **extra):
    """A review button on the change form (submit, approve, unpublish)."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_workflow", args=[obj.pk])
    response = client.post(url, {"action": action, **extra})
    assert response.status_code == 302


def admin_edit_published(curator, editor, obj, **changes):
    """A curator's edit of a published record, submitted and approved: only then
    is it public."""
    admin_edit(curator, obj, **changes)
    workflow(curator, obj, "submit")
    workflow(editor, obj, "approve")


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def text(client, url, status=200):
    return page(client, url, status).content.decode()


@pytest.fixture
def sweden(db):
    return make_jurisdiction("Sweden", slug="sweden")


@pytest.fixture
def practice(sweden):
    return make_practice(
        "Train hotel staff", slug="train-hotel-staff", jurisdiction=sweden
    )


@pytest.fixture
def draft(sweden):
    return make_practice(
        "Train hotel staff",
        slug="train-hotel-staff",
        jurisdiction=sweden,
        status=Status.DRAFT,
    )


# --- Served from the cache --------------------------------------------------------


API_DETAIL = "/api/v1/practices/train-hotel-staff/"


@pytest.mark.parametrize(
    "url, shown",
    [
        # The practice ("Train": words may be marked on a search page).
        ("/", "Train"),
        ("/practices/", "Train"),
        ("/practices/train-hotel-staff/", "Train"),
        ("/tags/hotels/", "Train"),
        ("/jurisdictions/sweden/", "Train"),
        ("/search/?q=hotel", "Train"),
        # The API: lists, a filtered list, details; and its reference page.
        ("/api/v1/practices/", "Train hotel staff"),
        ("/api/v1/practices/?tag=hotels&jurisdiction=sweden", "Train hotel staff"),
        (API_DETAIL, "Train hotel staff"),
        ("/api/v1/jurisdictions/sweden/", "Sweden"),
        ("/api/v1/tags/", "hotels"),
        ("/api/docs/", "API reference"),
    ],
)
def test_second_anonymous_visit_is_served_from_the_cache_without_queries(
    anonymous, practice, url, shown, django_assert_num_queries
):
    practice.tags.add("hotels")
    first = page(anonymous, url)
    assert first["X-KB-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = page(anonymous, url)

    assert second["X-KB-Cache"] == "hit"
    assert second.content == first.content
    assert shown in second.content.decode()
    for header in ("Content-Type", "Content-Language", "ETag", "Vary"):
        assert second.get(header) == first.get(header), header
    assert "s-maxage" in second["Cache-Control"]
    # Sized, not chunked, like the page it was stored from.
    assert second["Content-Length"] == str(len(second.content))


def test_head_request_is_answered_from_the_cached_page(anonymous, practice):
    page(anonymous, "/practices/")
    response = anonymous.head("/practices/")
    assert response.status_code == 200
    assert response["X-KB-Cache"] == "hit"
    body = page(anonymous, "/practices/").content
    assert int(response["Content-Length"]) == len(body)


def test_query_parameters_in_another_order_share_one_cached_page(anonymous, sweden):
    make_practice("Train hotel staff", jurisdiction=sweden, tags=["hotels", "police"])
    page(anonymous, "/practices/?tag=hotels&tag=police&theme=prevention")
    response = page(anonymous, "/practices/?theme=prevention&tag=hotels&tag=police")
    assert response["X-KB-Cache"] == "hit"
    # Different filters are different pages.
    other = page(anonymous, "/practices/?theme=protection&tag=hotels&tag=police")
    assert other["X-KB-Cache"] == "miss"
    assert "Train hotel staff" not in other.content.decode()


def test_anonymous_visitor_with_a_session_cookie_still_gets_the_cached_page(
    anonymous, practice
):
    from django.contrib.sessions.backends.db import SessionStore

    page(anonymous, "/practices/")
    session = SessionStore()
    session["visited"] = True
    session.save()
    anonymous.cookies["sessionid"] = session.session_key
    assert page(anonymous, "/practices/")["X-KB-Cache"] == "hit"


def test_stale_session_cookie_gets_the_cached_page_but_privately(anonymous, practice):
    page(anonymous, "/practices/")
    anonymous.cookies["sessionid"] = "left-over-from-a-logout"
    response = page(anonymous, "/practices/")
    assert response["X-KB-Cache"] == "hit"
    # The session middleware deletes the cookie: no shared cache may keep that.
    assert response.cookies["sessionid"].value == ""
    assert "private" in response["Cache-Control"]


def test_a_visitor_with_messages_waiting_gets_a_fresh_private_page(anonymous, practice):
    page(anonymous, "/practices/")
    anonymous.cookies["messages"] = "anything"
    response = page(anonymous, "/practices/")
    assert response["X-KB-Cache"] == "bypass"
    assert "private" in response["Cache-Control"]


def test_missing_page_is_not_cached_and_must_be_revalidated(anonymous, db):
    response = page(anonymous, "/practices/not-yet-published/", status=404)
    assert "X-KB-Cache" not in response or response["X-KB-Cache"] == "bypass"
    assert "no-cache" in response["Cache-Control"]
    assert "s-maxage" not in response["Cache-Control"]


def test_admin_and_health_check_are_never_cached(anonymous, curator, db):
    admin_login = page(anonymous, reverse("admin:login"))
    assert "X-KB-Cache" not in admin_login
    assert "no-store" in admin_login["Cache-Control"]
    health = page(anonymous, "/healthz")
    assert "X-KB-Cache" not in health
    assert "no-store" in health["Cache-Control"]


def test_page_cache_can_be_turned_off(anonymous, practice, settings):
    settings.KB_PAGE_CACHE_SECONDS = 0
    page(anonymous, "/practices/")
    assert "X-KB-Cache" not in page(anonymous, "/practices/")


# --- A curator's change shows at once -----------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/practices/",
    "/practices/train-hotel-staff/",
    "/tags/hotels/",
]


def warm(client, urls, status=200):
    for url in urls:
        page(client, url, status)
        assert page(client, url, status)["X-KB-Cache"] in {"hit", "bypass"}


def test_publishing_in_the_admin_shows_on_every_page_at_once(anonymous, editor, sweden):
    draft = make_practice(
        "Train hotel staff",
        slug="train-hotel-staff",
        jurisdiction=sweden,
        status=Status.DRAFT,
        tags=["hotels"],
    )
    make_practice("Another published practice", jurisdiction=sweden)
    warm(anonymous, ["/", "/practices/"])
    assert "Train hotel staff" not in text(anonymous, "/practices/")
    page(anonymous, "/practices/train-hotel-staff/", status=404)

    workflow(editor, draft, "approve")

    for url in PUBLIC_PAGES:
        assert "Train hotel staff" in text(anonymous, url), url


def test_editing_in_the_admin_shows_on_every_page_at_once(
    anonymous, curator, editor, practice
):
    practice.tags.add("hotels")
    warm(anonymous, PUBLIC_PAGES)

    admin_edit_published(curator, editor, practice, title="Train every hotel's staff")

    for url in PUBLIC_PAGES:
        body = text(anonymous, url)
        assert "Train every hotel" in body, url
        assert "Train hotel staff" not in body, url


def test_unpublishing_in_the_admin_removes_it_from_every_page_at_once(
    anonymous, editor, practice
):
    practice.tags.add("hotels")
    make_practice("Another published practice", jurisdiction=practice.jurisdiction)
    warm(anonymous, PUBLIC_PAGES)

    workflow(editor, practice, "unpublish", post="yes")

    assert "Train hotel staff" not in text(anonymous, "/")
    assert "Train hotel staff" not in text(anonymous, "/practices/")
    page(anonymous, "/practices/train-hotel-staff/", status=404)
    page(anonymous, "/tags/hotels/", status=404)  # its only record is a draft now


def test_bulk_publish_and_unpublish_actions_show_at_once(anonymous, editor, draft):
    warm(anonymous, ["/practices/"])

    admin_action(editor, draft, "publish")
    assert "Train hotel staff" in text(anonymous, "/practices/")
    warm(anonymous, ["/practices/", "/practices/train-hotel-staff/"])

    admin_action(editor, draft, "unpublish")
    assert "Train hotel staff" not in text(anonymous, "/practices/")
    page(anonymous, "/practices/train-hotel-staff/", status=404)


def test_changing_an_illustrating_initiative_shows_on_the_practice_page(
    anonymous, curator, editor, practice
):
    initiative = make_initiative(
        "Hotel outreach programme", jurisdiction=practice.jurisdiction
    )
    practice.initiatives.add(initiative)
    warm(anonymous, ["/practices/train-hotel-staff/"])

    admin_edit_published(curator, editor, initiative, title="Hotel and motel outreach")

    assert "Hotel and motel outreach" in text(
        anonymous, "/practices/train-hotel-staff/"
    )


def test_merging_tags_in_the_admin_shows_at_once(anonymous, curator, practice):
    from taggit.models import Tag

    practice.tags.add("hotel")
    make_practice("Motel checks", jurisdiction=practice.jurisdiction, tags=["hotels"])
    warm(anonymous, ["/tags/hotels/", "/tags/hotel/"])

    keep, merged = Tag.objects.get(slug="hotels"), Tag.objects.get(slug="hotel")
    response = curator.post(
        reverse("admin:taggit_tag_changelist"),
        {
            "action": "merge_tags",
            "_selected_action": [keep.pk, merged.pk],
            "apply": "yes",
            "target": keep.pk,
        },
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=merged.pk).exists()

    assert "Train hotel staff" in text(anonymous, "/tags/hotels/")
    page(anonymous, "/tags/hotel/", status=404)


def test_editing_a_draft_never_shows(anonymous, curator, sweden):
    draft = make_practice(
        "Secret draft",
        slug="secret-draft",
        jurisdiction=sweden,
        status=Status.DRAFT,
        tags=["hotels"],
    )
    make_practice("Published one", jurisdiction=sweden, tags=["hotels"])
    warm(anonymous, ["/", "/practices/", "/tags/hotels/"])

    admin_edit(curator, draft, title="Still a secret draft")

    for url in ["/", "/practices/", "/tags/hotels/", "/search/?q=secret"]:
        assert "secret draft" not in text(anonymous, url).lower(), url
    page(anonymous, "/practices/secret-draft/", status=404)


def test_curator_always_gets_a_fresh_uncached_page(anonymous, curator, practice):
    warm(anonymous, ["/practices/"])
    # A change that bypasses the signals: the anonymous page stays cached...
    BestPractice.objects.filter(pk=practice.pk).update(title="Changed behind")
    assert "Changed behind" not in text(anonymous, "/practices/")

    # ...but the curator reads the database, and nothing may keep their copy.
    response = page(curator, "/practices/")
    assert "Changed behind" in response.content.decode()
    assert "X-KB-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_curator_visit_does_not_fill_the_cache_for_visitors(
    anonymous, curator, practice
):
    page(curator, "/practices/")
    assert page(anonymous, "/practices/")["X-KB-Cache"] == "miss"


def test_content_changed_bumps_again_once_at_commit(transactional_db):
    before = generation()
    with transaction.atomic():
        make_practice("One")
        make_practice("Two")
        during = generation()
        assert during != before
        # Many saves in one transaction: one more bump at commit, not one each.
        pending = [
            entry
            for entry in transaction.get_connection().run_on_commit
            if entry[1].__name__ == "_generation_bump_on_commit"
        ]
        assert len(pending) == 1
    assert generation() != during


def test_queryset_update_needs_an_explicit_content_changed(anonymous, practice):
    warm(anonymous, ["/practices/"])
    BestPractice.objects.filter(pk=practice.pk).update(title="Bulk renamed")
    content_changed()
    assert "Bulk renamed" in text(anonymous, "/practices/")


def test_a_page_this_process_holds_is_served_without_copying_it_again(
    anonymous, practice
):
    """A hit asks the shared cache for the generation alone when this process
    already holds the page: the page itself is not copied out of Redis again (here,
    it is gone from there, and still served)."""
    from practices.cache import local_pages

    first = page(anonymous, "/practices/")
    [key] = local_pages.entries
    cache.delete(key)
    second = page(anonymous, "/practices/")
    assert second["X-KB-Cache"] == "hit"
    assert second.content == first.content


def test_a_page_this_process_holds_is_not_served_after_another_servers_save(
    anonymous, practice
):
    """Another server saved (its bump is all this process sees): the page this
    process holds is rendered again, not served."""
    warm(anonymous, ["/practices/"])
    BestPractice.objects.filter(pk=practice.pk).update(title="Renamed elsewhere")
    cache.set(GENERATION_KEY, f"{time.time_ns()}-0-elsewhere", timeout=None)
    response = page(anonymous, "/practices/")
    assert response["X-KB-Cache"] == "miss"
    assert "Renamed elsewhere" in response.content.decode()


def test_the_pages_a_process_holds_stay_within_their_budget(
    anonymous, practice, settings
):
    from practices.cache import local_pages

    settings.KB_LOCAL_PAGE_BYTES = len(page(anonymous, "/practices/").content) + 1
    for url in ("/practices/", "/practices/train-hotel-staff/", "/jurisdictions/"):
        page(anonymous, url)
        page(anonymous, url)
    assert 0 < local_pages.size <= settings.KB_LOCAL_PAGE_BYTES
    assert len(local_pages.entries) == 1  # the latest page alone fits


# --- Conditional requests and headers ----------------------------------------------


def test_public_page_has_cdn_friendly_cache_control(anonymous, practice, settings):
    settings.KB_CDN_MAX_AGE = 120
    for response in (page(anonymous, "/practices/"), page(anonymous, "/practices/")):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {
            "public",
            "max-age=0",
            "s-maxage=120",
            "stale-while-revalidate=30",
        }
        assert "Cookie" in response["Vary"]


def test_matching_etag_answers_304_and_a_change_answers_200(
    anonymous, curator, editor, practice
):
    etag = page(anonymous, "/practices/")["ETag"]
    assert etag.startswith('"')

    not_modified = anonymous.get("/practices/", headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag

    admin_edit_published(curator, editor, practice, title="Train every hotel's staff")
    changed = anonymous.get("/practices/", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Train every hotel" in changed.content.decode()


def test_unchanged_page_answers_304_after_an_unrelated_change(anonymous, practice):
    etag = page(anonymous, "/practices/train-hotel-staff/")["ETag"]
    content_changed()  # a new generation: the page is rendered again...
    response = anonymous.get(
        "/practices/train-hotel-staff/", headers={"if-none-match": etag}
    )
    # ...and, being the same, is not sent again.
    assert response.status_code == 304
    assert response["X-KB-Cache"] == "miss"


def age_generation(seconds):
    """Pretend the latest content change happened `seconds` ago."""
    changed = time.time_ns() - seconds * 1_000_000_000
    cache.set(GENERATION_KEY, f"{changed}-test", timeout=None)
    return changed / 1e9


def test_last_modified_is_the_time_of_the_latest_change(anonymous, practice):
    changed_at = age_generation(3600)
    response = page(anonymous, "/practices/")
    assert response["Last-Modified"] == http_date(int(changed_at))

    same = anonymous.get(
        "/practices/", headers={"if-modified-since": response["Last-Modified"]}
    )
    assert same.status_code == 304

    make_practice("A newer practice", jurisdiction=practice.jurisdiction)
    age_generation(1)  # the change, a second ago
    newer = anonymous.get(
        "/practices/", headers={"if-modified-since": response["Last-Modified"]}
    )
    assert newer.status_code == 200
    assert "A newer practice" in newer.content.decode()


def test_no_last_modified_within_the_second_of_a_change(anonymous, practice):
    # Another change in the same second would carry the same date.
    content_changed()
    assert generation_changed_at(generation()) > time.time() - 1
    response = page(anonymous, "/practices/")
    if int(generation_changed_at(generation())) == int(time.time()):
        assert "Last-Modified" not in response
    assert response["ETag"]


CACHE_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}


def test_pages_are_served_uncached_and_saves_go_through_when_the_cache_is_down(
    anonymous, curator, editor, practice
):
    with override_settings(CACHES=CACHE_DOWN):
        response = page(anonymous, "/practices/")
        assert "Train hotel staff" in response.content.decode()
        assert "X-KB-Cache" not in response
        # A cache is not a system of record: the curator's save, and the editor's
        # approval that publishes it, go through.
        admin_edit_published(
            curator, editor, practice, title="Saved while the cache is down"
        )
        assert "Saved while the cache is down" in text(anonymous, "/practices/")
    practice.refresh_from_db()
    assert practice.title == "Saved while the cache is down"
    assert practice.history.first().title == "Saved while the cache is down"


def test_pages_stay_cached_when_redis_closes_this_process_connections(
    page_cache, anonymous, practice, caplog
):
    """Redis restarted, or timed out idle clients: the connection each process
    keeps for reading the generation is made anew, and the page is still a hit."""
    if page_cache != "redis":
        pytest.skip("needs REDIS_URL: the connections are Redis's")
    url = "/practices/train-hotel-staff/"
    warm(anonymous, [url])
    assert page(anonymous, url)["X-KB-Cache"] == "hit"
    admin = get_redis_connection("default")
    db = admin.connection_pool.connection_kwargs.get("db", 0)
    me = admin.client_id()
    for client in admin.client_list():
        if client["db"] == str(db) and client["id"] != str(me):
            admin.client_kill_filter(_id=client["id"])
    caplog.clear()
    response = page(anonymous, url)
    assert response["X-KB-Cache"] == "hit"
    assert "unavailable" not in caplog.text


def test_a_save_the_cache_missed_retires_the_old_pages_once_it_is_back(
    transactional_db, settings
):
    # Outside a test transaction, as in production: the content counter is read.
    settings.KB_CONTENT_CHECK_SECONDS = 0
    anonymous = Client()
    practice = make_practice("Train hotel staff", slug="train-hotel-staff")
    url = "/practices/train-hotel-staff/"
    warm(anonymous, [url, "/practices/"])

    # The cache is unreachable while the save commits: neither bump reaches it,
    # so it still holds the old pages under the old generation when it is back.
    with override_settings(CACHES=CACHE_DOWN):
        practice.title = "Renamed while the cache was down"
        practice.save()

    for path in (url, "/practices/"):
        body = text(anonymous, path)
        assert "Renamed while the cache was down" in body, path
        assert "Train hotel staff" not in body, path
    assert page(anonymous, url)["X-KB-Cache"] == "hit"


def test_a_page_cached_yesterday_shows_todays_access_date(
    anonymous, practice, monkeypatch
):
    from django.utils import timezone

    url = "/practices/train-hotel-staff/"
    late = timezone.make_aware(datetime.datetime(2026, 12, 1, 23, 59))
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert "Accessed December 1, 2026" in text(anonymous, url)
    assert page(anonymous, url)["X-KB-Cache"] == "hit"

    monkeypatch.setattr(timezone, "now", lambda: late + datetime.timedelta(minutes=2))
    response = page(anonymous, url)
    assert response["X-KB-Cache"] == "miss"
    assert "Accessed December 2, 2026" in response.content.decode()


# --- The API, cached like the pages -------------------------------------------------


def test_api_list_and_detail_show_a_publish_an_edit_and_an_unpublish_at_once(
    anonymous, curator, editor, draft
):
    warm(anonymous, ["/api/v1/practices/"])
    warm(anonymous, [API_DETAIL], status=404)

    def titles():
        results = page(anonymous, "/api/v1/practices/").json()["results"]
        return [item["title"] for item in results]

    workflow(editor, draft, "approve")
    assert titles() == ["Train hotel staff"]
    assert page(anonymous, API_DETAIL).json()["title"] == "Train hotel staff"
    warm(anonymous, ["/api/v1/practices/", API_DETAIL])

    admin_edit_published(curator, editor, draft, title="Train every hotel's staff")
    assert titles() == ["Train every hotel's staff"]
    assert page(anonymous, API_DETAIL).json()["title"] == "Train every hotel's staff"
    warm(anonymous, ["/api/v1/practices/", API_DETAIL])

    workflow(editor, draft, "unpublish", post="yes")
    assert titles() == []
    page(anonymous, API_DETAIL, status=404)


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/v1/practices/?cursor=nonsense", 400),
        ("/api/v1/practices/?lang=xx", 400),
        ("/api/v1/practices/not-published/", 404),
    ],
)
def test_api_errors_are_never_cached(anonymous, practice, url, status):
    for _ in range(2):
        response = page(anonymous, url, status=status)
        assert response["X-KB-Cache"] == "bypass"
        assert "no-cache" in response["Cache-Control"]
        assert "detail" in response.json()


def test_a_client_that_takes_no_json_still_gets_406_after_a_cached_answer(
    anonymous, practice
):
    warm(anonymous, ["/api/v1/practices/"])
    refused = anonymous.get("/api/v1/practices/", headers={"accept": "text/html"})
    assert refused.status_code == 406
    # A browser's Accept takes anything (*/*): the shared answer.
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    shared = anonymous.get("/api/v1/practices/", headers={"accept": browser})
    assert shared["X-KB-Cache"] == "hit"
    # Asking for indented JSON gets its own answer, not the compact one.
    indented = anonymous.get(
        "/api/v1/practices/", headers={"accept": "application/json; indent=2"}
    )
    assert indented["X-KB-Cache"] == "miss"
    assert indented.content != shared.content
    assert indented.json() == shared.json()


def test_the_api_language_comes_from_lang_only_and_each_has_its_own_answer(
    anonymous, practice
):
    practice.title_fr = "Former le personnel hôtelier"
    practice.save()
    english = page(anonymous, API_DETAIL)
    assert english.json()["title"] == "Train hotel staff"
    # A French browser's preferences do not change the API's language (they would
    # take it to /fr/ on the site, but the API has no language prefix).
    for headers in ({"accept-language": "fr"}, {"cookie": "django_language=fr"}):
        same = anonymous.get(API_DETAIL, headers=headers)
        assert same["X-KB-Cache"] == "hit"
        assert same.json()["title"] == "Train hotel staff"
    french = page(anonymous, API_DETAIL + "?lang=fr")
    assert french["X-KB-Cache"] == "miss"
    assert french.json()["title"] == "Former le personnel hôtelier"
    assert french["Content-Language"] == "fr"
    assert page(anonymous, API_DETAIL + "?lang=fr")["X-KB-Cache"] == "hit"
    assert english["Content-Language"] == "en"


def test_cors_headers_are_given_on_a_cached_api_answer(anonymous, practice):
    origin = {"origin": "https://notebook.example"}
    first = anonymous.get("/api/v1/practices/", headers=origin)
    hit = anonymous.get("/api/v1/practices/", headers=origin)
    assert hit["X-KB-Cache"] == "hit"
    assert hit["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in hit["Access-Control-Expose-Headers"]
    assert "origin" in hit["Vary"].lower()
    # Decided for each request, never taken from the stored answer.
    plain = anonymous.get("/api/v1/practices/")
    assert plain["X-KB-Cache"] == "hit"
    assert "Access-Control-Allow-Origin" not in plain
    assert plain.content == first.content


def test_api_answers_to_a_curator_are_not_cached(anonymous, curator, practice):
    response = page(curator, "/api/v1/practices/")
    assert "X-KB-Cache" not in response
    assert "no-store" in response["Cache-Control"]
    assert page(anonymous, "/api/v1/practices/")["X-KB-Cache"] == "miss"


def test_the_api_schema_keeps_its_own_five_minute_caching(anonymous, db):
    # Built once per process from the code, not the content: browsers may keep it.
    for _ in range(2):
        response = page(anonymous, "/api/schema/")
        assert response["X-KB-Cache"] == "bypass"
        assert response["Cache-Control"] == "public, max-age=300"
