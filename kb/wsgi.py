"""WSGI entry point, served by gunicorn in production."""

import gc
import os

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
# counting; the rarer collections still free its cycles, and a worker's memory
# stays bounded (its peak is measured by bench/run).
GC_THRESHOLDS = (50_000, 20, 100)
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
