"""Soak under mixed load: readers on every page type and two curators editing and
publishing concurrently through the admin, against two gunicorn servers, one
PostgreSQL and one Redis, all of our own on loopback (tests/servers.py).

    .venv/bin/python bench/soak.py                 # 10 minutes, writes bench/results/
    .venv/bin/python bench/soak.py --duration 60 --no-results

What it checks (bench/README.md, "Soak"):
- errors: every reader request answers 200; every curator request answers what
  the admin answers (302 after a save or an action, 200 with the conflict message
  when the other curator saved the record first), nothing else;
- lost edits: each edit appends a unique word to a practice's discussion, on top
  of the text the curator's form showed; at the end every word of every accepted
  save is in the database (a save over the other curator's would drop theirs);
- stale reads: after each accepted save, publish or unpublish the curator reads
  the public page back through the *other* server: the word is there (or the
  page is gone after an unpublish);
- memory: each worker's resident memory after a warm-up and at the end; growth
  under 10%.
"""

import argparse
import datetime
import json
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    Browser,
    Load,
    Server,
    Stack,
    csrf_token,
    fetch,
    form_fields,
    query,
    rss_kib,
)

CURATOR_PASSWORD = "a-long-soak-curator-passphrase-42"
CONFLICT = "Your changes were NOT saved"  # the admin's refusal (admin_forms.py)
MEMORY_GROWTH_LIMIT = 0.10


def reader_paths(env):
    """One or more URLs of every public page type, published records only."""

    def slugs(table, n=3):
        return [
            urllib.parse.quote(row[0])
            for row in query(
                env,
                f"SELECT slug FROM practices_{table} "  # fixed table names
                "WHERE status = 'published' ORDER BY id LIMIT %s",
                (n,),
            )
        ]

    tags = [row[0] for row in query(env, "SELECT slug FROM taggit_tag LIMIT 3")]
    paths = ["/", "/about/", "/about/data/", "/search/?q=labour", "/search/?q=police"]
    paths += ["/practices/", "/practices/?theme=prevention", "/initiatives/"]
    paths += ["/jurisdictions/", "/findings/", "/tags/", "/sources/", "/compare/"]
    for table, prefix in [
        ("bestpractice", "practices"),
        ("initiative", "initiatives"),
        ("jurisdiction", "jurisdictions"),
        ("finding", "findings"),
    ]:
        for slug in slugs(table):
            paths += [f"/{prefix}/{slug}/", f"/{prefix}/{slug}/history/"]
            paths += [f"/{prefix}/{slug}/cite.bib"]
    paths += [f"/sources/{slug}/" for slug in slugs("source")]
    paths += [f"/organizations/{slug}/" for slug in slugs("organization")]
    paths += [f"/tags/{urllib.parse.quote(tag)}/" for tag in tags]
    paths += ["/feeds/practices/", "/practices.csv", "/findings.json"]
    paths += ["/initiatives.csv", "/data/knowledge-base.json", "/sitemap.xml"]
    paths += ["/robots.txt", "/healthz"]
    return paths


