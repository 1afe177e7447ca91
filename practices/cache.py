"""Whole-page caching of the public site and the read-only API for anonymous
visitors, invalidated exactly.

Every cached page is stored under the current content *generation*: one token in the
shared cache (Redis with several app servers) that any change to content replaces.
A changed record therefore never shows a stale page, in this process or another one:
the next request reads the new token and misses. Old pages are simply never read
again and expire. The token also carries the time of the change, which is the pages'
Last-Modified. Signals (`practices.signals_cache`) call `content_changed()`.

The cache is not a system of record: when Redis does not answer, pages are served
uncached and saves go through (logged, never raised); a counter in the database,
bumped with every content save, retires the pages they changed once Redis is back
(worst case KB_CONTENT_CHECK_SECONDS of staleness, see "The content generation").

Headers: anonymous public pages and API answers get an ETag (a hash of the body),
Last-Modified and `Cache-Control: public, max-age=0, s-maxage=KB_CDN_MAX_AGE,
stale-while-revalidate=KB_CDN_STALE_WHILE_REVALIDATE`: browsers revalidate on every
visit (a cheap 304), a CDN may keep a page for s-maxage seconds. Anything for a
logged-in user, the admin, or a response that sets a cookie gets `private,
no-store` (Django's never-cache set).
"""

import functools
import hashlib
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date
from django.utils.translation import get_language_from_path
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

GENERATION_KEY = "kb:content-generation"
# The token the counts over everything published are kept under (see "The counts
# generation"): replaced only by changes that may alter them.
COUNTS_KEY = "kb:counts-generation"
PAGE_KEY_PREFIX = "kb:page"
# The URL namespaces whose answers are cached: the public site, and the read-only
# API (practices/opendata/urls.py), whose JSON is as public and changes with the
# same content. Nothing else: the admin, the health check, the language chooser.
CACHED_NAMESPACES = ("practices", "api")
# Media ranges after which every cached view answers alike: HTML views ignore
# Accept, and the API (JSON only) renders the same JSON for any of these.
PLAIN_ACCEPT = {"*/*", "application/*", "application/json"}
# Headers a cached copy does not keep: they are decided anew for each response.
# It keeps the others, Vary: Cookie (from the session middleware) among them.
SKIPPED_HEADERS = {"cache-control", "expires", "set-cookie", "content-length"}
STATUS_HEADER = "X-KB-Cache"

logger = logging.getLogger(__name__)


def page_cache_seconds():
    """How long a page stays in the cache; 0 turns page caching off."""
    return getattr(settings, "KB_PAGE_CACHE_SECONDS", 3600)


def cdn_max_age():
    return getattr(settings, "KB_CDN_MAX_AGE", 60)


def cdn_stale_while_revalidate():
    return getattr(settings, "KB_CDN_STALE_WHILE_REVALIDATE", 30)


def page_max_bytes():
    return getattr(settings, "KB_PAGE_CACHE_MAX_BYTES", 2_000_000)


# --- The content generation -------------------------------------------------------
#
# The token is "<time in ns>-<counter>-<random>". The counter is the database's
# content counter (ContentGeneration, bumped in the transaction of every content
# save) as it stood when the token was made; a token made before a save committed
# always carries a smaller counter than that save's. So when a save's invalidation
# could not reach Redis (down, or a blip), the first request that knows the new
# counter finds the token behind and replaces it: the pages rendered before the
# save are never read again, whichever process saved and even if it has exited.
# Each process reads the counter at most once every KB_CONTENT_CHECK_SECONDS (one
# single-row query), which is the worst-case staleness after a Redis outage; with
# Redis up, a save replaces the token at once and nothing is ever stale.

_known = {"counter": 0, "counts": 0, "checked_at": None}


def content_check_seconds():
    return getattr(settings, "KB_CONTENT_CHECK_SECONDS", 1)


def content_counter_forget():
    """Forget the counter this process has read (tests whose database is rolled
    back, or a process that outlives a restore from backup)."""
    _known.update(counter=0, counts=0, checked_at=None)


