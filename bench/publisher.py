"""Publishing under reader load, for bench/run's "publishing" scenario: every
--every seconds, re-save one published practice, as publishing a change does (a
new history row and a content save, which retires cached pages). Prints one line
per save; stops on SIGTERM."""

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

from practices.models import BestPractice  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    pks = list(
        BestPractice.objects.published()
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    while not stopping:
        started = time.monotonic()
        practice = BestPractice.objects.get(pk=random.choice(pks))
        practice.save()
        sys.stdout.write(f"{time.time():.3f} saved {practice.pk}\n")
        sys.stdout.flush()
        while not stopping and time.monotonic() - started < args.every:
            time.sleep(0.2)


if __name__ == "__main__":
    main()
