"""Demo data: about twenty locations and three hundred requests with Flemish names.

Drawn from a generator seeded with the tenant's slug, so each municipality gets its own families
and running it again changes nothing. Multi-word texts carry the municipality's name and the
children's and parents' first names come from separate lists: one tenant's demo never shows a
sentence that also belongs to another tenant (the route probe would rightly call that a leak).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.identity.models import Organisation
from plugins.loket.models import (
    CARE_NEEDS,
    DAY_PARTS,
    INTERFACE_LANGUAGES,
    WEEKDAYS,
    ChildcareRequest,
    FreePlace,
    InfoSession,
    Location,
    LocationCapacity,
    Placement,
    Preference,
)
from plugins.loket.reserve import target_from_percent

LOCATION_NAMES = [
    "Zonnebloem",
    "Speelboom",
    "Kapoentje",
    "Rupsje",
    "Knuffelhuis",
    "Kriebelbeestjes",
    "Tuimelaar",
    "Pinkeltje",
    "Duizendpoot",
    "Kabouterhuis",
    "Notelaar",
    "Regenboog",
    "Klimop",
    "Boomhut",
    "Vlindertuin",
    "Klaproos",
    "Egeltje",
    "Sterrenpad",
    "Wolkje",
    "Madeliefje",
    "Piepeloentje",
    "Zeepbel",
]
STREETS = [
    "Kerkstraat",
    "Stationsstraat",
    "Molenstraat",
    "Schoolstraat",
    "Dorpsstraat",
    "Nieuwstraat",
    "Kapelstraat",
    "Beukenlaan",
    "Lindelaan",
    "Veldstraat",
]
CHILD_NAMES = [
    "Noor",
    "Lou",
    "Mila",
    "Vic",
    "Lotte",
    "Wout",
    "Fien",
    "Mats",
    "Ella",
    "Jules",
    "Lina",
    "Finn",
    "Nora",
    "Rune",
    "Olivia",
    "Arthur",
    "Amira",
    "Yusuf",
    "Zoë",
    "Lars",
    "Hanne",
    "Seppe",
    "Liv",
    "Stan",
    "Ilyas",
    "Marie",
    "Louis",
    "Aya",
    "Emiel",
    "Juna",
]
PARENT_NAMES = [
    "Sarah",
    "Tom",
    "Els",
    "Kris",
    "Nathalie",
    "Bart",
    "Sofie",
    "Pieter",
    "Fatima",
    "Mohamed",
    "Katrien",
    "Dries",
    "Ann",
    "Koen",
    "Leen",
    "Hakan",
    "Inge",
    "Joris",
    "Veerle",
    "Wim",
]
SURNAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Vermeulen",
    "Dubois",
    "Lambrechts",
    "Hermans",
    "Michiels",
    "Aerts",
    "Verhaegen",
    "Yilmaz",
    "Elmoussaoui",
    "Nowak",
    "Popescu",
]
SITUATIONS = ["work_or_training", "single_parent", "low_income", "foster_child", "urgency"]
AREAS = ["Centrum", "Noord", "Zuid", "Oost", "West", "Bos", "Heide"]
DEMO_PREFIX = "demo|"


def load_demo_data(tenant, session, *, locations: int = 20, requests: int = 300) -> None:
    if session.exec(select(Location).where(Location.import_key.startswith(DEMO_PREFIX))).first():
        return
    rng = random.Random(f"loket-demo-{tenant.slug}")
    today = date.today()
    provider = session.exec(
        select(Organisation).where(Organisation.slug == "kdv-de-speelboom")
    ).first()
    created = _locations(session, tenant, rng, locations, provider, today)
    _requests(session, rng, created, requests, today)
    session.add(
        InfoSession(
            title=f"Infosessie e-loket {tenant.name}",
            starts_at=datetime.combine(today + timedelta(days=12), datetime.min.time(), UTC)
            + timedelta(hours=19),
            place=f"Huis van het Kind {tenant.name}",
            capacity=25,
        )
    )
    session.flush()


def _locations(session, tenant, rng, count, provider, today) -> list[Location]:
    created = []
    names = rng.sample(LOCATION_NAMES, min(count, len(LOCATION_NAMES)))
    for index, name in enumerate(names):
        kind = rng.choices(
            ["groepsopvang", "gezinsopvang", "buitenschoolse_opvang"], weights=[6, 3, 2]
        )[0]
        location = Location(
            name=name,
            address=f"{rng.choice(STREETS)} {rng.randint(1, 180)}, {tenant.name}",
            postcode=str(rng.randint(1000, 9999)),
            municipality=tenant.name,
            # A part of the municipality named after it, so no two tenants share an area name.
            area=f"{tenant.name}-{rng.choice(AREAS)}",
            kind=kind,
            tariff="income_related" if rng.random() < 0.7 else "free_price",
            opening_days=list(WEEKDAYS),
            day_parts=list(DAY_PARTS),
            care_needs=rng.sample(list(CARE_NEEDS), rng.randint(0, 2)),
            provider_organisation_id=provider.id if provider and index < 2 else None,
            import_key=f"{DEMO_PREFIX}{name.lower()}",
        )
        session.add(location)
        session.flush()
        groups = ["schoolchild"] if kind == "buitenschoolse_opvang" else ["baby", "toddler"]
        capacities = {
            group: rng.randint(4, 9) if kind == "gezinsopvang" else rng.randint(10, 28)
            for group in groups
        }
        # The standing reserve (5 % of the licensed places) is filled by the first reports.
        missing = target_from_percent(sum(capacities.values()), 5)
        for group, capacity in capacities.items():
            session.add(LocationCapacity(location_id=location.id, age_group=group, places=capacity))
            free = rng.randint(0, 4)
            if free:
                held = min(free, missing)
                missing -= held
                session.add(
                    FreePlace(
                        location_id=location.id,
                        age_group=group,
                        available_from=today + timedelta(days=rng.randint(0, 120)),
                        places=free,
                        held_back=held,
                        reported_by="demo",
                    )
                )
        created.append(location)
    session.flush()
    return created


def _requests(session, rng, locations, count, today) -> None:
    baby_care = [loc for loc in locations if loc.kind != "buitenschoolse_opvang"]
    free_places = list(session.exec(select(FreePlace)))
    for _ in range(count):
        start = today + timedelta(days=rng.randint(14, 300))
        months_old_at_start = rng.randint(3, 30)
        birth = start - timedelta(days=int(months_old_at_start * 30.4))
        born = birth <= today
        surname = rng.choice(SURNAMES)
        parent = rng.choice(PARENT_NAMES)
        submitted = datetime.now(UTC) - timedelta(days=rng.randint(1, 200))
        situation = sorted(set(rng.sample(SITUATIONS, rng.choice([0, 1, 1, 1, 2]))))
        # About one family in seven names an area instead of ranking locations.
        area = rng.choice(baby_care).area if baby_care and rng.random() < 0.15 else ""
        request = ChildcareRequest(
            child_first_name=rng.choice(CHILD_NAMES),
            child_last_name=surname,
            birth_date=birth if born else None,
            expected_birth_date=None if born else birth,
            desired_start=start,
            days=sorted(
                f"{day}-{part}"
                for day in rng.sample(WEEKDAYS, rng.randint(2, 5))
                for part in DAY_PARTS
            ),
            # Drawn here, between the days and the care needs, so the demo stays the same.
            contact_language=(
                spoken := rng.choices(["nl", "fr", "en", "ar", "tr", "pl"], [80, 5, 4, 5, 4, 2])[0]
            ),
            language=spoken if spoken in INTERFACE_LANGUAGES else "nl",
            care_needs=rng.sample(list(CARE_NEEDS), 1) if rng.random() < 0.08 else [],
            situation=situation,
            area=area,
            origin=rng.choices(["online", "phone", "paper"], weights=[80, 15, 5])[0],
            proof_checked=rng.random() < 0.3,
            status="draft" if rng.random() < 0.05 else "open",
            parent_name=f"{parent} {surname}",
            parent_email=f"{parent.lower()}.{surname.lower()}@example.be",
            submitted_at=submitted,
            created_by="demo",
        )
        session.add(request)
        session.flush()
        ranked = [] if area else rng.sample(baby_care, min(3, len(baby_care)))
        for rank, location in enumerate(ranked, start=1):
            session.add(Preference(request_id=request.id, location_id=location.id, rank=rank))
        session.flush()
        _maybe_place(session, rng, request, free_places, submitted)


def _maybe_place(session, rng, request, free_places, submitted) -> None:
    """Some families already have a place, so the dashboard shows time to place."""
    if request.status != "open" or rng.random() > 0.12:
        return
    preferences = list(session.exec(select(Preference).where(Preference.request_id == request.id)))
    for preference in preferences:
        room = [
            place
            for place in free_places
            if place.location_id == preference.location_id
            and place.taken + place.held_back < place.places
        ]
        if room:
            place = room[0]
            place.taken += 1
            placed_at = min(submitted + timedelta(days=rng.randint(10, 150)), datetime.now(UTC))
            session.add(place)
            session.add(
                Placement(
                    request_id=request.id,
                    location_id=place.location_id,
                    free_place_id=place.id,
                    placed_at=placed_at,
                )
            )
            request.status, request.placed_at = "placed", placed_at
            preference.status = "placed"
            session.add_all([request, preference])
            session.flush()
            return
