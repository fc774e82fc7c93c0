"""Partner organisations trust only their own identity providers.

A user is ``(issuer, subject)``, so every organisation a user works for is asserted by that one
issuer. At each sign-in :func:`sync_memberships` sets the user's memberships to exactly what the
platform-level bindings (:class:`~core.identity.models.OrganisationProvider`) let the issuer's
current claims assert: a membership no longer asserted is dropped, in every tenant at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import delete, select

from core.identity.models import Organisation, OrganisationMember, OrganisationProvider, User
from core.identity.providers import claim_at_path


def binding_matches(binding: OrganisationProvider, claims: dict) -> bool:
    if not binding.claim:
        return True
    value = claim_at_path(claims, binding.claim)
    if isinstance(value, str):
        return value == binding.value
    if isinstance(value, list):
        return binding.value in value
    return False


def asserted_organisations(db, issuer: str, claims: dict) -> set[uuid.UUID]:
    bindings = db.exec(
        select(OrganisationProvider).where(OrganisationProvider.issuer == issuer.rstrip("/"))
    ).all()
    return {b.organisation_id for b in bindings if binding_matches(b, claims)}


def sync_memberships(db, user: User, claims: dict) -> set[uuid.UUID]:
    """Make the user's organisations exactly those their issuer asserts now; return them."""
    asserted = asserted_organisations(db, user.issuer, claims)
    current = set(
        db.exec(
            select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == user.id)
        ).all()
    )
    dropped = current - asserted
    if dropped:
        db.exec(
            delete(OrganisationMember).where(
                OrganisationMember.user_id == user.id,
                OrganisationMember.organisation_id.in_(dropped),
            )
        )
    for organisation_id in asserted - current:
        db.add(OrganisationMember(organisation_id=organisation_id, user_id=user.id))
    return asserted


def replace_bindings(db, organisation: Organisation, bindings: Iterable[dict]) -> None:
    """Set an organisation's trusted providers (from ``organisations.toml``)."""
    wanted = {(b["issuer"].rstrip("/"), b.get("claim", ""), b.get("value", "")) for b in bindings}
    existing = db.exec(
        select(OrganisationProvider).where(OrganisationProvider.organisation_id == organisation.id)
    ).all()
    for row in existing:
        key = (row.issuer, row.claim, row.value)
        if key in wanted:
            wanted.discard(key)
        else:
            db.delete(row)
    for issuer, claim, value in sorted(wanted):
        db.add(
            OrganisationProvider(
                organisation_id=organisation.id, issuer=issuer, claim=claim, value=value
            )
        )
