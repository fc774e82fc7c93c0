"""Walk every registered route as tenant B with tenant A's identifiers: nothing of A comes back."""

from __future__ import annotations

import pytest

from core.plugins import build_registry
from tests.core.probe_plugin import ProbeChild, ProbeFamily
from tests.support.apps import probe_app, tenant_id
from tests.support.route_probe import candidate_urls, footprint, leaks


def _all_plugins_tenants() -> dict[str, str]:
    plugins = ", ".join(f'"{name}"' for name in ["probe", *build_registry().names])
    return {
        "aalst": f'name = "Aalst"\nhosts = ["aalst.test"]\nplugins = [{plugins}]\n',
        "brugge": f'name = "Brugge"\nhosts = ["brugge.test"]\nplugins = [{plugins}]\n',
    }


@pytest.fixture
def probed(database_settings):
    app = probe_app(database_settings, tenants=_all_plugins_tenants())
    db = app.extensions["opvangplein.db"]
    registry = app.extensions["opvangplein.plugins"]
    for slug in ("aalst", "brugge"):
        with db.tenant_session(tenant_id(app, slug)) as session:
            from core.models import Tenant

            tenant = session.get(Tenant, tenant_id(app, slug))
            registry.for_plugins(registry.names).demo_data(tenant=tenant, session=session)
    with db.tenant_session(tenant_id(app, "aalst")) as session:
        family = ProbeFamily(name="Familie Vertrouwelijk Aalst")
        session.add(family)
        session.flush()
        session.add(ProbeChild(name="Kind Vertrouwelijk Aalst", family_id=family.id))
    return app


def test_tenant_b_never_receives_tenant_a_objects_on_any_route(probed):
    victim = footprint(probed, tenant_id(probed, "aalst"))
    assert victim.ids and victim.texts
    client = probed.test_client()
    urls = candidate_urls(probed, victim)
    assert any(endpoint == "probe.family_detail" for _, endpoint, _ in urls)
    problems = []
    for method, endpoint, path in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(f"/t/brugge{path}", method=method, headers=headers)
            found = leaks(response.get_data(as_text=True), victim, path)
            if response.status_code >= 500 or found:
                problems.append(
                    f"{method} {path} [{endpoint}] {response.status_code} leaks={found}"
                )
    assert problems == []
    assert footprint(probed, tenant_id(probed, "aalst")) == victim, "tenant A's data changed"


def test_the_probe_sees_a_leak_when_there_is_one(probed):
    """The probe itself is tested: tenant A asking for its own family does show it."""
    victim = footprint(probed, tenant_id(probed, "aalst"))
    client = probed.test_client()
    shown = [
        path
        for method, endpoint, path in candidate_urls(probed, victim)
        if endpoint == "probe.family_detail"
        and leaks(client.get(f"/t/aalst{path}").get_data(as_text=True), victim, path)
    ]
    assert shown
