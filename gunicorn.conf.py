"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py kb.wsgi`.

Each value can be changed through the environment without editing this file;
docs/deployment.md explains them.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "kb.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, one request at a time each, behind the proxy that buffers slow
# clients (docs/deployment.md). Rendering a page is mostly Python: two threads in
# one worker wait on each other for the interpreter, and at 100,000 practices a
# second thread halved the uncached pages' throughput and doubled their 99th
# percentile (bench/README.md, fourth round). GUNICORN_THREADS > 1 gives
# threaded workers for a server without a buffering proxy.
workers = _int("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# A request taking longer than this is stuck; the worker is killed and restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On HUP (reload) or TERM, workers stop accepting and get this long to finish the
# requests they have; the listening socket stays open through a reload, so none
# fails (tests/faults/, docs/deployment.md).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Logs go to stderr/stdout, where systemd or the container runtime collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address, request, status, size, time taken in microseconds, user agent.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# Only trust X-Forwarded-* from the proxy in front (the same host by default).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
