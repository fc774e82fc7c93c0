"""Who is signed in, read in one query: the sign-in session joined to its user, the user's
membership in the tenant and the organisations granted modules there.

Every signed-in request needs all of it before the page; four round trips (session, user,
membership, organisation grants) cost more than the page shell. Nothing is cached between
requests, so a sign-out, a revoked role or a withdrawn grant holds on the very next request, in
every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import select

from core.db import as_utc, utcnow
from core.identity.models import (
    Membership,
    Organisation,
    OrganisationGrant,
    OrganisationMember,
    SignInSession,
    User,
)
from core.identity.services import GrantedOrganisation
from core.identity.sessions import TOUCH_INTERVAL, Lifetimes, hash_token


@dataclass(frozen=True)
class Identity:
    sign_in: SignInSession
    user: User
    roles: frozenset[str]
    organisations: tuple[GrantedOrganisation, ...]


@lru_cache(maxsize=1)
def identity_statement():
    """The live sign-in for the ``token_hash`` parameter with everything that decides what its
    user may do. Built once: building the construct cost more than running it.

    Outer joins, each bound to the session's tenant in its ``ON`` clause (the session's scoping
    adds the same criterion; stating it keeps a grant of another tenant out even if it did not):
    one row per organisation the user belongs to, or one row without any.
    """
    return (
        select(
            SignInSession,
            User,
            Membership.roles,
            Membership.claim_roles,
            Organisation,
            OrganisationGrant.modules,
        )
        .join(User, User.id == SignInSession.user_id)
        .outerjoin(
            Membership,
            sa.and_(
                Membership.user_id == SignInSession.user_id,
                Membership.tenant_id == SignInSession.tenant_id,
            ),
        )
        .outerjoin(OrganisationMember, OrganisationMember.user_id == SignInSession.user_id)
        .outerjoin(
            OrganisationGrant,
            sa.and_(
                OrganisationGrant.organisation_id == OrganisationMember.organisation_id,
                OrganisationGrant.tenant_id == SignInSession.tenant_id,
            ),
        )
        .outerjoin(Organisation, Organisation.id == OrganisationGrant.organisation_id)
        .where(
            SignInSession.token_hash == sa.bindparam("token_hash"),
            SignInSession.ended_at.is_(None),
        )
    )


def current_identity(
    db, token: str, lifetimes: Lifetimes, now: datetime | None = None
) -> Identity | None:
    """The identity behind ``token`` in the db session's tenant, or ``None``.

    A session past its idle or absolute lifetime is ended here; a live one is touched at most
    once a minute (the only other statement, and rare).
    """
    rows = db.exec(identity_statement(), params={"token_hash": hash_token(token)}).all()
    if not rows:
        return None
    now = now or utcnow()
    sign_in, user = rows[0][0], rows[0][1]
    if (
        now - as_utc(sign_in.created_at) > lifetimes.absolute
        or now - as_utc(sign_in.last_seen_at) > lifetimes.idle
    ):
        sign_in.ended_at = now
        db.add(sign_in)
        db.commit()
        return None
    if now - as_utc(sign_in.last_seen_at) > TOUCH_INTERVAL:
        sign_in.last_seen_at = now
        db.add(sign_in)
        db.commit()
    roles = set(rows[0][2] or ()) | set(rows[0][3] or ())
    organisations = []
    for _, _, _, _, organisation, modules in rows:
        if organisation is None:
            continue
        roles.update(f"partner:{module}" for module in modules)
        organisations.append(
            GrantedOrganisation(
                id=organisation.id,
                slug=organisation.slug,
                name=organisation.name,
                kind=organisation.kind,
                modules=tuple(modules),
            )
        )
    return Identity(
        sign_in=sign_in, user=user, roles=frozenset(roles), organisations=tuple(organisations)
    )
