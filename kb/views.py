"""Site-wide views: the health check, /favicon.ico and the error pages."""

import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a database that is down, restarting or unreachable raises (as opposed to
# a bad query, which is a bug and stays a 500).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
HEALTHZ_CACHE_KEY = "kb:healthz"


@never_cache
def healthz(request):
    """ "ok" when the database and the cache answer; otherwise one line per
    dependency ("database unavailable", "cache ok", ...). 503 when the database is
    down; 200 when only the cache is: the site still serves every page, slower.
    Cheap: one trivial query and one cache read, each with a short connect timeout
    (settings), so it answers within seconds even when both hang."""
    states = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unavailable")
        states["database"] = False
    else:
        states["database"] = True
    try:
        cache.get(HEALTHZ_CACHE_KEY)
    except RedisError:
        logger.exception("Health check: the cache is unavailable")
        states["cache"] = False
    else:
        states["cache"] = True
    if all(states.values()):
        return HttpResponse("ok", content_type="text/plain")
    body = "\n".join(
        f"{name} {'ok' if up else 'unavailable'}" for name, up in states.items()
    )
    status = 200 if states["database"] else 503
    return HttpResponse(body + "\n", status=status, content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico where a page links no icon (a feed, a data
    file, the API's JSON). The icon is the one the pages link, served by whitenoise
    under its hashed name; a temporary redirect, since that name changes with it."""
    return redirect(static("favicon.svg"))


def database_unavailable(request, exception=None):
    """503 with Retry-After and the styled "temporarily unavailable" page, for the
    public site and the admin alike. Rendered without a request or the database."""
    logger.warning(
        "Database unavailable, answered 503 for %s: %s", request.path, exception
    )
    try:
        body = loader.get_template("503.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # any failure here must still give a page
        logger.exception("Could not render 503.html")
        body = (
            "<!doctype html><title>Temporarily unavailable</title>"
            "<h1>Temporarily unavailable</h1>"
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.KB_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


# The API's clients read JSON, even for errors raised before its views run (a NUL
# byte refused by middleware, an unknown /api/ address).
API_PREFIX = "/api/"
API_ERRORS = {
    400: "The request could not be understood (malformed or NUL characters).",
    403: "Forbidden.",
    404: "There is no such address in the API.",
    500: "Server error.",
}


def _api_error(request, status):
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse({"detail": API_ERRORS.get(status, "Error.")}, status=status)


def _error_page(request, template_name, status, context=None):
    """Render an error page in the site's style (JSON for the API).

    If the page itself cannot be rendered (a broken template, a database error
    inside a context processor), fall back to the standalone 500 page rather than
    turning a 404 into an unstyled 500.
    """
    api_error = _api_error(request, status)
    if api_error is not None:
        return api_error
    try:
        body = loader.render_to_string(template_name, context or {}, request)
    except Exception:  # any failure here must still give a page
        logger.exception("Could not render %s", template_name)
        body = _standalone_500()
    return HttpResponse(body, status=status)


def _standalone_500():
    # No request, no context processors and no database: only settings.
    try:
        return loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # e.g. a static manifest without site.css
        logger.exception("Could not render 500.html")
        return "<!doctype html><title>Server error</title><h1>Server error</h1>"


def lockout(request, original_response=None, credentials=None):
    """django-axes' lockout response: the lockout page, with the wait in minutes."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    context = {
        "username": (credentials or {}).get("username")
        or request.POST.get("username", ""),
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return _error_page(
        request, "lockout.html", settings.AXES_HTTP_RESPONSE_CODE, context
    )


@requires_csrf_token
def bad_request(request, exception):
    return _error_page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception):
    return _error_page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception):
    return _error_page(request, "404.html", 404, {"request_path": request.path})


@requires_csrf_token
def server_error(request):
    # Django calls this inside its `except` block: a database error raised outside
    # a view (a curator's session, the user) is still a 503, not a 500.
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    return _api_error(request, 500) or HttpResponseServerError(_standalone_500())
