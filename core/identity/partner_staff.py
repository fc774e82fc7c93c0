"""The people of partner organisations that work in this tenant's modules (issue 21).

A tenant admin grants modules to organisations; who acts for an organisation comes only from that
organisation's own sign-in provider. The members page lists them per organisation, so the admin
sees who works in the municipality's modules without having added them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlmodel import select

from core.identity.models import Organisation, OrganisationGrant, OrganisationMember, User


@dataclass
class PartnerStaff:
    organisation: Organisation
    modules: list[str]
    people: list[User] = field(default_factory=list)


def partner_staff(db) -> list[PartnerStaff]:
    """Organisations granted modules in the db session's tenant, each with its people."""
    rows = db.exec(
        select(Organisation, OrganisationGrant)
        .join(OrganisationGrant, OrganisationGrant.organisation_id == Organisation.id)
        .order_by(Organisation.name)
    ).all()
    found: dict[uuid.UUID, PartnerStaff] = {
        organisation.id: PartnerStaff(organisation, sorted(grant.modules))
        for organisation, grant in rows
    }
    if not found:
        return []
    people = db.exec(
        select(OrganisationMember.organisation_id, User)
        .join(User, User.id == OrganisationMember.user_id)
        .where(OrganisationMember.organisation_id.in_(list(found)))
        .order_by(User.name)
    ).all()
    for organisation_id, user in people:
        found[organisation_id].people.append(user)
    return list(found.values())
