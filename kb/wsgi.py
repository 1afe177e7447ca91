"""WSGI entry point, served by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

django_application = get_wsgi_application()

# Imported once Django is set up: the page cache reads settings and models.
from practices.cache import PageReplay  # noqa: E402

# Answers already given from the page cache are replayed before Django's handler.
application = PageReplay(django_application)
