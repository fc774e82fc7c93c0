"""Public forms and sign-in starts are limited per client, tenant and minute; shared via Redis."""

from __future__ import annotations

import logging
import uuid

import pytest
from flask import Blueprint

from core.ratelimit import MemoryCounter, RedisCounter, rate_limited
from core.web import tenant_required
from tests.support.apps import probe_app
from tests.support.ci import unavailable
from tests.support.identity_providers import provider_block
from tests.support.workers import worker_redis_url

PER_MINUTE = 3
TENANTS = {
    "aalst": 'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = ["probe"]\n'
    + provider_block("stad", "http://127.0.0.1:9", "aalst"),
    "brugge": 'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = ["probe"]\n',
}


def _app(settings, counter=None, bucket="test.form"):
    app = probe_app(settings, tenants=TENANTS)
    if counter is not None:
        app.extensions["opvangplein.rate_counter"] = counter
    public = Blueprint("public_form", __name__)
    public.before_request(tenant_required)

    @public.route("/formulier", methods=["GET", "POST"])
    @rate_limited(bucket, per_minute=PER_MINUTE)
    def form():
        return "ontvangen"

    app.register_blueprint(public)
    return app


def _post(client, slug="aalst", address="192.0.2.1", **kwargs):
    return client.post(f"/t/{slug}/formulier", environ_base={"REMOTE_ADDR": address}, **kwargs)


def test_a_client_over_the_limit_gets_a_clear_429_with_retry_after(sqlite_settings):
    client = _app(sqlite_settings).test_client()
    assert [_post(client).status_code for _ in range(PER_MINUTE)] == [200] * PER_MINUTE
    refused = _post(client)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    page = refused.get_data(as_text=True)
    assert "Wacht een minuut" in page and "Traceback" not in page
    as_json = _post(client, headers={"Accept": "application/json"})
    assert as_json.status_code == 429
    assert as_json.get_json()["error"]["status"] == 429


def test_reads_other_clients_and_other_tenants_are_counted_apart(sqlite_settings):
    client = _app(sqlite_settings).test_client()
    for _ in range(PER_MINUTE + 1):
        _post(client)
    assert _post(client).status_code == 429
    assert client.get("/t/aalst/formulier").status_code == 200
    assert _post(client, address="192.0.2.99").status_code == 200
    assert _post(client, slug="brugge").status_code == 200


def test_sign_in_starts_are_limited(sqlite_settings, monkeypatch):
    from core.identity import views

    monkeypatch.setattr(views, "SIGN_IN_STARTS_PER_MINUTE", 2, raising=True)
    client = _app(sqlite_settings).test_client()
    statuses = [client.get("/t/aalst/aanmelden/stad").status_code for _ in range(35)]
    assert 429 not in statuses[:30]
    assert statuses[30:] == [429] * 5


@pytest.fixture
def redis_url():
    url = worker_redis_url("redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        unavailable(f"Redis not reachable at {url}")
    return url


def test_workers_share_the_count_through_redis(sqlite_settings, redis_url):
    bucket = f"test.form.{uuid.uuid4().hex}"
    first = _app(sqlite_settings, RedisCounter(redis_url), bucket).test_client()
    second = _app(sqlite_settings, RedisCounter(redis_url), bucket).test_client()
    for _ in range(PER_MINUTE):
        assert _post(first).status_code == 200
    assert _post(second).status_code == 429


def test_a_limiter_that_is_down_lets_the_form_through_and_says_so(sqlite_settings):
    app = _app(sqlite_settings, RedisCounter("redis://127.0.0.1:1/0"))
    warnings = []

    class Capture(logging.Handler):
        def emit(self, record):
            warnings.append(record.getMessage())

    app.logger.addHandler(capture := Capture(level=logging.WARNING))
    try:
        statuses = [_post(app.test_client()).status_code for _ in range(PER_MINUTE + 2)]
    finally:
        app.logger.removeHandler(capture)
    assert statuses == [200] * (PER_MINUTE + 2)
    assert warnings and all("rate limiter unavailable" in message for message in warnings)


def test_the_memory_counter_starts_again_when_the_window_ends():
    now = [1000.0]
    counter = MemoryCounter(clock=lambda: now[0])
    assert [counter.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    now[0] += 59.9
    assert counter.hit("k", 60) == 4
    now[0] += 0.2
    assert counter.hit("k", 60) == 1


def test_head_counts_as_the_get_it_mirrors_so_a_limited_link_cannot_be_guessed_by_head(
    sqlite_settings,
):
    app = probe_app(sqlite_settings, tenants=TENANTS)
    links = Blueprint("secret_link", __name__)
    links.before_request(tenant_required)

    @links.get("/link/<token>")
    @rate_limited("test.link", per_minute=PER_MINUTE, methods=("GET", "POST"))
    def link(token):
        return "gevonden"

    app.register_blueprint(links)
    client = app.test_client()
    statuses = [client.head(f"/t/aalst/link/{n}").status_code for n in range(PER_MINUTE + 1)]
    assert statuses[-1] == 429 and client.get("/t/aalst/link/x").status_code == 429
