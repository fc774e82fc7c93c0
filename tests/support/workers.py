"""What each pytest-xdist worker (``PYTEST_XDIST_WORKER`` = ``gw0``, ``gw1``…) keeps to itself.

Databases, queues, ports and temporary directories are already unique per test; the Redis
database is the one thing the tests name up front, so each worker takes its own: the base URL's
database number plus the worker's number (``redis://…/3`` → ``/3`` for gw0, ``/4`` for gw1).
"""

from __future__ import annotations

import os

from redis.connection import parse_url

REDIS_DATABASES = 16  # Redis's default ``databases``


def worker_number() -> int:
    """0 for the first worker and for a run without xdist."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def worker_redis_url(default: str) -> str:
    """``OPVANGPLEIN_TEST_REDIS_URL`` (or ``default``) with this worker's own database."""
    url = os.environ.get("OPVANGPLEIN_TEST_REDIS_URL", default)
    base = int(parse_url(url).get("db", 0))
    database = (base + worker_number()) % REDIS_DATABASES
    head, _, tail = url.partition("?")
    root = head.rstrip("/")
    if "/" in root.split("://", 1)[1]:
        root = root.rsplit("/", 1)[0]
    return f"{root}/{database}" + (f"?{tail}" if tail else "")
