"""How often one client may send a public form or start a sign-in.

Forms that anyone may send without signing in (registering for an info session, a sign-in that
sends the browser to a provider) are what bots and mistakes hammer. Each use is counted in
one-minute windows (from a client's first use) per tenant, bucket and client address. With ``OPVANGPLEIN_REDIS_URL`` the
count is shared by every worker process (production); without it each process counts for itself,
which still stops a single runaway client in development.

Plugins use it as a decorator on a view::

    @rate_limited("training.info_session_registration", per_minute=10)
"""

from __future__ import annotations

import threading
import time
from functools import wraps

from flask import Flask, current_app, g, request
from werkzeug.exceptions import TooManyRequests

WINDOW_SECONDS = 60


class MemoryCounter:
    """Counts in this process only; enough for development and a single worker."""

    def __init__(self, clock=time.monotonic) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hit(self, key: str, window_seconds: int) -> int:
        now = self._clock()
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + window_seconds
            self._counts[key] = (count + 1, expires)
            if len(self._counts) > 10_000:
                self._forget_expired(now)
            return count + 1

    def _forget_expired(self, now: float) -> None:
        for key in [key for key, (_, expires) in self._counts.items() if expires <= now]:
            del self._counts[key]


class RedisCounter:
    """Counts shared by every worker; the key expires with its window."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def hit(self, key: str, window_seconds: int) -> int:
        pipeline = self._redis.pipeline()
        pipeline.incr(f"opvangplein:rate:{key}")
        pipeline.expire(f"opvangplein:rate:{key}", window_seconds, nx=True)
        count, _ = pipeline.execute()
        return int(count)


def init_app(app: Flask, redis_url: str) -> None:
    app.extensions["opvangplein.rate_counter"] = (
        RedisCounter(redis_url) if redis_url else MemoryCounter()
    )


def _client_key(bucket: str) -> str:
    # The window starts at a client's first use (the counters expire the key), so a burst that
    # straddles a clock minute is still one burst.
    tenant = g.get("tenant")
    return f"{tenant.slug if tenant else '-'}:{bucket}:{request.remote_addr or '-'}"


def too_many(bucket: str, per_minute: int) -> bool:
    """Count one use of ``bucket`` by this client; ``True`` once it went over the limit."""
    counter = current_app.extensions["opvangplein.rate_counter"]
    try:
        count = counter.hit(_client_key(bucket), WINDOW_SECONDS)
    except Exception:
        # A limiter that is down must not take the public forms down with it.
        current_app.logger.warning("rate limiter unavailable; %s not counted", bucket)
        return False
    return count > per_minute


UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def rate_limited(bucket: str, *, per_minute: int, methods: tuple[str, ...] = UNSAFE_METHODS):
    """Answer 429 (with ``Retry-After``) once a client used the view more than ``per_minute``
    times in a minute; only requests with one of ``methods`` count: every method that may
    change state (GET and HEAD never do, see ``core.web``)."""

    def decorator(view):
        @wraps(view)
        def limited(*args, **kwargs):
            # HEAD is the GET without its body: it answers the same question (does this link
            # exist?), so it counts where GET counts.
            method = "GET" if request.method == "HEAD" else request.method
            if method in methods and too_many(bucket, per_minute):
                current_app.logger.info("rate limit %s reached", bucket)
                raise TooManyRequests(retry_after=WINDOW_SECONDS)
            return view(*args, **kwargs)

        return limited

    return decorator