class Curator(threading.Thread):
    """Edits shared practices (the other curator edits them too) and publishes and
    unpublishes one practice of its own, reading every change back through the
    other server."""

    def __init__(self, name, server, other, shared, own, deadline, ledger):
        super().__init__(daemon=True)
        self.name, self.other, self.shared, self.own = name, other, shared, own
        self.deadline, self.ledger = deadline, ledger
        self.browser = Browser(server.url)
        # The editor who publishes this curator's work: the editorial workflow
        # holds an edit of a published record until a second person approves it.
        self.approver = Browser(server.url)
        self.count = 0
        self.figures = {
            "saves": 0,
            "conflicts": 0,
            "publishes": 0,
            "unpublishes": 0,
            "errors": [],
            "stale": [],
        }

    def log_in(self):
        for browser, name in (
            (self.browser, self.name),
            (self.approver, approver_name(self.name)),
        ):
            status, _, html = browser.get("/admin/login/")
            status, headers, html = browser.post(
                "/admin/login/",
                {
                    "csrfmiddlewaretoken": csrf_token(html),
                    "username": name,
                    "password": CURATOR_PASSWORD,
                    "next": "/admin/",
                },
            )
            assert status == 302, f"{name} could not log in: {status}"

    def is_live(self, pk, word):
        """Whether the approval published `word`. The other curator may have changed
        the pending edit since (then the approval is refused, and says so): only a
        committed change must show on the page."""
        rows = query(
            self.env,
            "SELECT discussion FROM practices_bestpractice WHERE id = %s",
            (pk,),
        )
        if rows and word in rows[0][0]:
            return True
        self.figures["conflicts"] += 1
        return False

    def review(self, browser, pk, action):
        """A review button: the curator submits, the editor approves."""
        change = f"/admin/practices/bestpractice/{pk}/change/"
        status, _, html = browser.get(change)
        if status != 200:
            return self.error(f"GET {change}", status)
        # The pending change the form showed: acting on it is refused if the other
        # curator has replaced it since (never applied or discarded unseen).
        seen = re.search(r'name="pending_revision" value="(\d*)"', html)
        status, _, _ = browser.post(
            f"/admin/practices/bestpractice/{pk}/workflow/",
            {
                "csrfmiddlewaretoken": csrf_token(html),
                "action": action,
                "pending_revision": seen.group(1) if seen else "",
            },
        )
        if status != 302:
            return self.error(f"{action} {pk}", status)
        return True

    def error(self, what, status):
        self.figures["errors"].append(f"{what}: {status}")

    def read_back(self, slug, word=None):
        """The public page on the other server: shows `word`, or is gone (None)."""
        status, _, html = Browser(self.other.url).get(f"/practices/{slug}/")
        fresh = status == 404 if word is None else status == 200 and word in html
        if not fresh:
            self.figures["stale"].append(f"{slug}: {status}, expected {word}")

    def edit(self, pk, slug, published=True):
        change = f"/admin/practices/bestpractice/{pk}/change/"
        status, _, html = self.browser.get(change)
        if status != 200:
            return self.error(f"GET {change}", status)
        self.count += 1
        word = f"zq{self.name[-1]}{self.count}"
        fields = [
            (name, f"{value.rstrip()} {word}" if name == "discussion" else value)
            for name, value in form_fields(html, "bestpractice_form")
        ]
        status, _, html = self.browser.post(change, [*fields, ("_save", "Save")])
        if status == 302:
            self.figures["saves"] += 1
            self.ledger.append((pk, word))
            if published:
                if (
                    self.review(self.browser, pk, "submit")
                    and self.review(self.approver, pk, "approve")
                    and self.is_live(pk, word)
                ):
                    self.read_back(slug, word)
            return word
        if status == 200 and CONFLICT in html:
            self.figures["conflicts"] += 1  # refused and told: nothing lost
            return None
        return self.error(f"POST {change}", status)

    def action(self, pk, slug, name):
        changelist = "/admin/practices/bestpractice/"
        status, _, html = self.approver.get(changelist)
        if status != 200:
            return self.error(f"GET {changelist}", status)
        status, _, _ = self.approver.post(
            changelist,
            {
                "csrfmiddlewaretoken": csrf_token(html),
                "action": name,
                "_selected_action": str(pk),
                "index": "0",
                "post": "yes",  # the page that asks first, answered
            },
        )
        if status != 302:
            return self.error(f"{name} {pk}", status)
        self.figures[f"{name}es"] += 1
        return True

    def run(self):
        try:
            self.log_in()
            own_pk, own_slug = self.own
            while time.monotonic() < self.deadline:
                pk, slug = random.choice(self.shared)
                self.edit(pk, slug)
                if self.count % 5 == 0:
                    # Its own practice: unpublish, edit while a draft, publish.
                    if self.action(own_pk, own_slug, "unpublish"):
                        self.read_back(own_slug, None)
                    word = self.edit(own_pk, own_slug, published=False)
                    if self.action(own_pk, own_slug, "publish") and word:
                        self.read_back(own_slug, word)
        except Exception as error:  # noqa: BLE001 (reported, not hidden)
            self.figures["errors"].append(f"{type(error).__name__}: {error}")