def content_counter_known():
    """The database's content counter as this process last read it, read again
    when older than KB_CONTENT_CHECK_SECONDS. Inside a transaction it is not read:
    an uncommitted value must never go into a token. When the database does not
    answer, the last value read (no save can commit meanwhile anyway)."""
    from .models import ContentGeneration

    checked_at = _known["checked_at"]
    now = time.monotonic()
    if checked_at is not None and now - checked_at < content_check_seconds():
        return _known["counter"]
    if transaction.get_connection().in_atomic_block:
        return _known["counter"]
    # Set before the query: while the database is down it is asked once a period
    # per process, not on every request.
    _known["checked_at"] = now
    try:
        row = (
            ContentGeneration.objects.filter(pk=1)
            .values_list("counter", "counts_counter")
            .first()
        )
    except DatabaseError:
        logger.warning("Content counter unavailable; using the last one read")
        return _known["counter"]
    _known["counter"], _known["counts"] = row or (0, 0)
    return _known["counter"]


def counts_counter_known():
    """The content counter's value at the last change that may alter the counts
    over everything published, as this process last read it (read with the
    content counter, as often)."""
    content_counter_known()
    return _known["counts"]


def _content_counter_bump(using, counts=True):
    """Add one to the database's content counter, in the current transaction (or
    at once, in autocommit), and return the new value. With `counts`, the change
    may alter the counts over everything published: the counts counter takes the
    new value too."""
    from .models import ContentGeneration

    rows = ContentGeneration.objects.using(using).filter(pk=1)
    # Both expressions read the row as it was: the counts counter gets the new
    # value of the counter.
    changes = {"counter": F("counter") + 1}
    if counts:
        changes["counts_counter"] = F("counter") + 1
    if not rows.update(**changes):
        # No row yet (a new or flushed database). bulk_create sends no signal.
        ContentGeneration.objects.using(using).bulk_create(
            [ContentGeneration(pk=1, counter=0)], ignore_conflicts=True
        )
        rows.update(**changes)
    return rows.values_list("counter", flat=True).get()


def _new_generation(counter):
    # The time of the change (for Last-Modified), the content counter it was made
    # for, and a random part, so two servers changing content in the same
    # nanosecond still write different tokens.
    return f"{time.time_ns()}-{counter}-{secrets.token_hex(4)}"


def generation_counter(token):
    """The content counter `token` was made for (0 for a token without one)."""
    parts = token.split("-")
    return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else 0


def _current_token(key, token, known):
    """`token` (the value of `key` in the cache, or None), replaced when missing
    (a fresh or flushed cache: then everything kept under it is new anyway) or
    made before a change this process knows of (`known`, a counter). Raises
    when the cache does not answer."""
    if token is None:
        cache.add(key, _new_generation(known), timeout=None)
        token = cache.get(key)
    if token is None or generation_counter(token) < known:
        token = _new_generation(known)
        cache.set(key, token, timeout=None)
    return token


def _current_generation(token, known):
    return _current_token(GENERATION_KEY, token, known)


_held = threading.local()


