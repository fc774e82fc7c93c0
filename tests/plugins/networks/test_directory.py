"""The social map: members describe their services; anyone finds the public ones."""

from __future__ import annotations

from sqlmodel import select

from core.models import TenantPlugin
from plugins.networks.models import DirectoryService


def _service(world, client, **changes):
    form = {
        "member": str(world.school_member_id),
        "name": "Huiswerkklas De Klimop",
        "description": "Vrijwilligers helpen met huiswerk.",
        "category": "education",
        "target_group": "Kinderen van 6 tot 12 jaar",
        "how_to_reach": "Dinsdag na school, Schoolstraat 1",
        "languages": ["nl", "fr"],
        "cost": "free",
        "contact": "huiswerk@klimop.example",
        "public": "1",
    }
    form.update(changes)
    return client.post("/t/aalst/netwerken/sociale-kaart/nieuw", data=form)


def _fill(world):
    sara, els = world.client("sara"), world.client("els")
    assert _service(world, sara).status_code == 303
    assert (
        _service(
            world, sara, name="Intern zorgoverleg De Klimop", category="other", public=""
        ).status_code
        == 303
    )
    assert (
        _service(
            world,
            els,
            member=str(world.ckg_member_id),
            name="Opvoedingsondersteuning aan huis",
            description="Een gezinsbegeleider komt langs.",
            category="parenting_support",
            languages=["nl", "ar"],
            cost="social_tariff",
            public="1",
        ).status_code
        == 303
    )


def test_anonymous_parents_find_only_public_services(world):
    _fill(world)
    page = world.app.test_client().get("/t/aalst/netwerken/sociale-kaart")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Huiswerkklas De Klimop" in text and "Opvoedingsondersteuning aan huis" in text
    assert "Intern zorgoverleg" not in text
    assert "Huis van het Kind Aalst" not in text  # network names are for its members only


def test_search_by_text_and_filters(world):
    _fill(world)
    client = world.app.test_client()

    def names(**query):
        text = client.get("/t/aalst/netwerken/sociale-kaart", query_string=query).get_data(
            as_text=True
        )
        return {
            name
            for name in ("Huiswerkklas De Klimop", "Opvoedingsondersteuning aan huis")
            if f">{name}<" in text
        }

    assert names(q="huiswerk") == {"Huiswerkklas De Klimop"}
    assert names(q="gezinsbegeleider") == {"Opvoedingsondersteuning aan huis"}
    assert names(language="ar") == {"Opvoedingsondersteuning aan huis"}
    assert names(cost="free") == {"Huiswerkklas De Klimop"}
    assert names(category="education", q="klimop") == {"Huiswerkklas De Klimop"}
    assert names(q="bestaat niet") == set()
    assert names(category="nonsense") == set()


def test_htmx_gets_only_the_results(world):
    _fill(world)
    response = world.app.test_client().get(
        "/t/aalst/netwerken/sociale-kaart?q=huiswerk", headers={"HX-Request": "true"}
    )
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="results"') and "<html" not in text
    assert "Huiswerkklas De Klimop" in text


def test_members_also_find_services_kept_for_partners(world):
    _fill(world)
    text = world.client("els").get("/t/aalst/netwerken/sociale-kaart").get_data(as_text=True)
    assert "Intern zorgoverleg De Klimop" in text
    other = world.client("pieter").get("/t/aalst/netwerken/sociale-kaart").get_data(as_text=True)
    assert "Intern zorgoverleg" not in other


def test_a_partner_writes_only_its_own_services(world):
    _fill(world)
    els = world.client("els")
    response = _service(world, els, name="Namens de school")  # the school's member row
    assert response.status_code == 422
    with world.db() as db:
        school_service = db.exec(
            select(DirectoryService).where(DirectoryService.name == "Huiswerkklas De Klimop")
        ).one()
    assert (
        els.get(f"/t/aalst/netwerken/sociale-kaart/{school_service.id}/bewerken").status_code == 404
    )
    sara = world.client("sara")
    edited = sara.post(
        f"/t/aalst/netwerken/sociale-kaart/{school_service.id}/bewerken",
        data={
            "member": str(world.school_member_id),
            "name": "Huiswerkklas De Klimop",
            "category": "education",
            "cost": "free",
            "languages": ["nl"],
        },
    )
    assert edited.status_code == 303
    with world.db() as db:
        assert db.get(DirectoryService, school_service.id).public is False
    assert world.client("pieter").get("/t/aalst/netwerken/sociale-kaart/nieuw").status_code == 403


def test_bad_input_is_explained_and_nothing_is_saved(world):
    response = _service(world, world.client("sara"), name="", cost="duur", languages=["xx"])
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in text
    with world.db() as db:
        assert db.exec(select(DirectoryService)).all() == []


def test_a_municipality_can_keep_its_social_map_for_signed_in_partners(world):
    _fill(world)
    with world.db() as db:
        row = db.exec(select(TenantPlugin).where(TenantPlugin.plugin == "networks")).one()
        row.settings = {**row.settings, "directory_public": False}
        db.add(row)
    assert world.app.test_client().get("/t/aalst/netwerken/sociale-kaart").status_code == 401
    assert world.client("els").get("/t/aalst/netwerken/sociale-kaart").status_code == 200


def test_another_tenants_services_never_show(world):
    _fill(world)
    text = world.app.test_client().get("/t/brugge/netwerken/sociale-kaart").get_data(as_text=True)
    assert "Huiswerkklas" not in text and "Opvoedingsondersteuning aan huis" not in text


def test_a_filtered_social_map_is_announced_by_the_live_region_that_stays(world):
    """The results used to be their own live region, swapped away with every search, so a
    screen reader heard nothing; now the page's announcer (which stays) says the count."""
    from urllib.parse import unquote

    _fill(world)
    response = world.app.test_client().get(
        "/t/aalst/netwerken/sociale-kaart?q=huiswerk", headers={"HX-Request": "true"}
    )
    assert unquote(response.headers["X-Announce"]) == "1 dienst gevonden"
    assert "aria-live" not in response.get_data(as_text=True)


def test_adding_and_changing_a_service_is_confirmed(world):
    sara = world.client("sara")
    added = _service(world, sara)
    page = sara.get(added.headers["Location"]).get_data(as_text=True)
    assert "Dienst Huiswerkklas De Klimop bewaard" in page
