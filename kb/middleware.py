"""Response headers Django does not set by itself, a guard against NUL bytes, a 503
while the database is down, and the client address that login throttling counts
failures against."""

from django.conf import settings
from django.core.exceptions import BadRequest

from .views import DATABASE_UNAVAILABLE, database_unavailable


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte anywhere in the path or the query string.

    No URL or filter of the site has a use for one, and PostgreSQL refuses it in a
    string (psycopg raises ValueError), so it would otherwise reach a lookup such as
    `slug=...` and end as a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # In the raw query string a NUL is "%00" (or itself): nothing is parsed
        # for the many requests without one.
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path_info or "%00" in query or "\x00" in query:
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 (Retry-After, the styled page) when a view fails because the
    database does not answer, instead of a 500: the visitor should come back, and
    nothing is wrong with the code. Pages already in the page cache are served
    before any view runs, so they keep answering 200. Errors raised outside a
    view (loading a curator's session) reach the 500 handler, which does the same
    (kb.views.server_error). Django reconnects by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


def client_ip_address(request):
    """The address a request came from, as django-axes should count it.

    With DJANGO_PROXY_COUNT=0 that is REMOTE_ADDR, and X-Forwarded-For is ignored:
    a client could write anything there to dodge its lockout. Behind N trusted
    proxies each appends the address it saw, so the client is the Nth entry from
    the right; entries further left were supplied by the client and are not trusted.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through all the
        # proxies, so the header is not trustworthy.
        return remote_addr
    return forwarded[-proxies]
