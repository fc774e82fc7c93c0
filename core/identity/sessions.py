"""Sign-in sessions: created at sign-in (a fresh random id), checked per request, ended at sign-out.

The browser's signed cookie holds, per tenant, only a random token; the database holds its hash,
the user, and the times that enforce the idle and absolute lifetimes.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from core.db import as_utc, utcnow
from core.identity.models import SignInSession

TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db, *, user_id: uuid.UUID, provider: str, id_token: str) -> str:
    """Create a sign-in session in the db session's tenant; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.add(
        SignInSession(
            token_hash=hash_token(token), user_id=user_id, provider=provider, id_token=id_token
        )
    )
    return token


def active_session(
    db, token: str, lifetimes: Lifetimes, now: datetime | None = None
) -> SignInSession | None:
    """The live session for ``token`` in this tenant, or ``None``; expired ones are ended."""
    now = now or utcnow()
    row = db.exec(
        select(SignInSession).where(
            SignInSession.token_hash == hash_token(token), SignInSession.ended_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    if (
        now - as_utc(row.created_at) > lifetimes.absolute
        or now - as_utc(row.last_seen_at) > lifetimes.idle
    ):
        row.ended_at = now
        db.add(row)
        db.commit()
        return None
    if now - as_utc(row.last_seen_at) > TOUCH_INTERVAL:
        row.last_seen_at = now
        db.add(row)
        db.commit()
    return row


def end_session(db, token: str) -> SignInSession | None:
    row = db.exec(
        select(SignInSession).where(
            SignInSession.token_hash == hash_token(token), SignInSession.ended_at.is_(None)
        )
    ).first()
    if row is not None:
        row.ended_at = utcnow()
        db.add(row)
    return row
