"""In-process half of the benchmark: picks the URLs to load, counts each page's
queries and runs EXPLAIN ANALYZE on the slowest ones. bench/run calls it and reads
the JSON it writes; it uses whatever database DATABASE_URL names."""

import argparse
import importlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

# The application as a gunicorn worker loads it (Django set up, and the garbage
# collector tuned as kb/wsgi.py tunes it), so a page alone takes here what it
# takes in a worker.
wsgi = importlib.import_module("kb.wsgi")

from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from taggit.models import Tag  # noqa: E402

from practices.models import (  # noqa: E402
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    TaggedPractice,
)

SEARCH_QUERY = "forced labour"
WARM_RUNS = 15
# The pages whose slowest queries get an EXPLAIN ANALYZE in the results.
EXPLAINED = ["home", "list", "filtered", "search", "detail"]


def pick_urls():
    """One URL per page kind, chosen so each page has real work to do."""
    published = BestPractice.objects.published()
    countries = Jurisdiction.objects.published().filter(kind=Jurisdiction.Kind.COUNTRY)
    # A synthetic country when there is one: it holds as many practices as the
    # database size implies, where a real one holds a handful.
    country = (
        countries.filter(slug__startswith="synthetic-").order_by("pk").first()
        or countries.order_by("pk").first()
    )
    filtered = "/practices/"
    if country:
        # The two tags most used in the country, so the filtered list is not empty.
        top = (
            TaggedPractice.objects.filter(
                content_object__in=published.filter(
                    jurisdiction__path__startswith=country.path
                )
            )
            .values("tag__slug")
            .annotate(n=Count("id"))
            .order_by("-n", "tag__slug")[:2]
        )
        tags = "&".join(f"tag={row['tag__slug']}" for row in top)
        filtered = f"/practices/?{tags}&jurisdiction={country.slug}"
    total = published.count()
    practice = published.order_by("pk")[total // 2] if total else None
    return {
        "static": staticfiles_storage.url("css/site.css"),
        "home": "/",
        "list": "/practices/",
        "filtered": filtered,
        "detail": practice.get_absolute_url()
        if practice
        else reverse("practices:home"),
        "search": "/search/?q=" + SEARCH_QUERY.replace(" ", "+"),
        "csv": "/practices.csv",
        "gaps": "/gaps/",
        "compare": "/compare/?j=united-states&j=sweden"
        + (f"&j={country.slug}" if country else ""),
        "api-list": "/api/v1/practices/",
        "api-filtered": "/api/v1" + filtered,
        "api-detail": "/api/v1"
        + (practice.get_absolute_url() if practice else "/practices/"),
    }


def request(url):
    """(status, seconds, queries) of a GET served as gunicorn serves it: by
    kb.wsgi's application, the clock stopped once the whole body is read (the
    client has its answer), then the response closed as the server closes it,
    which runs what follows a response (the collection of its garbage,
    kb/wsgi.py) outside the time."""
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SCRIPT_NAME": "",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"] = int(status.split()[0])

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = wsgi.application(environ, start_response)
        try:
            for _ in response:
                pass
            elapsed = time.perf_counter() - started
        finally:
            if hasattr(response, "close"):
                response.close()
    return answered["status"], elapsed, list(ctx.captured_queries)


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--explain-top", type=int, default=2)
    args = parser.parse_args()

    urls = pick_urls()
    pages = {}
    for name, url in urls.items():
        status, cold_s, cold = request(url)
        _, warm_s, warm = request(url)
        # One request alone: the median of WARM_RUNS (a single sample caught a
        # scheduler pause now and then, five a burst of the machine's noise);
        # pages of a second or more (the CSV export) once.
        if warm_s < 1:
            runs = [warm_s] + [request(url)[1] for _ in range(WARM_RUNS - 1)]
            warm_s = statistics.median(runs)
        page = {
            "url": url,
            "status": status,
            "queries_cold": len(cold),
            "queries_warm": len(warm),
            "seconds_cold": round(cold_s, 4),
            "seconds_warm": round(warm_s, 4),
            "explain": [],
        }
        if name in EXPLAINED and status == 200 and connection.vendor == "postgresql":
            selects = [
                q for q in cold if q["sql"].lstrip().upper().startswith("SELECT")
            ]
            slowest = sorted(selects, key=lambda q: float(q["time"]), reverse=True)
            for q in slowest[: args.explain_top]:
                page["explain"].append({"sql": q["sql"], "plan": explain(q["sql"])})
        pages[name] = page
    database = {
        str(model._meta.verbose_name_plural): model.objects.count()
        for model in (BestPractice, Initiative, Finding, Jurisdiction)
    }
    database["published best practices"] = BestPractice.objects.published().count()
    database["tags"] = Tag.objects.count()
    Path(args.out).write_text(
        json.dumps({"pages": pages, "database": database}, indent=2)
    )


if __name__ == "__main__":
    main()
