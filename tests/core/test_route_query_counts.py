"""No page's query count grows with the rows it shows (no N+1): every GET route of the route
probe is read at a small municipality and at one holding several times its demo data, by a
person who may see everything, and each route must send as many queries at both.

Routes that fail today are listed in :data:`KNOWN_GROWING` with their issue, so the test holds
what is fixed and the list shows what remains; remove a route from it when it is fixed (the
test then guards it). A listed route that no longer grows fails the test too, so the list
cannot go stale.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import select

from core.config import Settings
from core.models import Tenant
from core.plugins import build_registry
from tests.support.apps import probe_app, tenant_id
from tests.support.auth import signed_in_as
from tests.support.queries import app_engines, counted_statements, statements_compiled_afresh
from tests.support.route_probe import candidate_urls, footprint, tenant_scoped_models

SMALL, LARGE = "klein", "groot"
# The large municipality holds this many times the small one's rows.
LARGE_FACTOR = 3

# Pages whose query count still grows with the rows shown (the modules' N+1 queries), endpoint
# → issue, with the counts measured (small, large). Empty: every page's count is constant (#18).
KNOWN_GROWING: dict[str, str] = {}


def _tenants() -> dict[str, str]:
    plugins = ", ".join(f'"{name}"' for name in ["probe", *build_registry().names])
    return {
        slug: f'name = "{slug.title()}"\nhosts = ["{slug}.test"]\nplugins = [{plugins}]\n'
        for slug in (SMALL, LARGE)
    }


def _load_demo_data(app, slug: str) -> None:
    db = app.extensions["opvangplein.db"]
    registry = app.extensions["opvangplein.plugins"]
    with db.tenant_session(tenant_id(app, slug)) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)


def _multiply_rows(app, slug: str, factor: int) -> list[str]:
    """Copy each row of the tenant's tables ``factor - 1`` times, under new ids.

    Demo data loads once per tenant, so "more rows" is made generically: a copy points to the
    same parents, so it is one more row in every list that shows the original. A table whose
    copies break a unique rule keeps its rows as they are. Returns the multiplied tables.
    """
    engine = app.extensions["opvangplein.db"].engine
    tenant = tenant_id(app, slug)
    multiplied = []
    for model in tenant_scoped_models():
        table = model.__table__
        if [column.name for column in table.primary_key.columns] != ["id"]:
            continue
        with engine.connect() as connection:
            rows = (
                connection.execute(sa.select(table).where(table.c.tenant_id == tenant))
                .mappings()
                .all()
            )
        if not rows:
            continue
        try:
            with engine.begin() as connection:
                for _ in range(factor - 1):
                    connection.execute(
                        table.insert(), [{**row, "id": uuid.uuid4()} for row in rows]
                    )
        except sa.exc.IntegrityError:
            continue
        multiplied.append(table.name)
    return multiplied


@pytest.fixture(scope="module")
def municipalities(tmp_path_factory):
    directory = tmp_path_factory.mktemp("query-counts")
    url = f"sqlite:///{directory / 'counts.sqlite3'}"
    settings = Settings(database_url=url, migration_database_url=url, tenants_dir=directory)
    app = probe_app(settings, tenants=_tenants())
    for slug in (SMALL, LARGE):
        _load_demo_data(app, slug)
    multiplied = _multiply_rows(app, LARGE, LARGE_FACTOR)
    assert len(multiplied) > 20, multiplied
    return app


def _query_counts(app, slug: str) -> dict[str, int]:
    """The most queries any of an endpoint's addresses sent, per GET endpoint."""
    client = app.test_client()
    roles = ["tenant_admin", *(f"staff:{name}" for name in ["probe", *build_registry().names])]
    signed_in_as(client, app, slug, f"alles-{slug}", roles)
    own = footprint(app, tenant_id(app, slug))
    counts: dict[str, int] = {}
    for method, endpoint, path in candidate_urls(app, own):
        if method != "GET":
            continue
        client.get(f"/t/{slug}{path}")  # warm: the first read may fill caches
        with counted_statements(*app_engines(app)) as log:
            response = client.get(f"/t/{slug}{path}")
        if response.status_code == 200:
            counts[endpoint] = max(counts.get(endpoint, 0), log.count)
    return counts


def test_no_page_sends_more_queries_when_it_shows_more_rows(municipalities):
    small = _query_counts(municipalities, SMALL)
    large = _query_counts(municipalities, LARGE)
    assert len(small) > 20, "the walk reached too few pages to mean anything"
    growing = {
        endpoint: (small[endpoint], large[endpoint])
        for endpoint in sorted(small.keys() & large.keys())
        if large[endpoint] > small[endpoint]
    }
    unexpected = {
        endpoint: counts for endpoint, counts in growing.items() if endpoint not in KNOWN_GROWING
    }
    fixed = sorted(set(KNOWN_GROWING) - set(growing))
    assert unexpected == {}, f"queries grow with the rows shown (small, large): {unexpected}"
    assert fixed == [], "no longer growing: take these out of KNOWN_GROWING"


# The work list's filters and search build their own SQL elements: read with each.
FILTERED_WORK_LIST = (
    "q=Peeters",
    "q=0470+12+34+56",
    "basis=low_income",
    "care_need=medical&status=open",
)


def test_a_page_read_again_takes_every_statement_from_the_compiled_cache(municipalities):
    """SQLAlchemy compiles a statement once and reuses it only when every construct in it has a
    cache key; one without (a custom SQL element with ``inherit_cache = False``) is compiled on
    every request, which cost the loket's dashboard 40 % of its time (#18)."""
    app = municipalities
    client = app.test_client()
    roles = ["tenant_admin", *(f"staff:{name}" for name in ["probe", *build_registry().names])]
    signed_in_as(client, app, SMALL, f"cache-{SMALL}", roles)
    afresh: dict[str, list[str]] = {}
    pages = 0
    urls = [
        *candidate_urls(app, footprint(app, tenant_id(app, SMALL))),
        *(("GET", "loket.work_list", f"/loket/werklijst?{query}") for query in FILTERED_WORK_LIST),
    ]
    for method, endpoint, path in urls:
        if method != "GET":
            continue
        # The first reads compile (twice where a mapper is configured during the first).
        client.get(f"/t/{SMALL}{path}")
        client.get(f"/t/{SMALL}{path}")
        with statements_compiled_afresh(*app_engines(app)) as log:
            response = client.get(f"/t/{SMALL}{path}")
        pages += response.status_code == 200
        if log.statements:
            afresh[f"{endpoint} {path}"] = log.statements
    assert pages > 20, "the walk reached too few pages to mean anything"
    assert afresh == {}, "compiled on every request:\n" + "\n".join(
        f"{endpoint}: {statements[0][:300]}" for endpoint, statements in afresh.items()
    )
