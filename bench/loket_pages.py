"""The loket's signed-in pages at 300, 10 000 and 100 000 requests in the municipality (issue 18).

One app per size and database (SQLite, and PostgreSQL when the local server answers: a fresh
database, app role under row-level security), each filled by bulk INSERTs; a signed-in staff
member fetches the work list and its htmx fragment, a signed-in parent their own requests
(three cards, one placed, one with an offer), and staff the monitoring dashboard. The figure is this process's CPU time per request
(``time.process_time``) through Flask's test client: the whole request in the app — tenant,
sign-in, queries, page shell — without the HTTP server, so other processes on a busy machine do
not count. Rounds interleave the sizes and the figure is the median; the baseline is the same
page at the smallest size, measured in the same run: ``<page>_<largest>_vs_<smallest>`` should
stay near 1 (target ≤ 1.2: the cost does not grow with the tenant).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench import Figure

SIZES = (300, 10_000, 100_000)
ROUNDS = 5
REQUESTS_PER_ROUND = 20
PARENT_CARDS = 3
INSERT_CHUNK = 5_000
# The tenant cache as production has it (``OPVANGPLEIN_TENANT_CACHE_SECONDS``'s default); the
# tests' settings turn it off.
PRODUCTION_CACHE = {"tenant_cache_seconds": 5.0}
PAGES = {
    "work_list": ("/t/aalst/loket/werklijst", {}),
    "work_list_fragment": ("/t/aalst/loket/werklijst", {"HX-Request": "true"}),
    "parent_page": ("/t/aalst/loket/mijn-aanvragen", {}),
    "dashboard": ("/t/aalst/loket/monitoring", {}),
}


def run(dataset=None) -> list[Figure]:
    figures = []
    with ExitStack() as stack:
        for kind, database_for in _databases(stack):
            figures += _measure_kind(kind, database_for, stack)
    return figures


def _databases(stack: ExitStack):
    """(name, function size → Settings) for SQLite and, when it answers, PostgreSQL."""
    from core.config import Settings

    def sqlite(size: int) -> Settings:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="loket-")))
        url = f"sqlite:///{directory / 'bench.sqlite3'}"
        return Settings(
            database_url=url, migration_database_url=url, tenants_dir=directory, **PRODUCTION_CACHE
        )

    yield "sqlite", sqlite
    from tests.support.databases import PostgresServer

    server = PostgresServer.from_environ()
    if not server.reachable():
        print("loket_pages: PostgreSQL not reachable, measured on SQLite only", file=sys.stderr)
        return
    stack.callback(server.drop_created_databases)

    def postgres(size: int) -> Settings:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="loket-")))
        owner, app = server.create_database(f"bench_loket_{size}_{uuid.uuid4().hex[:6]}")
        return Settings(
            database_url=app,
            migration_database_url=owner,
            platform_database_url=server.platform_url(app),
            tenants_dir=directory,
            **PRODUCTION_CACHE,
        )

    yield "postgres", postgres


def _measure_kind(kind: str, database_for, stack: ExitStack) -> list[Figure]:
    timings: dict[tuple[str, int], list[float]] = {}
    clients = {}
    for size in SIZES:
        started = time.monotonic()
        clients[size] = _signed_in_clients(database_for(size), size, stack)
        print(
            f"loket_pages: {kind}, {size} requests built in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
    for staff, parent in clients.values():  # warm: templates compiled, caches filled
        for page, (path, headers) in PAGES.items():
            _client_for(page, staff, parent).get(path, headers=headers)
    for round_number in range(ROUNDS):
        # Alternate the order of the sizes, so a busy stretch falls on all of them alike.
        order = SIZES if round_number % 2 == 0 else tuple(reversed(SIZES))
        for size in order:
            staff, parent = clients[size]
            for page, (path, headers) in PAGES.items():
                client = _client_for(page, staff, parent)
                timings.setdefault((page, size), []).append(_cpu_per_request(client, path, headers))
    figures = []
    for page in PAGES:
        for size in SIZES:
            median = statistics.median(timings[page, size])
            figures.append(Figure(f"loket_{kind}_{page}_{size}_cpu", median * 1e3, "ms/req"))
        ratios = [
            large / small
            for small, large in zip(timings[page, SIZES[0]], timings[page, SIZES[-1]], strict=True)
        ]
        figures.append(
            Figure(f"loket_{kind}_{page}_{SIZES[-1]}_vs_{SIZES[0]}", statistics.median(ratios), "x")
        )
    return figures


def _client_for(page: str, staff, parent):
    return parent if page == "parent_page" else staff


def _cpu_per_request(client, path: str, headers: dict) -> float:
    started = time.process_time()
    for _ in range(REQUESTS_PER_ROUND):
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
    return (time.process_time() - started) / REQUESTS_PER_ROUND


def _signed_in_clients(settings, size: int, stack: ExitStack):
    from tests.plugins.loket.conftest import LOKET_TENANTS, make_location, make_request, tenant_db
    from tests.support.apps import probe_app, tenant_id
    from tests.support.auth import signed_in_as

    app = probe_app(settings, tenants=LOKET_TENANTS)
    stack.callback(app.extensions["opvangplein.db"].engine.dispose)
    staff = app.test_client()
    signed_in_as(staff, app, "aalst", "loket-medewerker", ["staff:loket"])
    parent = app.test_client()
    parent_user = signed_in_as(parent, app, "aalst", "ouder-an", ["parent"])
    with tenant_db(app) as db:
        locations = [make_location(db, f"Locatie {n}", places=2) for n in range(20)]
        location_ids = [location.id for location in locations]
        cards = [
            make_request(db, f"Eigen{n}", locations[:2], parent_user_id=parent_user.id)
            for n in range(PARENT_CARDS)
        ]
        _place_and_offer(db, cards, locations[0])
    # A plain engine on the migration URL: the app's engine binds each transaction to the
    # session's tenant with its first statement, which a bulk load has not got.
    loader = sa.create_engine(settings.migration_database_url, poolclass=sa.pool.NullPool)
    _bulk_requests(loader, tenant_id(app, "aalst"), location_ids, size - PARENT_CARDS)
    with tenant_db(app) as db:
        stored = db.execute(sa.text("SELECT count(*) FROM loket_request")).scalar_one()
    page = staff.get(PAGES["work_list"][0]).get_data(as_text=True)
    shown = page.count('href="/t/aalst/loket/aanvragen/')
    if stored != size or shown != 25:
        raise RuntimeError(f"{stored} requests stored, {shown} shown; expected {size}, 25")
    return staff, parent


def _place_and_offer(db, cards, location) -> None:
    from sqlmodel import select

    from plugins.loket.models import FreePlace, Placement, Proposal, ProposalStatus

    free_place = db.exec(select(FreePlace).where(FreePlace.location_id == location.id)).one()
    cards[0].status = "placed"
    db.add(Placement(request_id=cards[0].id, location_id=location.id, free_place_id=free_place.id))
    db.add(
        Proposal(
            request_id=cards[1].id,
            location_id=location.id,
            free_place_id=free_place.id,
            status=ProposalStatus.AWAITING_PARENT,
            deadline=datetime.now(UTC) + timedelta(days=7),
        )
    )


def _bulk_requests(engine, tenant, location_ids: list[uuid.UUID], count: int) -> None:
    """``count`` other families' requests with two choices each, in chunks of plain INSERTs."""
    from plugins.loket.models import ChildcareRequest, Preference

    requests_table = ChildcareRequest.__table__
    preferences_table = Preference.__table__
    registered = datetime(2025, 1, 1, tzinfo=UTC)
    situations = ([], ["low_income"], ["single_parent", "work_or_training"])
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # the owner crosses tenants, as data migrations do
            connection.execute(sa.text("SELECT set_config('app.cross_tenant', 'on', true)"))
        for first in range(0, count, INSERT_CHUNK):
            requests, preferences = [], []
            for number in range(first, min(first + INSERT_CHUNK, count)):
                request_id = uuid.uuid4()
                requests.append(
                    {
                        "id": request_id,
                        "tenant_id": tenant,
                        "parent_name": f"Ouder {number}",
                        "parent_email": f"ouder{number}@example.be",
                        "parent_phone": f"0470{number:06d}",
                        "child_first_name": f"Kind{number}",
                        "child_last_name": "Peeters",
                        "birth_date": date(2025, 1 + number % 12, 1),
                        "expected_birth_date": None,
                        "desired_start": date(2026, 1 + number % 12, 1),
                        "days": ["mon-morning", "tue-morning"],
                        "language": "nl",
                        "care_needs": ["medical"] if number % 10 == 0 else [],
                        "situation": situations[number % 3],
                        "area": "",
                        "area_kind": "",
                        "origin": "online",
                        "external_reference": "",
                        "note": "",
                        "proof_checked": number % 2 == 0,
                        "status": "open",
                        "submitted_at": registered + timedelta(minutes=number),
                        "placed_at": None,
                        "created_at": registered + timedelta(minutes=number),
                        "created_by": "bench",
                        "round_explanation": None,
                        "sibling_group_id": None,
                        "siblings_together": False,
                    }
                )
                for rank in (1, 2):
                    preferences.append(
                        {
                            "id": uuid.uuid4(),
                            "tenant_id": tenant,
                            "request_id": request_id,
                            "location_id": location_ids[(number + rank) % len(location_ids)],
                            "rank": rank,
                            "status": "waiting",
                        }
                    )
            connection.execute(sa.insert(requests_table), requests)
            connection.execute(sa.insert(preferences_table), preferences)
