"""gunicorn settings for the platform: ``gunicorn -c gunicorn.conf.py core.wsgi:application``.

Each value can be changed with an environment variable (docs/operations.md lists them). The
timeout is the longest a request may take; mail and other slow work runs in the Celery worker,
never in a request, so 30 s is generous. With ``OPVANGPLEIN_METRICS_PORT`` set, the master serves
Prometheus metrics on that port (127.0.0.1 unless ``OPVANGPLEIN_METRICS_HOST`` says otherwise).
"""

import multiprocessing
import os
import shutil
import tempfile

from core.access_log import TEXT_ACCESS_FORMAT

bind = os.environ.get("OPVANGPLEIN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OPVANGPLEIN_WEB_WORKERS", min(4, multiprocessing.cpu_count() + 1)))
timeout = int(os.environ.get("OPVANGPLEIN_WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests, so a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeats off a disk that may stall

accesslog = "-"
errorlog = "-"
logger_class = "core.access_log.AccessLogger"
access_log_format = TEXT_ACCESS_FORMAT

metrics_port = os.environ.get("OPVANGPLEIN_METRICS_PORT", "")
if metrics_port:
    # Every worker writes its counts here; the master sums them when scraped.
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="opvangplein-metrics-")
    )


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if metrics_port and directory:
        # Counts of an earlier run would be added to this one's.
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def when_ready(server):
    if metrics_port:
        from core.metrics import HOST_SETTING, serve

        serve(int(metrics_port), os.environ.get(HOST_SETTING, "127.0.0.1"))


def child_exit(server, worker):
    if metrics_port:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
