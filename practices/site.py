"""The site's public address for absolute URLs (citations, canonical links, CSV
links, feeds, the sitemap, metadata): KB_SITE_URL when set, else the scheme and host
the current request came to, so a site served at another address never points its
readers at 127.0.0.1. One helper, `site_url()`, for every absolute URL."""

from contextvars import ContextVar

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.exceptions import DisallowedHost
from django.http import FileResponse

# The scheme and host of the request being answered (set by SiteURLMiddleware),
# worked out when first asked for: a page served from the cache never needs it.
# A context variable rather than an argument: exports and citations are built far
# from the view, and streamed exports are written after the view has returned.
_request_origin = ContextVar("kb_request_origin", default=None)
# Outside any request (a management command) with KB_SITE_URL unset: the address
# `make serve` runs the site at.
FALLBACK = "http://127.0.0.1:8000"


class _Origin:
    """A request's scheme and host, read from it once, when first needed."""

    def __init__(self, request):
        self.request = request
        self.value = None

    def __str__(self):
        if self.value is None:
            try:
                self.value = request_origin(self.request)
            except DisallowedHost:
                # A forged Host header: its 400 page must not point at it.
                self.value = FALLBACK
        return self.value


def site_url():
    """The public address, without a trailing slash."""
    origin = _request_origin.get()
    return settings.SITE_URL or (str(origin) if origin is not None else FALLBACK)


def absolute(path):
    """`path` ("/practices/x/") as an absolute URL on the public address."""
    return site_url() + path


def request_origin(request):
    # build_absolute_uri("/") honours the Host header as ALLOWED_HOSTS validated it
    # and the scheme (SECURE_PROXY_SSL_HEADER behind a proxy).
    return request.build_absolute_uri("/").rstrip("/")


class SiteURLMiddleware:
    """Remembers the request's scheme and host while it is answered, including
    while a streamed response (an export) is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = _Origin(request)
        token = _request_origin.set(origin)
        try:
            response = self.get_response(request)
        finally:
            _request_origin.reset(token)
        # A file is sent as it is (the server may use sendfile); it holds no URL.
        # Async streams are not wrapped: the site is served over WSGI.
        if (
            response.streaming
            and not response.is_async
            and not isinstance(response, FileResponse)
        ):
            response.streaming_content = _streamed_with(
                origin, response.streaming_content
            )
        return response


def _streamed_with(origin, chunks):
    # The chunks are produced as the server sends them, after __call__ returned.
    token = _request_origin.set(origin)
    try:
        yield from chunks
    finally:
        try:
            _request_origin.reset(token)
        except ValueError:  # closed from another context: nothing left to undo
            pass


@register(Tags.urls, deploy=True)
def site_url_check(app_configs, **kwargs):
    """`check --deploy`: warn when production has no KB_SITE_URL."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        Warning(
            "KB_SITE_URL is not set: citations, canonical links, feeds and exports "
            "take their address from each request's Host header.",
            hint="Set KB_SITE_URL to the site's public address, e.g. "
            "https://kb.example.org, so every citation points at one address.",
            id="kb.W001",
        )
    ]
