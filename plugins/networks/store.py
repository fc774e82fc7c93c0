"""Reading and writing the plugin's tenant rows. Every function takes the caller's session.

Tenant rows are scoped by the session (never filtered by tenant here).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import select

from core.identity.models import Organisation, OrganisationGrant
from core.tenancy import plugin_settings
from plugins.networks.models import (
    AgendaItem,
    Attendance,
    CaseConsultation,
    ContactPerson,
    DirectoryService,
    Meeting,
    Network,
    NetworkAction,
    NetworkMember,
)

MODULE = "networks"


def networks_settings(session) -> dict:
    from plugins.networks.plugin import MANIFEST

    return plugin_settings(session, MANIFEST)


def granted_organisations(session) -> list[Organisation]:
    """Organisations this tenant granted the ``networks`` module, by name."""
    rows = session.exec(
        select(Organisation, OrganisationGrant)
        .join(OrganisationGrant, OrganisationGrant.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return [organisation for organisation, grant in rows if MODULE in grant.modules]


def all_networks(session) -> list[Network]:
    return list(session.exec(select(Network).order_by(Network.name)).all())


def networks_with_organisations(session, organisation_ids: set[uuid.UUID]) -> list[Network]:
    """Networks in which one of these organisations is a member."""
    if not organisation_ids:
        return []
    ids = session.exec(
        select(NetworkMember.network_id).where(
            NetworkMember.organisation_id.in_(organisation_ids), NetworkMember.ended_at.is_(None)
        )
    ).all()
    if not ids:
        return []
    return list(session.exec(select(Network).where(Network.id.in_(set(ids)))).all())


def networks_of_members(session, member_ids: set[uuid.UUID]) -> list[Network]:
    """Networks of these (current) memberships."""
    if not member_ids:
        return []
    ids = session.exec(
        select(NetworkMember.network_id).where(
            NetworkMember.id.in_(member_ids), NetworkMember.ended_at.is_(None)
        )
    ).all()
    if not ids:
        return []
    return list(session.exec(select(Network).where(Network.id.in_(set(ids)))).all())


def members_of(session, network_id: uuid.UUID) -> list[NetworkMember]:
    """The current members (an ended membership grants nothing any more)."""
    return list(
        session.exec(
            select(NetworkMember)
            .where(NetworkMember.network_id == network_id, NetworkMember.ended_at.is_(None))
            .order_by(NetworkMember.name)
        ).all()
    )


def member_names(session, network_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Names of current and former members, for the actions they own(ed)."""
    rows = session.exec(select(NetworkMember).where(NetworkMember.network_id == network_id)).all()
    return {member.id: member.name for member in rows}


def contacts_of(session, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[ContactPerson]]:
    ids = set(member_ids)
    result: dict[uuid.UUID, list[ContactPerson]] = {member_id: [] for member_id in ids}
    if not ids:
        return result
    for contact in session.exec(
        select(ContactPerson).where(ContactPerson.member_id.in_(ids)).order_by(ContactPerson.name)
    ).all():
        result[contact.member_id].append(contact)
    return result


def meetings_of(session, network_id: uuid.UUID) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting).where(Meeting.network_id == network_id).order_by(Meeting.held_on.desc())
        ).all()
    )


def agenda_of(session, meeting_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[AgendaItem]]:
    ids = set(meeting_ids)
    result: dict[uuid.UUID, list[AgendaItem]] = {meeting_id: [] for meeting_id in ids}
    if not ids:
        return result
    for item in session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id.in_(ids)).order_by(AgendaItem.position)
    ).all():
        result[item.meeting_id].append(item)
    return result


def attendance_of(session, meeting_id: uuid.UUID) -> dict[uuid.UUID, Attendance]:
    rows = session.exec(select(Attendance).where(Attendance.meeting_id == meeting_id)).all()
    return {row.member_id: row for row in rows}


def actions_of_network(session, network_id: uuid.UUID) -> list[NetworkAction]:
    return list(
        session.exec(
            select(NetworkAction)
            .where(NetworkAction.network_id == network_id)
            .order_by(NetworkAction.due_on, NetworkAction.title)
        ).all()
    )


def actions_of_meeting(session, meeting_id: uuid.UUID) -> list[NetworkAction]:
    return list(
        session.exec(
            select(NetworkAction)
            .where(NetworkAction.meeting_id == meeting_id)
            .order_by(NetworkAction.due_on, NetworkAction.title)
        ).all()
    )


def actions_of_networks(session, network_ids: set[uuid.UUID]) -> list[NetworkAction]:
    if not network_ids:
        return []
    return list(
        session.exec(select(NetworkAction).where(NetworkAction.network_id.in_(network_ids))).all()
    )


def services_of_members(session, member_ids: set[uuid.UUID] | None) -> list[DirectoryService]:
    """Services of these members; ``None`` means every member in the tenant."""
    statement = select(DirectoryService)
    if member_ids is not None:
        if not member_ids:
            return []
        statement = statement.where(DirectoryService.member_id.in_(member_ids))
    return list(session.exec(statement).all())


def public_services(session) -> list[DirectoryService]:
    return list(session.exec(select(DirectoryService).where(DirectoryService.public)).all())


def members_by_id(session, member_ids: set[uuid.UUID]) -> dict[uuid.UUID, NetworkMember]:
    if not member_ids:
        return {}
    rows = session.exec(select(NetworkMember).where(NetworkMember.id.in_(member_ids))).all()
    return {member.id: member for member in rows}


def cases_of(session, network_id: uuid.UUID) -> list[CaseConsultation]:
    return list(
        session.exec(
            select(CaseConsultation)
            .where(CaseConsultation.network_id == network_id)
            .order_by(CaseConsultation.created_at.desc())
        ).all()
    )


def case_references(session) -> set[str]:
    return set(session.exec(select(CaseConsultation.reference)).all())


def contacts_with_email(session, email: str) -> list[ContactPerson]:
    return list(
        session.exec(
            select(ContactPerson).where(ContactPerson.email == email.strip().lower())
        ).all()
    )


def end_membership(session, member: NetworkMember, now) -> None:
    """End a membership: refused while the member owns unfinished actions (hand them over or
    drop them first). Contact persons and the member's services go; the row stays, ended, so
    finished actions and past attendance still name it."""
    from flask_babel import lazy_gettext as _l

    from plugins.networks.services import UNFINISHED, RuleError

    owned = session.exec(
        select(NetworkAction).where(NetworkAction.owner_member_id == member.id)
    ).all()
    if any(action.status in UNFINISHED for action in owned):
        raise RuleError(
            {
                "member": _l(
                    "%(member)s still owns open actions: hand them over or drop them first.",
                    member=member.name,
                )
            }
        )
    for model, column in (
        (ContactPerson, ContactPerson.member_id),
        (DirectoryService, DirectoryService.member_id),
    ):
        for row in session.exec(select(model).where(column == member.id)).all():
            session.delete(row)
    member.ended_at = now
    member.coordinates = False
    session.add(member)
