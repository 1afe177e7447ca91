"""No public URL answers 500 to hostile input, and what it echoes back is escaped.

Hypothesis generates query strings (every filter parameter, unknown and repeated
ones, very long values, SQL and HTML/JS payloads, broken percent-encoding, absurd
page numbers) against every named pattern in practices.urls, each reversed with a
real slug from factory data and with unknown or hostile slugs.
"""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

import practices.opendata.urls
import practices.urls
from tests.factories import (
    make_finding,
    make_initiative,
    make_organization,
    make_practice,
    make_quotation,
    make_source,
)

FILTER_PARAMS = [
    "tag",
    "jurisdiction",
    "theme",
    "q",
    "sort",
    "page",
    "j",
    "kind",
    "basis",
    "updated_since",
    "cursor",
    "page_size",
]
XSS_PAYLOADS = [
    '<script>alert("xss")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(2)>",
    "</title><script src=//evil.example/x.js></script>",
    '<a href="javascript:alert(3)">x</a>',
]
SQL_PAYLOADS = [
    "' OR '1'='1",
    "1; DROP TABLE practices_bestpractice; --",
    '" OR ""="',
    "1 UNION SELECT username, password FROM auth_user --",
    "%' AND 1=0 --",
    "\\'; SELECT pg_sleep(10); --",
]
ODD_VALUES = [
    "",
    "0",
    "-1",
    "-999999999999999999999",
    "1e9999",
    "9" * 400,
    "NaN",
    "last",
    "1.5",
    "0x10",
    "\x00",
    "🙂",
    "Ärende",
    "a" * 5000,
    "..%2f..%2fetc%2fpasswd",
]
# Raw query-string fragments that a browser would never send: they go into
# QUERY_STRING exactly as written.
BROKEN_ENCODINGS = [
    "%",
    "%%",
    "%zz",
    "%ff%fe",
    "%c0%af",
    "%00",
    "%e2%82",  # a truncated UTF-8 sequence
    "%u0041",
    "&&&",
    "=",
    "==x",
    "tag",
    "tag=%",
    "page=%ff",
    "q=%3Cscript%3E",
    "é".encode().decode("latin-1"),  # raw UTF-8 bytes, as WSGI passes them
]


def named_public_patterns():
    return [
        p for p in practices.urls.urlpatterns if isinstance(p, URLPattern) and p.name
    ]


PATTERN_NAMES = [p.name for p in named_public_patterns()]


# Values for URL parameters other than the slug: a record's first version, and a
# sitemap section.
EXTRA_KWARGS = {"n": 1, "section": "practices"}


def url_kwargs(pattern):
    return list(pattern.pattern.converters)


@pytest.fixture
def site_data(db):
    """One published record of each kind, linked and tagged; a draft too."""
    initiative = make_initiative(tags=["hotline"])
    initiative.lead_organizations.add(make_organization())
    practice = make_practice(
        jurisdiction=initiative.jurisdiction,
        tags=["hotline", "victim support"],
        initiatives=[initiative],
    )
    finding = make_finding(
        jurisdiction=initiative.jurisdiction,
        initiative=initiative,
        figures=[("Before", 10), ("After", 20)],
    )
    make_quotation(initiative=initiative, jurisdiction=initiative.jurisdiction)
    make_practice(status="draft", title="Unpublished draft")
    make_source(title="A second source")
    objects = [
        practice,
        initiative,
        initiative.jurisdiction,
        finding,
        finding.source,
        initiative.lead_organizations.get(),
    ]
    slugs = [obj.slug for obj in objects] + list(
        Tag.objects.values_list("slug", flat=True)
    )
    return {"slugs": slugs}


@pytest.fixture
def sweep_path(client, site_data, name):
    """The named pattern reversed with whichever real slug it serves with a 200
    (found once per test, not per example: the data does not change)."""
    pattern = next(p for p in named_public_patterns() if p.name == name)
    kwargs = url_kwargs(pattern)
    extra = {k: v for k, v in EXTRA_KWARGS.items() if k in kwargs}
    if kwargs == list(extra):
        return reverse(f"practices:{name}", kwargs=extra)
    assert kwargs == ["slug", *extra], f"{name}: teach this sweep about {kwargs}"
    for slug in site_data["slugs"]:
        path = reverse(f"practices:{name}", kwargs={"slug": slug, **extra})
        if client.get(path).status_code == 200:
            return path
    pytest.fail(f"no factory record is served by {name}; add one to site_data")


def query_value(real_slugs):
    return st.one_of(
        st.sampled_from(XSS_PAYLOADS + SQL_PAYLOADS + ODD_VALUES),
        st.sampled_from(real_slugs),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(max_size=60),
    )


def query_strings(real_slugs):
    """A raw QUERY_STRING: encoded pairs mixed with broken fragments."""
    key = st.one_of(
        st.sampled_from(FILTER_PARAMS),
        st.sampled_from(FILTER_PARAMS),  # filters more often than noise
        st.text(min_size=1, max_size=20),
    )
    pair = st.tuples(key, query_value(real_slugs)).map(
        lambda kv: f"{quote(kv[0], safe='')}={quote(kv[1], safe='')}"
    )
    part = st.one_of(pair, pair, st.sampled_from(BROKEN_ENCODINGS))
    return st.lists(part, min_size=1, max_size=12).map("&".join)


def path_slugs():
    return st.one_of(
        st.sampled_from(["no-such-record", "Ärende-ünknown", "a" * 300, "0", "-1"]),
        st.sampled_from(XSS_PAYLOADS + SQL_PAYLOADS),
        st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s),
    )


