"""Proving an e-mail address: the provider's ``email_verified`` claim, or a single-use link.

An address typed into a form, or an unverified e-mail claim, proves nothing: anyone can type
anyone's address, and many providers let a user choose one. So nothing is linked, granted or
exported on an address unless :func:`verified_email` returns it, and public forms that would
change an existing record mail a link instead (:func:`issue`). Only the link's hash is stored;
it expires after :data:`LIFETIME` and works once (:func:`redeem`).

Plugins use this module too: they name their purposes ``<plugin>.<what>`` and handle the link in
their own views (:func:`find_live` to show what will happen, :func:`redeem` to do it).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from core.db import as_utc, utcnow
from core.identity.models import EmailConfirmation, User

LIFETIME = timedelta(hours=48)
PROVEN_BY_PROVIDER = "provider"
PROVEN_BY_LINK = "link"


def normalise(email: str) -> str:
    return (email or "").strip().lower()


def verified_email(user: User | None) -> str:
    """The user's address in lower case if it was proven, else ``""``: the only address to trust."""
    if user is None or not user.email or not user.email_verified_via:
        return ""
    return normalise(user.email)


def claims_say_verified(claims: dict) -> bool:
    """OpenID Connect's ``email_verified`` is a boolean; some providers send the string."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def apply_email_claims(user: User, claims: dict) -> None:
    """Take name-independent e-mail facts from a sign-in's claims (called by ``upsert_user``).

    The provider vouching for the address proves it. An address that changes is unproven again,
    and so is one the provider stops vouching for; an address proven by link stays proven while
    it stays the same.
    """
    if "email" not in claims or not claims.get("email"):
        return
    new_email = str(claims["email"])[:320]
    changed = normalise(new_email) != normalise(user.email)
    user.email = new_email
    if claims_say_verified(claims):
        if user.email_verified_via != PROVEN_BY_PROVIDER or changed:
            user.email_verified_via, user.email_verified_at = PROVEN_BY_PROVIDER, utcnow()
    elif changed or user.email_verified_via == PROVEN_BY_PROVIDER:
        user.email_verified_via, user.email_verified_at = "", None


def mark_proven_by_link(user: User, email: str) -> bool:
    """Opening a link mailed to ``email`` proves it for ``user`` if it is still their address."""
    if not user.email or normalise(user.email) != normalise(email):
        return False
    if user.email_verified_via != PROVEN_BY_PROVIDER:
        user.email_verified_via, user.email_verified_at = PROVEN_BY_LINK, utcnow()
    return True


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    db,
    *,
    email: str,
    purpose: str,
    payload: dict | None = None,
    requested_by: uuid.UUID | None = None,
    lifetime: timedelta = LIFETIME,
) -> tuple[EmailConfirmation, str]:
    """A new link for ``email`` in the db session's tenant; returns the row and the token.

    The token goes into the mail only; the caller queues that mail in the same transaction.
    """
    token = secrets.token_urlsafe(32)
    row = EmailConfirmation(
        token_hash=hash_token(token),
        purpose=purpose,
        email=normalise(email),
        payload=payload or {},
        requested_by=requested_by,
        expires_at=utcnow() + lifetime,
    )
    db.add(row)
    db.flush()
    return row, token


def find_live(db, token: str, purpose: str, now: datetime | None = None):
    """The unused, unexpired, not withdrawn link for ``token`` and ``purpose``, or ``None``."""
    if not token or len(token) > 128:
        return None
    row = db.exec(
        select(EmailConfirmation).where(
            EmailConfirmation.token_hash == hash_token(token),
            EmailConfirmation.purpose == purpose,
        )
    ).first()
    if row is None or row.used_at is not None or row.withdrawn_at is not None:
        return None
    if as_utc(row.expires_at) <= (now or utcnow()):
        return None
    return row


def redeem(db, token: str, purpose: str, *, used_by: uuid.UUID | None = None):
    """Use the link once: returns its row, or ``None`` if it is not live (or was just used).

    The update is conditional on ``used_at`` still being empty, so two clicks at the same moment
    cannot both succeed.
    """
    row = find_live(db, token, purpose)
    if row is None:
        return None
    now = utcnow()
    result = db.execute(
        sa.update(EmailConfirmation)
        .where(EmailConfirmation.id == row.id, EmailConfirmation.used_at.is_(None))
        .values(used_at=now, used_by=used_by)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    db.refresh(row)
    return row


def withdraw(db, confirmation_id: uuid.UUID, purpose: str):
    """Make a pending link useless (an invitation taken back); returns it, or ``None``."""
    row = db.get(EmailConfirmation, confirmation_id)
    if row is None or row.purpose != purpose or row.used_at is not None:
        return None
    if row.withdrawn_at is None:
        row.withdrawn_at = utcnow()
        db.add(row)
    return row


def pending(db, purpose: str, now: datetime | None = None) -> list[EmailConfirmation]:
    """Links of ``purpose`` in this tenant that can still be used, newest first."""
    rows = db.exec(
        select(EmailConfirmation)
        .where(
            EmailConfirmation.purpose == purpose,
            EmailConfirmation.used_at.is_(None),
            EmailConfirmation.withdrawn_at.is_(None),
        )
        .order_by(EmailConfirmation.created_at.desc())
    ).all()
    now = now or utcnow()
    return [row for row in rows if as_utc(row.expires_at) > now]
