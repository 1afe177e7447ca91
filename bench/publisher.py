"""Publishing under reader load, for bench/run's "publishing" scenario: every
--every seconds one publish, alternately
- a published practice reworded (its discussion gains a word), as approving a
  curator's pending change does: the pages showing it are retired, the counts
  over everything published are kept (practices/cache.py);
- a draft practice published, or the one published before unpublished again: the
  counts change too, so they are computed again.
Prints one line per save; stops on SIGTERM."""

import argparse
import os
import random
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

import django  # noqa: E402

django.setup()

from practices.models import BestPractice, Status  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    published = BestPractice.objects.published().order_by("pk")
    pks = list(published.values_list("pk", flat=True)[:1000])
    draft = BestPractice.objects.exclude(status=Status.PUBLISHED).order_by("pk").first()
    saves = 0
    while not stopping:
        started = time.monotonic()
        if saves % 2 == 0 or draft is None:
            practice = BestPractice.objects.get(pk=random.choice(pks))
            practice.discussion = f"{practice.discussion} bench{saves}"
            what = "reworded"
        else:
            practice = BestPractice.objects.get(pk=draft.pk)
            publishing = practice.status != Status.PUBLISHED
            practice.status = Status.PUBLISHED if publishing else Status.DRAFT
            what = "published" if publishing else "unpublished"
        practice.save()
        saves += 1
        sys.stdout.write(f"{time.time():.3f} {what} {practice.pk}\n")
        sys.stdout.flush()
        while not stopping and time.monotonic() - started < args.every:
            time.sleep(0.2)


if __name__ == "__main__":
    main()
