"""Demonstration data: a Huis van het Kind with members, two meetings, actions and a social map.

Idempotent: the demo network is marked ``source = "demo"`` and made once per tenant. Every text
names the municipality, so one tenant's demo never reads like another's. Organisations the
municipality granted the ``networks`` module join as members (granting is the municipality's
decision, not the demo's); the other partners are named here only.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from plugins.networks import store
from plugins.networks.models import (
    AgendaItem,
    Attendance,
    ContactPerson,
    DirectoryService,
    Meeting,
    Network,
    NetworkAction,
    NetworkMember,
)
from plugins.networks.services import ActionStatus, NetworkKind, Presence

# An organisation's kind on the platform (tenants/organisations.toml) → its sector here.
SECTOR_OF_KIND = {"ckg": "ckg", "school": "school", "provider": "childcare"}
# (name pattern, sector, coordinates); {town} is the municipality's name.
LOCAL_PARTNERS = (
    ("Huis van het Kind {town} (gemeentelijke coördinatie)", "other", True),
    ("Kinderdagverblijf De Rakkertjes {town}", "childcare", False),
    ("Basisschool De Regenboog {town}", "school", False),
    ("OCMW {town} sociale dienst", "ocmw", False),
    ("Huiswerkbegeleiding Rode Kruis {town}", "homework_support", False),
    ("Lokale politie {town} wijkwerking", "police", False),
)


def load_demo_data(tenant, session, today: date | None = None) -> None:
    if session.exec(select(Network).where(Network.source == "demo")).first():
        return
    today = today or date.today()
    town = tenant.name
    network = Network(
        name=f"Huis van het Kind {town}",
        purpose=(
            f"Samen bereik je meer dan alleen: de partners in {town} zorgen voor een afgestemd, "
            "laagdrempelig aanbod voor alle gezinnen, van kinderopvang tot huiswerkbegeleiding."
        ),
        kind=NetworkKind.HUIS_VAN_HET_KIND,
        source="demo",
    )
    session.add(network)
    session.flush()
    members = [
        NetworkMember(
            network_id=network.id,
            organisation_id=organisation.id,
            name=organisation.name,
            sector=SECTOR_OF_KIND.get(organisation.kind, "other"),
        )
        for organisation in store.granted_organisations(session)
    ]
    members += [
        NetworkMember(
            network_id=network.id,
            name=name.format(town=town),
            sector=sector,
            coordinates=coordinates,
        )
        for name, sector, coordinates in LOCAL_PARTNERS
    ]
    session.add_all(members)
    session.flush()
    coordinator, daycare, school, ocmw, homework = members[-6:-1]
    session.add_all(
        [
            ContactPerson(
                member_id=coordinator.id,
                name=f"Coördinator gezinsbeleid {town}",
                function=f"coördinator in {town}",
                email=f"huisvanhetkind@{tenant.slug}.example",
            ),
            ContactPerson(
                member_id=ocmw.id,
                name=f"Maatschappelijk werker OCMW {town}",
                function=f"maatschappelijk werker in {town}",
                email=f"sociale.dienst@{tenant.slug}.example",
            ),
        ]
    )
    past = Meeting(
        network_id=network.id,
        held_on=today - timedelta(days=42),
        place=f"Gemeentehuis {town}, raadzaal",
        minutes=(
            f"**Overleg Huis van het Kind {town}**\n\n"
            f"- De partners in {town} stelden hun werking voor.\n"
            f"- Afspraak: de overgang van kinderopvang naar school in {town} samen opvolgen.\n\n"
            f"Volgende keer in {town}: sociale tarieven en de luierbank."
        ),
        created_by="demo",
    )
    upcoming = Meeting(
        network_id=network.id,
        held_on=today + timedelta(days=21),
        place=f"Huis van het Kind {town}, vergaderzaal",
        created_by="demo",
    )
    session.add_all([past, upcoming])
    session.flush()
    agendas = (
        (
            past,
            [
                f"Kennismaking met de partners in {town}",
                f"Overgang van kinderopvang naar school in {town}",
                f"Boekstart en voorleesmomenten in {town}",
            ],
        ),
        (
            upcoming,
            [
                f"Sociale tarieven in de kinderopvang van {town}",
                f"Luierbank {town}: stand van zaken",
            ],
        ),
    )
    for meeting, items in agendas:
        for position, title in enumerate(items, start=1):
            session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
    for member, presence in (
        (coordinator, Presence.PRESENT),
        (daycare, Presence.PRESENT),
        (school, Presence.EXCUSED),
        (ocmw, Presence.PRESENT),
    ):
        session.add(Attendance(meeting_id=past.id, member_id=member.id, status=presence))
    session.add_all(
        [
            NetworkAction(
                network_id=network.id,
                meeting_id=past.id,
                owner_member_id=ocmw.id,
                title=f"Lijst van sociale tarieven in {town} bundelen",
                due_on=today - timedelta(days=7),
                status=ActionStatus.OPEN,
                created_by="demo",
            ),
            NetworkAction(
                network_id=network.id,
                meeting_id=past.id,
                owner_member_id=school.id,
                title=f"Wenmomenten voor kleuters in {town} plannen",
                due_on=today + timedelta(days=30),
                status=ActionStatus.IN_PROGRESS,
                created_by="demo",
            ),
            NetworkAction(
                network_id=network.id,
                meeting_id=past.id,
                owner_member_id=coordinator.id,
                title=f"Boekstartpakketten in {town} verdelen",
                due_on=today - timedelta(days=14),
                status=ActionStatus.DONE,
                created_by="demo",
            ),
        ]
    )
    _services(session, town, tenant.slug, daycare, ocmw, homework, coordinator)


def _services(session, town: str, slug: str, daycare, ocmw, homework, coordinator) -> None:
    session.add_all(
        [
            DirectoryService(
                member_id=daycare.id,
                name=f"Kinderopvang met inkomenstarief in {town}",
                description=f"Opvang voor baby's en peuters in {town}, ook voor gezinnen met een laag inkomen.",
                category="childcare",
                target_group=f"Gezinnen in {town} met kinderen van 0 tot 3 jaar",
                how_to_reach=f"Via het lokaal loket kinderopvang van {town}",
                languages=["nl", "fr", "en"],
                cost="social_tariff",
                cost_note=f"Prijs volgens inkomen, sociaal tarief mogelijk in {town}",
                contact=f"opvang@{slug}.example",
                public=True,
            ),
            DirectoryService(
                member_id=ocmw.id,
                name=f"Luierbank en sociale kruidenier {town}",
                description=f"Luiers en basisproducten aan verlaagde prijs voor gezinnen in {town}.",
                category="financial_support",
                target_group=f"Gezinnen in {town} in armoede of met schulden",
                how_to_reach=f"Na een gesprek bij de sociale dienst van {town}",
                languages=["nl", "ar", "tr"],
                cost="free",
                contact=f"sociale.dienst@{slug}.example",
                public=True,
            ),
            DirectoryService(
                member_id=homework.id,
                name=f"Huiswerkklas {town}",
                description=f"Vrijwilligers helpen lagereschoolkinderen in {town} met hun huiswerk.",
                category="education",
                target_group=f"Kinderen van 6 tot 12 jaar uit {town}",
                how_to_reach=f"Elke dinsdag en donderdag na school in {town}",
                languages=["nl"],
                cost="free",
                contact=f"huiswerk@{slug}.example",
                public=True,
            ),
            DirectoryService(
                member_id=coordinator.id,
                name=f"Casusoverleg kinderarmoede {town}",
                description=f"Partners in {town} zoeken samen een oplossing voor een gezin, met toestemming.",
                category="parenting_support",
                target_group=f"Partners van het Huis van het Kind {town}",
                how_to_reach=f"Aanmelden bij de coördinator in {town}",
                languages=["nl"],
                cost="free",
                contact=f"huisvanhetkind@{slug}.example",
                public=False,
            ),
        ]
    )
