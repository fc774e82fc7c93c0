"""Prometheus metrics for operators, served on their own port by the gunicorn master
(``gunicorn.conf.py`` with ``OPVANGPLEIN_METRICS_PORT``), never on the public site.

* ``opvangplein_http_request_duration_seconds`` (histogram) and ``…_total`` per endpoint, method
  and status — by endpoint, not path, so ids and tenant slugs never multiply the series;
  errors are the 5xx statuses (prometheus-flask-exporter, multiprocess mode: every worker
  writes to ``PROMETHEUS_MULTIPROC_DIR``, the master adds them up);
* the backlog, read when scraped: ``opvangplein_outbox_pending``,
  ``opvangplein_outbox_oldest_pending_seconds``, ``opvangplein_outbox_dead_letters`` and
  ``opvangplein_job_queue_depth`` (messages waiting in the Redis job queue);
  ``opvangplein_backlog_up`` is 0 when they could not be read.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
PORT_SETTING = "OPVANGPLEIN_METRICS_PORT"
HOST_SETTING = "OPVANGPLEIN_METRICS_HOST"
logger = logging.getLogger("opvangplein.metrics")


def init_app(app) -> None:
    """Count and time every request, when the process runs under the metrics-enabled gunicorn
    configuration (elsewhere, e.g. in tests and ``make run``, there is nobody to scrape)."""
    if not os.path.isdir(os.environ.get(MULTIPROCESS_DIR, "")):
        return
    from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

    GunicornPrometheusMetrics(app, group_by="endpoint", defaults_prefix="opvangplein")


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Start the scrape endpoint (in the gunicorn master, once its workers are ready)."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(BacklogCollector())
    start_http_server(port, host, registry=registry)


class BacklogCollector:
    """Reads the outbox and job queue at scrape time, through an app of its own (the master
    loads none): the same settings, database roles and row-level security as the workers."""

    def __init__(self) -> None:
        self._app = None

    def collect(self):
        up = GaugeMetricFamily("opvangplein_backlog_up", "1 when the backlog figures were read")
        try:
            figures = self._figures()
        except Exception:
            logger.exception("backlog figures unavailable")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, key, text in (
            ("opvangplein_outbox_pending", "pending", "Mail waiting to be sent"),
            (
                "opvangplein_outbox_oldest_pending_seconds",
                "oldest_pending_seconds",
                "Age of the oldest waiting mail",
            ),
            ("opvangplein_outbox_dead_letters", "dead_letters", "Mail given up after retries"),
            ("opvangplein_job_queue_depth", "job_queue_depth", "Jobs waiting in the queue"),
        ):
            if key in figures:
                yield GaugeMetricFamily(name, text, value=figures[key])

    def _figures(self) -> dict:
        from core.health import outbox_backlog

        if self._app is None:
            from core.deployment import deployable_app

            self._app = deployable_app()
        figures = outbox_backlog(self._app.extensions["opvangplein.db"])
        depth = job_queue_depth(self._app.extensions["opvangplein.settings"])
        if depth is not None:
            figures["job_queue_depth"] = depth
        return figures


def job_queue_depth(settings) -> int | None:
    """Messages waiting in the Redis job queue (kombu keeps a queue as a Redis list)."""
    broker = settings.broker_url or settings.redis_url
    if not broker.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
    try:
        return int(client.llen(settings.job_queue))
    finally:
        client.close()
