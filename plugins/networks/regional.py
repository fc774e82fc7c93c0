"""Regional networks across municipalities: an agreement both tenants' admins sign.

The owning municipality's admin invites another municipality into one of its regional networks
(that is the owner's agreement). The other municipality's admin accepts on their own page and
names their *own* regional network as the counterpart (the partner's agreement). Each side's
members, meetings and actions stay in their own tenant; while both agreements stand and neither
side withdrew, the people who may see one side's network read the other side's meetings and
actions through :func:`read_shared` — read-only, and every read leaves an audit entry in the
tenant whose data was read. Without both agreements nothing crosses.

The agreement itself (:class:`~plugins.networks.models.RegionalPartnership`) is a platform-level
row: it must be one row that both tenants sign. Every function here filters it by the caller's
tenant, so a tenant only ever sees agreements it is party to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import or_, select

from core import audit
from core.models import Tenant
from plugins.networks import store
from plugins.networks.models import (
    TEXT_MAX,
    Meeting,
    Network,
    NetworkAction,
    RegionalPartnership,
)
from plugins.networks.regional_mail import News
from plugins.networks.services import NetworkKind, RuleError


class NotShared(LookupError):
    """The partnership is unknown to this tenant, or not (or no longer) agreed by both sides."""


def is_active(partnership: RegionalPartnership) -> bool:
    return (
        partnership.owner_agreed_at is not None
        and partnership.partner_agreed_at is not None
        and partnership.partner_network_id is not None
        and partnership.withdrawn_at is None
    )


def partnerships_of(session, tenant_id: uuid.UUID) -> list[RegionalPartnership]:
    """Every agreement this tenant is party to, as owner or as partner."""
    return list(
        session.exec(
            select(RegionalPartnership)
            .where(
                or_(
                    RegionalPartnership.owner_tenant_id == tenant_id,
                    RegionalPartnership.partner_tenant_id == tenant_id,
                )
            )
            .order_by(RegionalPartnership.created_at)
        ).all()
    )


def partnership_for(session, partnership_id: uuid.UUID, tenant_id: uuid.UUID):
    """The agreement if this tenant is party to it, else :class:`NotShared`."""
    partnership = session.get(RegionalPartnership, partnership_id)
    if partnership is None or tenant_id not in (
        partnership.owner_tenant_id,
        partnership.partner_tenant_id,
    ):
        raise NotShared(partnership_id)
    return partnership


def partnerships_of_network(session, tenant_id: uuid.UUID, network_id: uuid.UUID):
    return [
        partnership
        for partnership in partnerships_of(session, tenant_id)
        if own_network_id(partnership, tenant_id) == network_id
    ]


def own_network_id(partnership: RegionalPartnership, tenant_id: uuid.UUID) -> uuid.UUID | None:
    if partnership.owner_tenant_id == tenant_id:
        return partnership.owner_network_id
    return partnership.partner_network_id


def other_side(partnership: RegionalPartnership, tenant_id: uuid.UUID):
    """(tenant id, network id) of the side that is not ``tenant_id``."""
    if partnership.owner_tenant_id == tenant_id:
        return partnership.partner_tenant_id, partnership.partner_network_id
    return partnership.owner_tenant_id, partnership.owner_network_id


def tenant_names(session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return {t.id: t.name for t in session.exec(select(Tenant).where(Tenant.id.in_(ids))).all()}


def invite(
    session,
    *,
    network: Network,
    partner_tenant_id: uuid.UUID | None,
    invitation: str,
    actor: str,
    now: datetime,
    invitable_tenant_ids: set[uuid.UUID] | None = None,
) -> RegionalPartnership:
    """The owner's agreement: invite ``partner_tenant_id`` into ``network`` (a tenant session).

    ``invitable_tenant_ids``: the municipalities that use this module; others could never answer.
    """
    errors: dict = {}
    if network.kind != NetworkKind.REGIONAL:
        errors["partner_tenant"] = _l("Only a regional cooperation can span municipalities.")
    if (
        partner_tenant_id is None
        or partner_tenant_id == network.tenant_id
        or session.get(Tenant, partner_tenant_id) is None
    ):
        errors["partner_tenant"] = _l("Choose another municipality.")
    elif invitable_tenant_ids is not None and partner_tenant_id not in invitable_tenant_ids:
        errors["partner_tenant"] = _l("That municipality does not use the networks module.")
    if len(invitation) > TEXT_MAX:
        errors["invitation"] = _l("Keep this under %(max)d characters.", max=TEXT_MAX)
    if errors:
        raise RuleError(errors)
    partnership = session.exec(
        select(RegionalPartnership).where(
            RegionalPartnership.owner_network_id == network.id,
            RegionalPartnership.partner_tenant_id == partner_tenant_id,
        )
    ).first()
    if partnership is None:
        partnership = RegionalPartnership(
            owner_tenant_id=network.tenant_id,
            owner_network_id=network.id,
            partner_tenant_id=partner_tenant_id,
        )
    elif partnership.withdrawn_at is None and partnership.owner_agreed_at is not None:
        raise RuleError({"partner_tenant": _l("This municipality is already invited.")})
    # A renewed invitation starts over: the partner must agree again.
    partnership.invitation = invitation.strip()
    partnership.owner_agreed_by, partnership.owner_agreed_at = actor, now
    partnership.partner_agreed_by, partnership.partner_agreed_at = "", None
    partnership.partner_network_id = None
    partnership.withdrawn_by, partnership.withdrawn_at = "", None
    session.add(partnership)
    audit.record(
        session,
        action="networks.regional_invited",
        object_type="networks_partnership",
        object_id=partnership.id,
        detail={"partner_tenant_id": str(partner_tenant_id), "network_id": str(network.id)},
        actor=actor,
    )
    return partnership


def accept(
    session,
    partnership: RegionalPartnership,
    *,
    tenant_id: uuid.UUID,
    own_network: Network | None,
    actor: str,
    now: datetime,
) -> bool:
    """The partner's agreement, naming the partner's own regional network as counterpart;
    False when it was given already."""
    if partnership.partner_tenant_id != tenant_id:
        raise NotShared(partnership.id)
    if partnership.withdrawn_at is not None or partnership.owner_agreed_at is None:
        raise RuleError({"counterpart": _l("This invitation was withdrawn.")})
    if own_network is None or own_network.kind != NetworkKind.REGIONAL:
        raise RuleError(
            {"counterpart": _l("Choose one of your own regional cooperation networks.")}
        )
    if is_active(partnership) and partnership.partner_network_id == own_network.id:
        return False  # agreed already (a second click): nothing changes, nobody is told again
    partnership.partner_network_id = own_network.id
    partnership.partner_agreed_by, partnership.partner_agreed_at = actor, now
    session.add(partnership)
    audit.record(
        session,
        action="networks.regional_accepted",
        object_type="networks_partnership",
        object_id=partnership.id,
        detail={"network_id": str(own_network.id)},
        actor=actor,
    )
    return True


def withdraw(
    session, partnership: RegionalPartnership, *, tenant_id: uuid.UUID, actor: str, now: datetime
) -> News | None:
    """Either side's admin ends the agreement; from then on nothing crosses.

    Returns what the other side is to be told: the owner withdrew its invitation, the partner
    declined it, or either ended an agreement both had signed; None when it was over already.
    Lock the row first (:func:`core.db.lock_row`) so two clicks end it once.
    """
    if tenant_id not in (partnership.owner_tenant_id, partnership.partner_tenant_id):
        raise NotShared(partnership.id)
    if partnership.withdrawn_at is not None:
        return None
    if is_active(partnership):
        news = News.ENDED
    elif tenant_id == partnership.owner_tenant_id:
        news = News.WITHDRAWN
    else:
        news = News.DECLINED
    partnership.withdrawn_by, partnership.withdrawn_at = actor, now
    session.add(partnership)
    audit.record(
        session,
        action="networks.regional_withdrawn",
        object_type="networks_partnership",
        object_id=partnership.id,
        detail={"news": news.value},
        actor=actor,
    )
    return news


def add_partner_action(
    database,
    partnership_id: uuid.UUID,
    meeting_id: uuid.UUID,
    *,
    viewer_tenant_id: uuid.UUID,
    title: str,
    due_on: date,
    actor: str,
) -> NetworkAction:
    """The partner municipality adds an action to a meeting of the owner's regional network.

    It lands in the owner's tenant, on the owner's meeting (not in the partner's counterpart
    network), owned by the partner municipality; both tenants keep an audit entry. Only the
    partner side adds this way (the owner adds in its own meetings), and only while both agreed.
    """
    with database.session(viewer_tenant_id) as own:
        partnership = partnership_for(own, partnership_id, viewer_tenant_id)
        if not is_active(partnership) or partnership.partner_tenant_id != viewer_tenant_id:
            raise NotShared(partnership_id)
        owner_tenant_id, owner_network_id = other_side(partnership, viewer_tenant_id)
    with database.tenant_session(owner_tenant_id) as owner:
        meeting = owner.get(Meeting, meeting_id)
        if meeting is None or meeting.network_id != owner_network_id:
            raise NotShared(partnership_id)
        action = NetworkAction(
            network_id=owner_network_id,
            meeting_id=meeting.id,
            owner_member_id=None,
            partner_tenant_id=viewer_tenant_id,
            title=title,
            due_on=due_on,
            created_by=actor,
        )
        owner.add(action)
        owner.flush()
        audit.record(
            owner,
            action="networks.regional_action_added",
            object_type="networks_action",
            object_id=action.id,
            detail={"by_tenant_id": str(viewer_tenant_id), "partnership_id": str(partnership_id)},
            actor=actor,
        )
    with database.session(viewer_tenant_id) as own:
        audit.record(
            own,
            action="networks.regional_action_added",
            object_type="networks_partnership",
            object_id=partnership_id,
            detail={"meeting_id": str(meeting_id), "action_id": str(action.id)},
            actor=actor,
        )
    return action


@dataclass
class SharedMeeting:
    id: uuid.UUID
    held_on: date
    place: str
    agenda: list[str]
    minutes: str


@dataclass
class SharedAction:
    title: str
    owner: str
    due_on: date
    status: str
    meeting_on: date | None


@dataclass
class SharedView:
    """What one side may read of the other side's regional network: nothing else."""

    tenant_name: str
    network_name: str
    purpose: str
    members: list[str] = field(default_factory=list)
    meetings: list[SharedMeeting] = field(default_factory=list)
    actions: list[SharedAction] = field(default_factory=list)
    adds_actions: bool = False