def stored_token(key):
    """The token kept under `key` in the cache, or None. Raises RedisError when
    Redis does not answer.

    Every cached page waits on this one read (PageReplay), and redis-py's command
    path (a connection taken from the pool and given back, retries, metrics) cost
    about half as much again as the round trip itself (bench/README.md, ninth
    round): with Redis it is sent on a connection this thread keeps, made by the
    cache's pool with its settings (timeouts), and made anew for another pool,
    after a fork, or when Redis closed it (once, as redis-py retries)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):  # local memory, in development
        return backend.get(key)
    pool = get_redis_connection("default").connection_pool
    full_key = backend.make_key(key)
    connection, answered_before = _held_connection(pool)
    try:
        value = _get_on(connection, full_key)
    except RedisConnectionError:
        if not answered_before:  # Redis is down: no second wait
            raise
        # Redis closed the connection this thread kept (a restart, idle clients
        # timed out): once more, on a new one.
        value = _get_on(_held_connection(pool)[0], full_key)
    _held.answered = True
    return None if value is None else backend.client.decode(value)


def _get_on(connection, full_key):
    try:
        connection.send_command("GET", full_key)
        return connection.read_response()
    except RedisError:
        connection.disconnect()
        _held.connection = None
        raise


def _held_connection(pool):
    """(this thread's connection to `pool`'s Redis, whether it has answered)."""
    if (
        getattr(_held, "connection", None) is None
        or _held.pool is not pool
        or _held.pid != os.getpid()
    ):
        _held.connection = pool.make_connection()
        _held.pool, _held.pid, _held.answered = pool, os.getpid(), False
    return _held.connection, _held.answered


def generation():
    """The current generation token. When the cache does not answer, a new token
    that nothing was stored under (so nothing is read from it)."""
    known = content_counter_known()
    try:
        return _current_generation(stored_token(GENERATION_KEY), known)
    except RedisError:  # Redis down or unreachable
        logger.warning("Cache unavailable; content generation unknown")
        return _new_generation(known)


def generation_changed_at(token):
    """The time (seconds since the epoch) at which `token` was written."""
    return int(token.split("-", 1)[0]) / 1e9


def generation_bump(counter=None, counts=True):
    """Start a new generation: every cached page is out of date from now on, and
    with `counts` the counts over everything published too.

    Never raises: a cache that does not answer costs speed, never a save. The
    database's counters (`counter`, else the last one read) catch up with it.
    """
    if counter is None:
        counter = _known["counter"]
    token = _new_generation(counter)
    try:
        cache.set_many(
            {GENERATION_KEY: token, **({COUNTS_KEY: token} if counts else {})},
            timeout=None,
        )
    except RedisError:  # Redis down or unreachable
        logger.warning("Cache unavailable; generation not bumped (counter %s)", counter)


# --- The counts generation ---------------------------------------------------------
#
# Counts over everything published (the lists' facets and totals, the home page's,
# the gap map's) take from a hundred milliseconds to seconds at 100,000 practices.
# Most saves cannot change them: a curator rewording a published practice changes
# its pages, not how many practices carry a tag. So the counts are kept under a
# token of their own, replaced only by changes that may alter them (signals_cache
# decides), with the same guarantee as the content generation: the database's
# `counts_counter`, set in the transaction of such a change, retires a token the
# change could not replace in Redis within KB_CONTENT_CHECK_SECONDS.


def counts_generation():
    """The token the counts over everything published are kept under. When the
    cache does not answer, a new token that nothing was stored under."""
    known = counts_counter_known()
    try:
        return _current_token(COUNTS_KEY, cache.get(COUNTS_KEY), known)
    except RedisError:  # Redis down or unreachable
        logger.warning("Cache unavailable; counts generation unknown")
        return _new_generation(known)


ON_COMMIT_NAME = "_generation_bump_on_commit"


def content_changed(using=None, counts=True):
    """Call whenever something a public page may show has changed; `counts`:
    unless the change cannot alter the counts over everything published (a
    record's text rewritten, signals_cache decides).

    Bumps the database's content counter once per transaction, in it: it commits
    or rolls back with the change. Bumps the generation in the cache now, and once
    more when the transaction commits: a request that read the data before the
    commit may have cached the old page under the first new generation; the second
    one makes sure nobody reads it.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        generation_bump(_content_counter_bump(using, counts), counts=counts)
        return
    # Made with the counter as known before this transaction: smaller than the
    # one it will commit (see above).
    generation_bump(counts=counts)
    # One bump per transaction is enough, however many records it saves (a bulk
    # publish). A callback registered inside a savepoint that is rolled back is
    # dropped by Django (and the savepoint's counter update undone), so a later
    # change registers its own.
    pending = next(
        (
            entry[1]
            for entry in getattr(connection, "run_on_commit", [])
            if getattr(entry[1], "__name__", "") == ON_COMMIT_NAME
        ),
        None,
    )
    if pending is not None:
        if counts and not pending.counts:
            # A text edit came first in this transaction; this change counts.
            _counts_counter_catch_up(using)
            pending.counts = True
        return
    counter = _content_counter_bump(using, counts)

    def _generation_bump_on_commit():
        generation_bump(counter, counts=_generation_bump_on_commit.counts)

    _generation_bump_on_commit.counts = counts
    transaction.on_commit(_generation_bump_on_commit, using=using, robust=True)


def _counts_counter_catch_up(using):
    from .models import ContentGeneration

    ContentGeneration.objects.using(using).filter(pk=1).update(
        counts_counter=F("counter")
    )


# --- Keys and entries -------------------------------------------------------------


def normalized_query(query_string):
    """`query_string` with its parameters sorted by name (values keep their
    order: it can matter, as in /compare/?j=a&j=b)."""
    items = sorted(QueryDict(query_string).lists(), key=lambda item: item[0])
    return urlencode([(key, value) for key, values in items for value in values])


def accept_variant(accept):
    """The part of an Accept header that can change an answer: "" for most
    clients. The API answers by content negotiation (DRF's `Vary: Accept`): 406
    to a client that takes no JSON, JSON indented for `application/json;
    indent=2`. A header that takes JSON or anything (browsers, curl, requests,
    fetch: */*) with no parameter but q on those ranges gets the one shared
    answer; any other header is part of the key, so its answer is cached for that
    header alone (an error, such as the 406, never is)."""
    accept = accept.strip()
    if not accept:
        return ""
    # Parameters of the ranges that cannot take JSON do not matter (Chrome's
    # "application/signed-exchange;v=b3"): the API never picks them.
    json_parameters = [
        params
        for media, *params in (
            [part.strip() for part in media_range.split(";")]
            for media_range in accept.lower().split(",")
        )
        if media in PLAIN_ACCEPT
    ]
    plain = json_parameters and all(
        param.startswith("q=") for params in json_parameters for param in params
    )
    return "" if plain else accept


def page_key(request):
    # The day is part of the key: citation panels print today's date as the
    # access date, so a page cached yesterday must not be served today.
    day = timezone.localdate().isoformat()  # the day citations.py takes
    return _page_key(
        day,
        request.scheme,
        request.get_host(),
        request.path,
        request.path_info,
        request.META.get("QUERY_STRING", ""),
        request.META.get("HTTP_ACCEPT", ""),  # not .headers: it parses them all
    )


@functools.lru_cache(maxsize=4096)
def _page_key(day, scheme, host, path, path_info, query_string, accept):
    # Worked out once per address and header: on a hit it was a tenth of the time.
    # The language is the page's, from its URL prefix (none: English), known
    # before LocaleMiddleware runs. Unprefixed pages are English only because
    # kb.i18n.LanguageRedirectMiddleware sends other readers to their prefix; the
    # API (unprefixed, outside i18n_patterns) is English unless ?lang= (the query,
    # in the key) asks otherwise: it reads neither Accept-Language nor the cookie.
    language = get_language_from_path(path_info) or settings.LANGUAGE_CODE
    url = f"{day} {language} {scheme}://{host}{path}?{normalized_query(query_string)}"
    url += f" {accept_variant(accept)}"
    return f"{PAGE_KEY_PREFIX}:{hashlib.sha256(url.encode()).hexdigest()}"


def local_page_bytes():
    return getattr(settings, "KB_LOCAL_PAGE_BYTES", 32_000_000)


class LocalPages:
    """The pages this process has served lately, in its own memory, so that a hit
    asks the shared cache for the generation token alone instead of for the whole
    page (a list page is 40–150 kB to copy out of Redis and unpickle on every
    request). An entry is served only when its generation is the current token,
    read from the shared cache on that same request: never staler than a page
    from the shared cache. The least recently used go first beyond
    KB_LOCAL_PAGE_BYTES of page bodies."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        # gunicorn's threaded workers (GUNICORN_THREADS) share one per process.
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = len(entry["content"])
        with self.lock:
            self._discard(key)
            if size > local_page_bytes():
                return
            self.entries[key] = entry
            self.size += size
            while self.size > local_page_bytes():
                self._discard(next(iter(self.entries)))

    def discard(self, key):
        with self.lock:
            self._discard(key)

    def _discard(self, key):
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry["content"])

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


local_pages = LocalPages()


def page_lookup(request):
    """(current generation, key, cached entry or None) in one round trip to the
    cache: for the token alone when this process holds the page of the current
    generation (LocalPages), else for the token and the page. An entry counts only
    if it was rendered in the current generation. None when the cache does not
    answer: the page is then rendered, not stored."""
    key = page_key(request)
    known = content_counter_known()
    held = local_pages.get(key)
    try:
        if held is not None:
            token = _current_generation(stored_token(GENERATION_KEY), known)
            if held["generation"] == token:
                return token, key, held
            local_pages.discard(key)
        found = cache.get_many([GENERATION_KEY, key])
        token = _current_generation(found.get(GENERATION_KEY), known)
    except RedisError:  # Redis down or unreachable
        # Serve from the database rather than fail; saves go on meanwhile and the
        # content counter retires what they changed once the cache is back.
        logger.warning("Page cache unavailable; serving %s uncached", request.path)
        return None
    entry = found.get(key)
    if entry is not None and entry["generation"] != token:
        entry = None
    if entry is not None:
        local_pages.put(key, entry)
    return token, key, entry


def _entry_from_response(response, token):
    content = response.content
    etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in SKIPPED_HEADERS
    ]
    return {"generation": token, "content": content, "headers": headers, "etag": etag}


def _response_from_entry(entry):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response[name] = value
    # A hit skips CommonMiddleware, which sets it on a miss. Without it gunicorn
    # sends the page chunked: one more write and packet per response.
    response["Content-Length"] = str(len(entry["content"]))
    return response


# --- The middleware ---------------------------------------------------------------


def _last_modified(token):
    """The pages' Last-Modified: the whole second of the latest change, or None
    while that second lasts (a second change within it would carry the same date,
    so a client holding this page could be told it is unchanged). The ETag covers
    the meantime."""
    changed = int(generation_changed_at(token))
    return changed if changed < int(time.time()) else None


@functools.lru_cache(maxsize=8)
def _public_cache_control(s_maxage, stale_while_revalidate):
    # Worked out once: on a hit, building it was a sixth of the time.
    response = HttpResponse()
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=s_maxage,
        stale_while_revalidate=stale_while_revalidate,
    )
    return response["Cache-Control"]


@functools.lru_cache(maxsize=64)
def _http_date(seconds):
    # The same few dates (one per content generation) on every hit.
    return http_date(seconds)


def _public_response(request, response, etag, token, status):
    """Give an anonymous public page its validators and CDN headers, and answer
    304 when the client's copy is current. `status` (hit, miss) goes into the
    X-KB-Cache header, for people measuring and debugging."""
    last_modified = _last_modified(token)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = _http_date(last_modified)
    # A page's own Cache-Control never reaches here (SKIPPED_HEADERS, and a view
    # that set one is bypassed): set the public one outright.
    response["Cache-Control"] = _public_cache_control(
        cdn_max_age(), cdn_stale_while_revalidate()
    )
    response = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    response[STATUS_HEADER] = status
    return response


def _has_pending_messages(request):
    storage = messages.get_messages(request)
    # len() counts messages queued by this request and any carried in (read, not
    # consumed); `used`: the page showed some.
    return bool(len(storage) or getattr(storage, "used", False))


def _for_this_visitor_only(request, response):
    """Whether the response carries something for this one visitor: a cookie
    (session, CSRF, messages) or messages, and so must never be shared."""
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or (session is not None and session.modified)
        or _has_pending_messages(request)
    )


HIT, PRIVATE, SIGNED_IN = "hit", "private", "signed-in"
# Set in the WSGI environ (request.META) when the answer is a page anyone may be
# given as it is, to the generation it belongs to: PageReplay keeps it then.
SHARED_ENVIRON_KEY = "kb.page_cache.shared"


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests for public pages and the API (the
    URL namespaces in CACHED_NAMESPACES) from the cache.

    Sits before SessionMiddleware. A request with neither a session nor a messages
    cookie is anonymous for certain, and a cached page is returned before any
    other middleware runs (the fast path). Any other request is decided in
    `process_view`, which runs after authentication: on the user being logged in,
    not on cookies (an anonymous visitor may carry a stale session cookie, and a
    curator must always see the database as it is). Pages are stored on the way
    out, when every inner middleware has had its say (cookies, headers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            self._may_be_cached(request)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
        ):
            looked_up = page_lookup(request)
            if looked_up is not None and looked_up[2] is not None:
                request.META[SHARED_ENVIRON_KEY] = looked_up[0]
                return self._hit(request, looked_up[2], looked_up[0])
            request._kb_page_lookup = looked_up or ()
        response = self.get_response(request)
        return self._store_or_mark(request, response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            not self._may_be_cached(request)
            or match is None
            or not match.namespaces
            or match.namespaces[0] not in CACHED_NAMESPACES
        ):
            return None
        if request.user.is_authenticated:
            # Remembered here: a view may replace request.user (the API, which
            # authenticates nobody, leaves None there).
            request._kb_page_cache = SIGNED_IN
            return None
        if CookieStorage.cookie_name in request.COOKIES:
            # Messages waiting for this visitor may show on the page.
            request._kb_page_cache = PRIVATE
            return None
        looked_up = getattr(request, "_kb_page_lookup", None)
        if looked_up is None:  # not tried on the fast path
            looked_up = page_lookup(request)
        if not looked_up:  # the cache does not answer
            return None
        token, key, entry = looked_up
        if entry is None:
            request._kb_page_cache = (token, key)
            return None
        request._kb_page_cache = HIT
        request._kb_page_token = token
        return self._hit(request, entry, token)

    @staticmethod
    def _may_be_cached(request):
        return page_cache_seconds() > 0 and request.method in ("GET", "HEAD")

    @staticmethod
    def _hit(request, entry, token):
        response = _response_from_entry(entry)
        return _public_response(request, response, entry["etag"], token, HIT)

    @staticmethod
    def _store_or_mark(request, response):
        user = getattr(request, "user", None)
        state = getattr(request, "_kb_page_cache", None)
        if state == SIGNED_IN or (user is not None and user.is_authenticated):
            # Nothing shared (a CDN, the browser's history) keeps a curator's page.
            add_never_cache_headers(response)
            return response
        if state is None:
            return response
        if state == PRIVATE or _for_this_visitor_only(request, response):
            # Even a cached page: the session middleware may have added a cookie
            # (deleting a stale session cookie), which nobody else must receive.
            add_never_cache_headers(response)
            if state != HIT:
                response[STATUS_HEADER] = "bypass"
            return response
        if state == HIT:
            request.META[SHARED_ENVIRON_KEY] = request._kb_page_token
            return response
        if (
            response.status_code != 200
            or response.streaming
            or response.has_header("Cache-Control")  # the view decided itself
        ):
            if not response.has_header("Cache-Control"):
                # A 404 today may be a published page in a minute: revalidate.
                patch_cache_control(response, no_cache=True)
            response[STATUS_HEADER] = "bypass"
            return response
        token, key = state
        entry = _entry_from_response(response, token)
        if len(entry["content"]) <= page_max_bytes():
            try:
                cache.set(key, entry, page_cache_seconds())
            except RedisError:  # Redis down or unreachable
                logger.warning("Page cache unavailable; %s not stored", key)
            else:
                local_pages.put(key, entry)
                request.META[SHARED_ENVIRON_KEY] = token
        return _public_response(request, response, entry["etag"], token, "miss")


# --- Replaying whole answers before Django's handler ------------------------------


class SentThenClosed:
    """A response's content, read whole to be kept, given to the server with the
    response's own close(): Django's request_finished (and what listens to it, as
    kb.wsgi's collection of the request's garbage) comes once the server has sent
    the content, as it does for a response passed through."""

    def __init__(self, content, response):
        self.content = content
        self.response = response

    def __iter__(self):
        yield self.content

    def close(self):
        self.response.close()


class PageReplay:
    """WSGI wrapper around Django's application (kb/wsgi.py): answers a plain
    anonymous GET of a page this process has already answered from the page cache
    (or stored in it), byte for byte as Django answered it then, after one round
    trip to the cache for the current generation, without Django's handler: its
    signals and middleware do not run (on this machine they were most of what a
    hit cost beyond that round trip, bench/README.md).

    Django decides what may be replayed: PageCacheMiddleware marks an answer it
    served or stored for everyone (SHARED_ENVIRON_KEY), after every middleware
    has had its say on the way in, and the whole answer is kept as it left
    Django, with the headers the outer middleware added. A request that could get
    another answer goes to Django as before:
    - one with a session or messages cookie (a curator, or messages waiting),
    - one Django would send elsewhere (a host not allowed; a visitor whose
      language cookie or Accept-Language asks for French or Spanish on an
      unprefixed page, kb.i18n.redirect_language),
    - a conditional one (Django answers 304), a HEAD, a cross-origin one (CORS
      headers depend on the Origin),
    - and any after a change: the kept answer belongs to a generation, and is
      replayed only while that generation is current.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        key = self.replay_key(environ)
        if key is None:
            return self.application(environ, start_response)
        held = local_pages.get(key)
        if held is not None:
            token = current_generation()
            if token is not None and held["generation"] == token:
                start_response(held["status"], held["headers"])
                return [held["content"]]
            local_pages.discard(key)
        answered = {}

        def start(status, headers, exc_info=None):
            answered.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        response = self.application(environ, start)
        token = environ.get(SHARED_ENVIRON_KEY)
        if token is None or not answered.get("status", "").startswith("200 "):
            return response
        headers = answered["headers"]
        names = {name.lower() for name, _ in headers}
        if "set-cookie" in names or "last-modified" not in names:
            # Not for everyone; or made in the second of a change, when the ETag
            # alone tells a current copy apart (_last_modified).
            return response
        try:
            content = b"".join(response)
        except BaseException:
            response.close()
            raise
        headers = [
            (name, HIT if name == STATUS_HEADER else value) for name, value in headers
        ]
        local_pages.put(
            key,
            {
                "generation": token,
                "status": answered["status"],
                "headers": headers,
                "content": content,
            },
        )
        return SentThenClosed(content, response)

    @staticmethod
    def replay_key(environ):
        """The key this request's answer is kept under, or None when it must go
        to Django (see the class)."""
        if (
            environ.get("REQUEST_METHOD") != "GET"
            # Static files (whitenoise) are never in the page cache.
            or environ.get("PATH_INFO", "").startswith(settings.STATIC_URL)
            or page_cache_seconds() <= 0
            or "HTTP_ORIGIN" in environ
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
        ):
            return None
        # A copy: WSGIRequest writes the decoded path back into its environ, which
        # Django's handler must still get as the server gave it (PEP 3333).
        request = WSGIRequest(environ.copy())
        cookies = request.COOKIES
        if (
            settings.SESSION_COOKIE_NAME in cookies
            or CookieStorage.cookie_name in cookies
        ):
            return None
        try:
            key = page_key(request)
        except DisallowedHost:
            return None
        from kb.i18n import redirect_language  # kb.i18n imports practices modules

        if redirect_language(request) is not None:
            return None
        return f"{key} whole"


def current_generation():
    """The current generation token, or None when the cache does not answer."""
    known = content_counter_known()
    try:
        return _current_generation(stored_token(GENERATION_KEY), known)
    except RedisError:
        return None
