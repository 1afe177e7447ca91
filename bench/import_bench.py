#!/usr/bin/env python3
"""Benchmark the admin's bulk import: 10,000 best practices from one CSV file on
PostgreSQL, through the admin's own pages (upload and preview, confirm, and the same
file again), and write the timings to bench/results/import-<date>.md.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--database-url URL]

It drops and recreates the database `kb_import_bench` (only that one; another one
through --database-url or BENCH_IMPORT_DATABASE_URL), migrates it and loads the real
content, whose jurisdictions, sources and tags the rows refer to. See bench/README.md.
"""

import argparse
import csv
import datetime
import io
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kb_import_bench"
TARGET_SECONDS = 60  # issue 13: 10,000 rows import in under a minute


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_URL),
    )
    parser.add_argument("--no-results", action="store_true", help="print only")
    return parser.parse_args()


def database_recreate(url):
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        raise SystemExit("error: the import benchmark needs PostgreSQL")
    conn = psycopg2.connect(
        dbname="postgres",
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()


def environment(url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="kb.settings",
        DJANGO_DEBUG="0",  # no query log: production's memory and speed
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        KB_IMPORT_MAX_BYTES=str(50 * 1024 * 1024),
        PYTHONPATH=str(ROOT),
        # Production's manifest storage needs collected files (git ignores tmp/).
        DJANGO_STATIC_ROOT=str(ROOT / "bench" / "tmp" / "staticfiles"),
    )
    return env


def practices_csv(rows, jurisdictions, sources, tags):
    """`rows` new best practices, referring to existing records by slug or name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["slug", "title", "recommendation", "theme", "jurisdiction", "position"]
        + ["sources", "tags"]
    )
    themes = ["prevention", "protection", "prosecution", "partnership"]
    for i in range(rows):
        writer.writerow(
            [
                f"bench-practice-{i}",
                f"Benchmark practice {i}",
                f"According to the source, practice {i} should be tried.",
                themes[i % 4],
                jurisdictions[i % len(jurisdictions)],
                i % 50,
                f"{sources[i % len(sources)]} | Chapter {i % 12}",
                f"{tags[i % len(tags)]}; {tags[(i + 3) % len(tags)]}",
            ]
        )
    return out.getvalue().encode()


def run(args):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from taggit.models import Tag

    from practices.models import BestPractice, Jurisdiction, Source

    setup_test_environment()  # the client then sees each response's context
    user = get_user_model().objects.create_superuser("bench", "bench@example.org")
    client = Client()
    client.force_login(user)
    # Half the rows name their jurisdiction by slug, half by exact name.
    jurisdictions = [
        value for j in Jurisdiction.objects.order_by("pk") for value in (j.slug, j.name)
    ]
    sources = list(Source.objects.values_list("slug", flat=True))
    tags = list(Tag.objects.values_list("name", flat=True))
    content = practices_csv(args.rows, jurisdictions, sources, tags)
    before = BestPractice.objects.count()

    def preview():
        started = time.monotonic()
        response = client.post(
            reverse("admin:practices_bestpractice_import"),
            {
                "resource": "0",
                "format": "0",
                "import_file": SimpleUploadedFile("bench.csv", content, "text/csv"),
            },
        )
        elapsed = time.monotonic() - started
        if response.status_code != 200 or response.context["confirm_form"] is None:
            raise SystemExit("error: the preview did not offer to confirm")
        return response, elapsed

    def confirm(response):
        form = response.context["confirm_form"]
        started = time.monotonic()
        done = client.post(
            reverse("admin:practices_bestpractice_process_import"),
            {bound.html_name: bound.value() for bound in form},
        )
        if done.status_code != 302:
            raise SystemExit(f"error: confirm answered {done.status_code}")
        return time.monotonic() - started

    timings = {}
    response, timings["preview (dry run), new file"] = preview()
    timings["confirm, new file"] = confirm(response)
    created = BestPractice.objects.count() - before
    history = BestPractice.history.filter(
        history_change_reason="Imported from bench.csv"
    ).count()
    response, timings["preview, same file again (all skipped)"] = preview()
    timings["confirm, same file again"] = confirm(response)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    return timings, created, history, len(content), pg_version


def report(args, timings, created, history, size, pg_version):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    confirm = timings["confirm, new file"]
    verdict = "met" if confirm < TARGET_SECONDS else "NOT met"
    lines = [
        f"# Import benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg_version}, commit {commit}",
        f"- file: {args.rows:,} best practices ({size:,} bytes of CSV), each with a "
        "jurisdiction (by slug or name), a source with a locator and two tags",
        f"- records created: {created:,}; history rows naming the file: {history:,}",
        "- through the admin's pages (Django test client, production settings, "
        "DEBUG off), on a database with the real content loaded",
        "",
        "| step | seconds |",
        "|---|---|",
        *[f"| {step} | {seconds:.1f} |" for step, seconds in timings.items()],
        "",
        f"Target: confirming {args.rows:,} rows in under {TARGET_SECONDS} s: "
        f"**{verdict}** ({confirm:.1f} s).",
        "",
    ]
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if not args.no_results:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"import-{datetime.datetime.now():%Y-%m-%d-%H%M}.md"
        path.write_text(text, encoding="utf-8")
        sys.stderr.write(f"[bench] wrote {path.relative_to(ROOT)}\n")


def main():
    args = parse_args()
    database_recreate(args.database_url)
    env = environment(args.database_url)
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["load_content"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    report(args, *run(args))


if __name__ == "__main__":
    main()
