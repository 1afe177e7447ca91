"""WSGI entry point, served by gunicorn in production."""

import gc
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

django_application = get_wsgi_application()

# Imported once Django is set up: the page cache reads settings and models.
from practices.cache import PageReplay  # noqa: E402

# Answers already given from the page cache are replayed before Django's handler.
application = PageReplay(django_application)

# A page builds tens of thousands of short-lived objects (rows, template nodes'
# output, serialized fields), so with Python's default thresholds the collector
# ran several times per request, and now and then a full collection walked every
# object the process holds (bench/README.md, eighth round). What the process
# loaded to get here (Django, the apps, the settings) stays for its life: frozen,
# full collections skip it. A request's garbage is nearly all freed by reference
# counting, its cycles once its response is sent (collect_after_response), and a
# worker's memory stays bounded (its peak is measured by bench/run).
GC_THRESHOLDS = (50_000, 20, 100)
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)


def collect_after_response(**kwargs):
    """Collect the garbage a request left, once its response has been sent.

    Left to the thresholds, a collection came every few dozen requests, inside
    one of them, and freed the cycles of all those requests at once: 20–80 ms
    added to that one response, which made every page's 99th percentile
    (bench/README.md, eleventh round). Collected here, a request's own cycles are
    a few hundred objects, still in the processor's cache, and take a fraction of
    a millisecond after the client has its answer (the server sends the response,
    then closes it, which sends request_finished). The older generations are
    collected when the collector itself would collect them, so nothing that
    outlives a request is left uncollected."""
    _, middle, old = gc.get_count()
    _, middle_threshold, old_threshold = gc.get_threshold()
    if old >= old_threshold:
        gc.collect(2)
    elif middle >= middle_threshold:
        gc.collect(1)
    else:
        gc.collect(0)


request_finished.connect(collect_after_response, dispatch_uid="kb.wsgi.collect")
