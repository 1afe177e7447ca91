"""The site's languages: which one a page is in, the first visit's choice, the
language switcher and the hreflang alternates (docs/i18n.md).

English pages keep their unprefixed URLs (every cited address still answers);
French and Spanish pages live under /fr/ and /es/. An unprefixed page is always
English; a visitor whose language cookie or, without one, Accept-Language prefers
French or Spanish is redirected to the prefixed page before the page cache is
consulted, so a cached English page is never served to them. Choosing English in
the switcher sets that cookie, so the choice sticks.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from practices.site import absolute

# The URL namespace of the public site, whose pages exist in every language.
PUBLIC_NAMESPACE = "practices"


def language_from_path(path):
    """The language a URL's prefix names; the default (English) without one."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def _translate(url, code):
    """`url` (a path, perhaps with a query) in language `code`. The URL resolver
    only knows the prefix of the active language, so the URL's own is activated."""
    with translation.override(language_from_path(url)):
        return translate_url(url, code)


def _is_public_page(path):
    """Whether `path` is a page of the public site (not a data file, a feed, the
    sitemap or robots.txt, which are the same in every language)."""
    from practices.urls import LANGUAGE_NEUTRAL

    try:
        with translation.override(language_from_path(path)):
            match = resolve(path)
    except Resolver404:
        return False
    return (
        match.namespaces[:1] == [PUBLIC_NAMESPACE]
        and match.url_name not in LANGUAGE_NEUTRAL
    )


def redirect_language(request):
    """The language a request for an unprefixed (English) public page is sent on
    to, from the visitor's cookie or Accept-Language; None when it is answered as
    it is. LanguageRedirectMiddleware redirects, and the page cache's replay
    (practices.cache.PageReplay) leaves such a request to it."""
    if request.method not in ("GET", "HEAD"):
        return None
    if translation.get_language_from_path(request.path_info) is not None:
        return None
    wanted = translation.get_language_from_request(request)
    if wanted != settings.LANGUAGE_CODE and _is_public_page(request.path_info):
        return wanted
    return None


class LanguageRedirectMiddleware:
    """Send a visitor who prefers French or Spanish from an unprefixed (English)
    page to the same page in their language. Placed before the page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        unprefixed = translation.get_language_from_path(request.path_info) is None
        wanted = redirect_language(request)
        if wanted is not None:
            response = HttpResponseRedirect(_translate(request.get_full_path(), wanted))
            # Another visitor with another cookie or header gets another answer.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        try:
            response = self.get_response(request)
        finally:
            # LocaleMiddleware activates the page's language for this thread and
            # leaves it there; whatever the thread runs next (another request's
            # early middleware, a test) starts from the default again.
            translation.deactivate()
        if unprefixed and response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class AdminLanguageMiddleware:
    """The admin and other unprefixed pages outside the public site (the API's
    docs, the login page) follow the visitor's choice: the cookie, else
    Accept-Language. LocaleMiddleware gives them English, the default, since
    their URLs carry no prefix. Placed right after LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/" + settings.ADMIN_PATH):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@never_cache
def choose_language(request, code):
    """The switcher's links: go to the same page in language `code`. Choosing
    English is remembered (a cookie), so a reader whose browser asks for French
    is not sent back to /fr/ from the English pages; choosing French or Spanish
    forgets it, and their pages carry their prefix anyway. A GET, so the switcher
    is plain links that work without JavaScript; a forged link can only change
    someone's language."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not next_url.startswith("/"):
        return HttpResponseBadRequest("The page to return to must be on this site.")
    response = HttpResponseRedirect(_translate(next_url, code))
    if code != settings.LANGUAGE_CODE:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def alternates(request):
    """The current page in each language: [(code, name, absolute URL)], for the
    hreflang links and the switcher; empty for a page outside the public site."""
    path = request.path_info
    if not _is_public_page(path):
        return []
    full_path = request.get_full_path()
    return [
        (code, name, absolute(_translate(full_path, code)))
        for code, name in settings.LANGUAGES
    ]


def switcher_links(request):
    """[(code, name, URL of the chooser, is current)] for the switcher, each
    leading to the current page in that language with its query string. Outside
    the public site (an error page), to the home page in each language."""
    current = translation.get_language()
    if _is_public_page(request.path_info):
        next_url = request.get_full_path()
    else:
        next_url = _translate(reverse("practices:home"), current)
    return [
        (
            code,
            name,
            reverse("choose-language", kwargs={"code": code})
            + "?"
            + urlencode({"next": next_url}),
            code == current,
        )
        for code, name in settings.LANGUAGES
    ]


def context(request):
    """Template context: the languages of the current page."""
    return {
        "language_alternates": alternates(request),
        "language_links": switcher_links(request),
    }