def say(text):
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def worker_memory(servers):
    return {pid: rss_kib(pid) for s in servers for pid in s.worker_pids()}


def approver_name(curator):
    return curator.replace("curator", "editor")


def soak(stack, servers, duration, readers=4, log=say):
    """Run the soak on a stack and two servers; return its figures."""
    env = stack.env
    Curator.env = env  # read by Curator.is_live
    for n in (1, 2):
        stack.manage(
            "create_curator", f"soak-curator-{n}", "--password", CURATOR_PASSWORD
        )
        stack.manage(
            "create_editor",
            approver_name(f"soak-curator-{n}"),
            "--password",
            CURATOR_PASSWORD,
        )
    practices = query(
        env,
        "SELECT id, slug FROM practices_bestpractice WHERE status = 'published' "
        "ORDER BY id LIMIT 6",
    )
    shared, own = practices[:4], practices[4:6]
    paths = [
        p
        for p in reader_paths(env)
        if not any(f"/practices/{slug}/" in p for _, slug in own)
    ]
    not_ok = {p: fetch(servers[0].url, p) for p in paths}
    not_ok = {
        p: r for p, r in not_ok.items() if not (isinstance(r, tuple) and r[0] == 200)
    }
    assert not not_ok, f"reader URLs that do not answer 200: {not_ok}"

    start = time.monotonic()
    deadline = start + duration
    warm_up = min(60, duration / 4)
    ledger = []
    curators = [
        Curator(
            f"soak-curator-{n + 1}",
            servers[n],
            servers[1 - n],
            shared,
            own[n],
            deadline,
            ledger,
        )
        for n in range(2)
    ]
    samples = []
    with Load([s.url for s in servers], paths, threads=readers) as load:
        for curator in curators:
            curator.start()
        time.sleep(warm_up)
        memory_start = worker_memory(servers)
        samples.append((round(time.monotonic() - start), sum(memory_start.values())))
        log(f"warmed up after {warm_up:.0f} s; workers' memory {memory_start} KiB")
        while time.monotonic() < deadline:
            time.sleep(min(30, max(0, deadline - time.monotonic())))
            samples.append(
                (round(time.monotonic() - start), sum(worker_memory(servers).values()))
            )
            log(f"{samples[-1][0]} s: {len(load.results)} reads, {len(ledger)} saves")
        for curator in curators:
            curator.join(timeout=60)
        memory_end = worker_memory(servers)

    final = dict(
        query(
            env,
            "SELECT id, discussion FROM practices_bestpractice WHERE id = ANY(%s)",
            ([pk for pk, _ in practices],),
        )
    )
    # An edit still waiting for approval when the soak stopped lives in the
    # record's pending change (one per record), not in the live row: kept, not lost.
    pending = dict(
        query(
            env,
            "SELECT p.object_id, p.data::text FROM practices_pendingchange p "
            "JOIN django_content_type t ON t.id = p.content_type_id "
            "WHERE t.app_label = 'practices' AND t.model = 'bestpractice'",
        )
    )
    lost = [
        (pk, word)
        for pk, word in ledger
        if word not in final[pk].split() and word not in pending.get(pk, "")
    ]
    growth = {
        pid: (memory_end.get(pid) - kib) / kib if memory_end.get(pid) else None
        for pid, kib in memory_start.items()
    }
    reads = load.results
    durations = sorted(r[4] for r in reads)
    return {
        "requested_s": duration,
        "duration_s": round(time.monotonic() - start),
        "warm_up_s": round(warm_up),
        "reader_threads": readers,
        "reader_urls": len(paths),
        "reads": len(reads),
        "read_errors": [f"{p}: {s}" for _, p, s, *_ in load.failures()],
        "read_p50_ms": round(1000 * durations[len(durations) // 2]) if reads else None,
        "read_p99_ms": round(1000 * durations[int(len(durations) * 0.99)])
        if reads
        else None,
        "saves": sum(c.figures["saves"] for c in curators),
        "conflicts_refused": sum(c.figures["conflicts"] for c in curators),
        "publishes": sum(c.figures["publishes"] for c in curators),
        "unpublishes": sum(c.figures["unpublishes"] for c in curators),
        "curator_errors": [e for c in curators for e in c.figures["errors"]],
        "stale_reads": [e for c in curators for e in c.figures["stale"]],
        "lost_edits": lost,
        "memory_start_kib": memory_start,
        "memory_end_kib": memory_end,
        "memory_growth": {
            pid: round(g, 3) for pid, g in growth.items() if g is not None
        },
        "memory_samples_total_kib": samples,
        "workers_replaced": sorted(set(memory_start) - set(memory_end)),
    }


def verdict(figures):
    """The checks that failed (an empty list: the soak passed)."""
    failed = []
    for key in ("read_errors", "curator_errors", "stale_reads", "lost_edits"):
        if figures[key]:
            failed.append(f"{key}: {figures[key][:5]}")
    if figures["workers_replaced"]:
        failed.append(f"workers replaced: {figures['workers_replaced']}")
    for pid, growth in figures["memory_growth"].items():
        if growth >= MEMORY_GROWTH_LIMIT:
            failed.append(f"worker {pid} memory grew {growth:.0%}")
    if not figures["saves"] or not figures["reads"]:
        failed.append("no load: nothing was saved or read")
    return failed


def report(figures, failed):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    lines = [
        f"# Soak {datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Commit {commit}; {platform.node()}, {subprocess.getoutput('nproc')} cores; "
        "2 gunicorn servers (2 sync workers each, no worker recycling), one "
        "PostgreSQL and one Redis of its own on loopback; `bench/soak.py "
        f"--duration {figures['requested_s']}` (ran {figures['duration_s']} s).",
        "",
        f"**{'PASSED' if not failed else 'FAILED'}**"
        + (f": {failed}" if failed else ""),
        "",
        "| figure | value |",
        "|---|---|",
    ]
    for key in (
        "duration_s",
        "warm_up_s",
        "reader_threads",
        "reader_urls",
        "reads",
        "read_p50_ms",
        "read_p99_ms",
        "saves",
        "conflicts_refused",
        "publishes",
        "unpublishes",
    ):
        lines.append(f"| {key} | {figures[key]} |")
    for key in ("read_errors", "curator_errors", "stale_reads", "lost_edits"):
        lines.append(f"| {key} | {len(figures[key])} |")
    start = sum(figures["memory_start_kib"].values())
    end = sum(v for v in figures["memory_end_kib"].values() if v)
    lines.append(f"| workers' memory after warm-up (KiB, total) | {start} |")
    lines.append(f"| workers' memory at the end (KiB, total) | {end} |")
    worst = max(figures["memory_growth"].values(), default=0)
    lines.append(f"| largest growth of one worker | {worst:.1%} |")
    lines += ["", "Raw figures:", "", "```json", json.dumps(figures, indent=1), "```"]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=600, help="seconds")
    parser.add_argument("--readers", type=int, default=4, help="reader threads")
    parser.add_argument("--no-results", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-soak-") as tmp:
        tmp = Path(tmp)
        say("building the stack (PostgreSQL, Redis, content)…")
        stack = Stack(tmp / "static", database="kb_soak")
        servers = []
        try:
            servers = [Server(stack.env, tmp / f"gunicorn-{n}.log") for n in "ab"]
            for server in servers:
                server.wait_ready(timeout=60)
            figures = soak(stack, servers, args.duration, readers=args.readers)
        finally:
            for server in servers:
                server.stop()
            stack.remove()
    failed = verdict(figures)
    text = report(figures, failed)
    say(text)
    if not args.no_results:
        out = (
            ROOT
            / "bench"
            / "results"
            / f"soak-{datetime.datetime.now():%Y-%m-%d-%H%M}.md"
        )
        out.write_text(text)
        say(f"written to {out.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