def assert_safe_response(response, sent):
    assert response.status_code < 500, (response.status_code, sent)
    content_type = response.get("Content-Type", "")
    if response.status_code == 200 and content_type.startswith("text/html"):
        body = response.content.decode()
        for payload in XSS_PAYLOADS:
            assert payload not in body, (payload, sent)


@pytest.mark.parametrize("name", PATTERN_NAMES)
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_hostile_query_strings_never_cause_a_server_error(
    client, site_data, sweep_path, data
):
    query = data.draw(query_strings(site_data["slugs"]), label="QUERY_STRING")
    response = client.generic("GET", sweep_path, QUERY_STRING=query)
    assert_safe_response(response, query)


SLUG_PATTERNS = [
    p.name for p in named_public_patterns() if "slug" in p.pattern.converters
]


@pytest.mark.parametrize("name", SLUG_PATTERNS)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(slug=path_slugs())
def test_unknown_and_hostile_slugs_get_404_not_500(client, site_data, name, slug):
    pattern = next(p for p in named_public_patterns() if p.name == name)
    extra = {k: v for k, v in EXTRA_KWARGS.items() if k in url_kwargs(pattern)}
    path = reverse(f"practices:{name}", kwargs={"slug": "SLUG", **extra}).replace(
        "SLUG", quote(slug, safe="")
    )
    response = client.get(path)
    # 400 for a NUL byte (kb.middleware.RejectNulBytesMiddleware), else not found.
    assert response.status_code in {301, 302, 400, 404}, (response.status_code, slug)
    assert_safe_response(response, slug)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 40, "1.5", "last", ""])
def test_absurd_page_numbers_are_handled_on_every_list(client, site_data, page):
    lists = [n for n in PATTERN_NAMES if n.endswith("-list") or n == "search"]
    assert lists, "the public lists have moved: update this test"
    for name in lists:
        response = client.get(reverse(f"practices:{name}"), {"page": page})
        assert response.status_code in {200, 404}, (name, page)


def test_search_echoes_a_script_payload_escaped(client, site_data):
    payload = XSS_PAYLOADS[0]
    response = client.get(reverse("practices:search"), {"q": payload})
    assert response.status_code == 200
    body = response.content.decode()
    assert payload not in body
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    ("path", "query"),
    [("/practices/a%00b/", ""), ("/practices/", "q=%00"), ("/", "tag=x&j=%00")],
)
def test_nul_bytes_get_400(client, site_data, path, query):
    response = client.generic("GET", path, QUERY_STRING=query)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_the_sweep_covers_every_filter_and_detail_page():
    # The sweep discovers patterns itself; this pins that it finds the lists and
    # details, so an import change cannot silently shrink it to nothing.
    assert {"home", "practice-list", "practice-detail", "search"} <= set(PATTERN_NAMES)
    assert "practice-detail" in SLUG_PATTERNS


SUGGESTION_FIELDS = ["text", "source", "name", "email", "website"]


def form_posts(real_slugs):
    """POST bodies for the suggestion forms: hostile, oversized, missing and
    repeated fields."""
    value = st.one_of(
        query_value(real_slugs),
        st.sampled_from(["x" * 4001, "y" * 100_000, "a@b", "not an e-mail"]),
    )
    field = st.one_of(st.sampled_from(SUGGESTION_FIELDS), st.text(max_size=20))
    return st.lists(st.tuples(field, value), max_size=8)


@pytest.mark.parametrize("name", ["suggest-practice", "practice-suggest"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_hostile_suggestion_posts_never_cause_a_server_error(
    client, site_data, name, data, settings
):
    from django.utils.http import urlencode

    settings.KB_SUGGESTIONS_PER_HOUR = 0  # the limit has its own test
    path = (
        reverse(f"practices:{name}")
        if name == "suggest-practice"
        else reverse(f"practices:{name}", args=[site_data["slugs"][0]])
    )
    pairs = data.draw(form_posts(site_data["slugs"]), label="form")
    response = client.post(
        path, urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {302, 400, 429}, (response.status_code, pairs)
    assert_safe_response(response, pairs)
    if response.status_code == 400:
        body = response.content.decode()
        for payload in XSS_PAYLOADS:
            assert payload not in body


# The schema and the docs pages take no parameters (and are tested on their own).
API_PATTERNS = [
    p
    for p in practices.opendata.urls.urlpatterns
    if isinstance(p, URLPattern) and p.name not in ("schema", "docs", "explorer")
]


@pytest.mark.parametrize("name", [p.name for p in API_PATTERNS])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_hostile_input_to_the_api_gets_a_json_answer_never_a_500(
    client, site_data, name, data
):
    pattern = next(p for p in API_PATTERNS if p.name == name)
    if "slug" in url_kwargs(pattern):
        slug = data.draw(
            st.one_of(st.sampled_from(site_data["slugs"]), path_slugs()), label="slug"
        )
        path = reverse(f"api:{name}", kwargs={"slug": "SLUG"}).replace(
            "SLUG", quote(slug, safe="")
        )
    else:
        path = reverse(f"api:{name}")
    query = data.draw(query_strings(site_data["slugs"]), label="QUERY_STRING")
    response = client.generic("GET", path, QUERY_STRING=query)
    assert response.status_code < 500, (response.status_code, path, query)
    assert response["Content-Type"] == "application/json", (path, query)