def read_shared(
    database, partnership_id: uuid.UUID, *, viewer_tenant_id: uuid.UUID, actor: str
) -> SharedView:
    """Read the other side's network, checking the agreement first; audited in that tenant.

    Opens a session scoped to the *other* tenant (so scoping and row-level security still hold
    there) only after both agreements are confirmed, and only reads the linked network.
    """
    with database.session(viewer_tenant_id) as own:
        partnership = partnership_for(own, partnership_id, viewer_tenant_id)
        if not is_active(partnership):
            raise NotShared(partnership_id)
        other_tenant_id, other_network_id = other_side(partnership, viewer_tenant_id)
        tenant_name = tenant_names(own, {other_tenant_id}).get(other_tenant_id, "")
    with database.tenant_session(other_tenant_id) as other:
        network = other.get(Network, other_network_id)
        if network is None:
            raise NotShared(partnership_id)
        members = store.members_of(other, network.id)
        names = store.member_names(other, network.id)
        meetings = store.meetings_of(other, network.id)
        agenda = store.agenda_of(other, {meeting.id for meeting in meetings})
        dates = {meeting.id: meeting.held_on for meeting in meetings}
        actions = store.actions_of_network(other, network.id)
        partner_names = tenant_names(
            other, {a.partner_tenant_id for a in actions if a.partner_tenant_id}
        )
        view = SharedView(
            tenant_name=tenant_name,
            network_name=network.name,
            purpose=network.purpose,
            members=[member.name for member in members],
            meetings=[_shared_meeting(m, agenda[m.id]) for m in meetings],
            actions=[_shared_action(a, names, dates, partner_names) for a in actions],
            # Only the partner side adds actions to the other side's (the owner's) meetings.
            adds_actions=partnership.partner_tenant_id == viewer_tenant_id,
        )
        audit.record(
            other,
            action="networks.regional_read",
            object_type="networks_network",
            object_id=network.id,
            detail={"by_tenant_id": str(viewer_tenant_id), "partnership_id": str(partnership_id)},
            actor=actor,
        )
    return view


def _shared_meeting(meeting: Meeting, agenda) -> SharedMeeting:
    return SharedMeeting(
        id=meeting.id,
        held_on=meeting.held_on,
        place=meeting.place,
        agenda=[item.title for item in agenda],
        minutes=meeting.minutes,
    )


def _shared_action(
    action: NetworkAction, names: dict, dates: dict, partner_names: dict
) -> SharedAction:
    return SharedAction(
        title=action.title,
        owner=names.get(action.owner_member_id, "")
        or partner_names.get(action.partner_tenant_id, ""),
        due_on=action.due_on,
        status=action.status,
        meeting_on=dates.get(action.meeting_id),
    )
