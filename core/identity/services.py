"""Completing a sign-in: the user, their organisation, their membership in the tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import select

from core.db import utcnow
from core.identity.confirmations import apply_email_claims
from core.identity.models import (
    Membership,
    Organisation,
    OrganisationGrant,
    OrganisationMember,
    User,
)
from core.identity.organisation_trust import sync_memberships
from core.identity.providers import ProviderConfig


@dataclass(frozen=True)
class GrantedOrganisation:
    id: uuid.UUID
    slug: str
    name: str
    kind: str
    modules: tuple[str, ...]


class NoMembership(Exception):
    """The user signed in correctly but may do nothing in this tenant."""

    def __init__(self, user: User) -> None:
        super().__init__(user.email or user.subject)
        self.user = user


def upsert_user(db, *, issuer: str, claims: dict) -> User:
    """The user is (issuer, subject); the same pair in another tenant is the same user."""
    user = db.exec(
        select(User).where(User.issuer == issuer, User.subject == str(claims["sub"]))
    ).first()
    if user is None:
        user = User(issuer=issuer, subject=str(claims["sub"]))
    user.name = str(claims.get("name") or claims.get("preferred_username") or user.name or "")[:200]
    # Whether the address is proven travels with it: see core.identity.confirmations.
    apply_email_claims(user, claims)
    user.last_sign_in_at = utcnow()
    db.add(user)
    db.flush()
    return user


def partner_roles(db, user_id) -> set[str]:
    """``partner:<module>`` for each module granted (in the db's tenant) to the user's organisations."""
    organisation_ids = db.exec(
        select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user_id)
    ).all()
    if not organisation_ids:
        return set()
    grants = db.exec(
        select(OrganisationGrant).where(OrganisationGrant.organisation_id.in_(organisation_ids))
    ).all()
    return {f"partner:{module}" for grant in grants for module in grant.modules}


def granted_organisations(db, user_id) -> list[GrantedOrganisation]:
    """The organisations the user acts for in the db's tenant, with the modules granted to each."""
    rows = db.exec(
        select(Organisation, OrganisationGrant)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .join(OrganisationGrant, OrganisationGrant.organisation_id == Organisation.id)
        .where(OrganisationMember.user_id == user_id)
    ).all()
    return [
        GrantedOrganisation(
            id=organisation.id,
            slug=organisation.slug,
            name=organisation.name,
            kind=organisation.kind,
            modules=tuple(grant.modules),
        )
        for organisation, grant in rows
    ]


def membership_of(db, user_id) -> Membership | None:
    return db.exec(select(Membership).where(Membership.user_id == user_id)).first()


def roles_of(db, user_id) -> set[str]:
    membership = membership_of(db, user_id)
    roles = set(membership.roles) | set(membership.claim_roles) if membership else set()
    return roles | partner_roles(db, user_id)


def admit(db, *, provider: ProviderConfig, claims: dict) -> User:
    """Record the sign-in's user and roles in the db session's tenant, or refuse entry."""
    user = upsert_user(db, issuer=provider.issuer, claims=claims)
    sync_memberships(db, user, claims)
    db.flush()
    claimed = provider.roles_from_claims(claims)
    membership = membership_of(db, user.id)
    if membership is not None:
        membership.claim_roles = claimed
        db.add(membership)
    elif claimed:
        db.add(Membership(user_id=user.id, roles=[], claim_roles=claimed))
    db.flush()
    if not roles_of(db, user.id) and not user.is_platform_admin:
        raise NoMembership(user)
    return user
