"""A CKG worker sees every granting municipality's referrals in one workspace; each
municipality is read in its own tenant session and audited there."""

from __future__ import annotations

from sqlmodel import select

from core.models import AuditEntry
from tests.plugins.ckg.conftest import grant, member, users
from tests.plugins.ckg.helpers import submit
from tests.support.apps import tenant_id


def reference(referral_id) -> str:
    return f"CKG-{referral_id.hex[:8].upper()}"


def reads(app, tenant: str) -> list[AuditEntry]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, tenant)) as db:
        return list(
            db.exec(select(AuditEntry).where(AuditEntry.action == "ckg.workspace_read")).all()
        )


def brugge_referrer(world):
    grant(world.app, "brugge", "school-de-brug")
    return member(world.app, "bart", "school-de-brug")


def test_the_worker_sees_aalst_and_brugge_but_not_gent_on_one_page(world):
    people = users(world)
    in_aalst = submit(world.client_for(people["sara"]), urgency="crisis")
    bart = brugge_referrer(world)
    in_brugge = submit(world.client_for(bart, "brugge"), tenant="brugge")
    grant(world.app, "gent", "school-de-linde")
    in_gent = submit(world.client_for(people["sara"], "gent"), tenant="gent", organisation="")
    karim = world.client_for(people["karim"])
    page = karim.get("/t/aalst/ckg/werkruimte")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert reference(in_aalst) in html and reference(in_brugge) in html
    assert reference(in_gent) not in html and 'id="workspace-gent"' not in html
    assert "2 zaken gevonden." in html
    # Each row links to the referral at its own municipality's address.
    assert f"/t/brugge/ckg/doorverwijzingen/{in_brugge}" in html
    assert f"/t/aalst/ckg/doorverwijzingen/{in_aalst}" in html
    # Audited in each municipality read, as Karim, naming where he looked from.
    [brugge_read] = reads(world.app, "brugge")
    assert brugge_read.actor == f"user:{people['karim'].id}"
    assert brugge_read.detail == {"from_tenant": "aalst", "rows": 1, "total": 1}
    assert len(reads(world.app, "aalst")) == 1
    assert reads(world.app, "gent") == []


def test_the_workspace_filters_by_search_in_every_municipality(world):
    people = users(world)
    janssens = submit(world.client_for(people["sara"]))
    bart = brugge_referrer(world)
    peeters = submit(
        world.client_for(bart, "brugge"),
        tenant="brugge",
        **{"parent-1-name": "Ahmed Peeters", "child-1-name": "Yasmine"},
    )
    html = (
        world.client_for(people["karim"])
        .get("/t/aalst/ckg/werkruimte?state=all&q=yasm")
        .get_data(as_text=True)
    )
    assert reference(peeters) in html and reference(janssens) not in html
    assert "1 zaak gevonden." in html


def test_the_workspace_is_only_for_ckg_workers(world):
    people = users(world)
    submit(world.client_for(people["sara"]))
    assert world.client_for(people["sara"]).get("/t/aalst/ckg/werkruimte").status_code == 403
    assert world.client_for(people["tom"]).get("/t/aalst/ckg/werkruimte").status_code == 403
    # CKG Gent at Aalst (not granted there) has no way in; at Gent it sees Gent only.
    assert world.client_for(people["ghislaine"]).get("/t/aalst/ckg/werkruimte").status_code == 403
    gent = world.client_for(people["ghislaine"], "gent").get("/t/gent/ckg/werkruimte")
    assert gent.status_code == 200
    html = gent.get_data(as_text=True)
    assert 'id="workspace-gent"' in html and 'id="workspace-aalst"' not in html
    assert reads(world.app, "aalst") == []
    assert world.app.test_client().get("/t/aalst/ckg/werkruimte").status_code == 401


def test_a_municipality_that_stops_granting_the_ckg_drops_out(world):
    from core.identity.models import Organisation, OrganisationGrant

    people = users(world)
    submit(world.client_for(people["sara"]))
    with world.app.extensions["opvangplein.db"].tenant_session(
        tenant_id(world.app, "brugge")
    ) as db:
        limburg = db.exec(select(Organisation).where(Organisation.slug == "ckg-limburg")).one()
        for row in db.exec(
            select(OrganisationGrant).where(OrganisationGrant.organisation_id == limburg.id)
        ).all():
            db.delete(row)
    html = world.client_for(people["karim"]).get("/t/aalst/ckg/werkruimte").get_data(as_text=True)
    assert 'id="workspace-aalst"' in html and 'id="workspace-brugge"' not in html
    assert reads(world.app, "brugge") == []
