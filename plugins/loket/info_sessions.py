"""Info sessions on how the e-loket works: capacity, a waiting list, reminders, attendance."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from core.db import lock_row, utcnow
from plugins.loket.models import InfoRegistration, InfoSession

REMINDER_BEFORE = timedelta(days=2)


class AlreadyRegistered(Exception):
    """This e-mail address is already on the list (or the waiting list) of the session."""


def registered_count(session, info_session_id: uuid.UUID) -> int:
    return registered_counts(session, [info_session_id])[info_session_id]


def registered_counts(session, info_session_ids) -> dict[uuid.UUID, int]:
    """Seats taken per session, for a whole list in one query (0 for an empty session)."""
    wanted = list(dict.fromkeys(info_session_ids))
    counts = dict.fromkeys(wanted, 0)
    if wanted:
        counts.update(
            session.exec(
                select(InfoRegistration.session_id, sa.func.count())
                .where(
                    InfoRegistration.session_id.in_(wanted),
                    InfoRegistration.status == "registered",
                )
                .group_by(InfoRegistration.session_id)
            ).all()
        )
    return counts


def register(session, info_session: InfoSession, *, name: str, email: str) -> InfoRegistration:
    """A seat while there is one, else a place on the waiting list."""
    lock_row(session, InfoSession, info_session.id)  # concurrent registrations count one by one
    email = email.strip().lower()
    existing = session.exec(
        select(InfoRegistration).where(
            InfoRegistration.session_id == info_session.id, InfoRegistration.email == email
        )
    ).first()
    if existing is not None and existing.status != "cancelled":
        raise AlreadyRegistered(email)
    full = registered_count(session, info_session.id) >= info_session.capacity
    registration = existing or InfoRegistration(session_id=info_session.id, email=email, name="")
    registration.name = name.strip()[:200]
    registration.status = "waiting" if full else "registered"
    registration.registered_at = utcnow()
    session.add(registration)
    session.flush()
    return registration


def cancel(session, registration: InfoRegistration) -> InfoRegistration | None:
    """Cancel; the first on the waiting list moves up. Returns who moved up, if anyone."""
    was_registered = registration.status == "registered"
    registration.status = "cancelled"
    session.add(registration)
    session.flush()
    if not was_registered:
        return None
    first_waiting = session.exec(
        select(InfoRegistration)
        .where(
            InfoRegistration.session_id == registration.session_id,
            InfoRegistration.status == "waiting",
        )
        .order_by(InfoRegistration.registered_at)
    ).first()
    if first_waiting is not None:
        first_waiting.status = "registered"
        session.add(first_waiting)
    return first_waiting


def record_attendance(session, info_session: InfoSession, attended_ids: set[uuid.UUID]) -> None:
    for registration in session.exec(
        select(InfoRegistration).where(
            InfoRegistration.session_id == info_session.id,
            InfoRegistration.status == "registered",
        )
    ):
        registration.attended = registration.id in attended_ids
        session.add(registration)


def due_reminders(
    session, *, now: datetime | None = None
) -> list[tuple[InfoSession, InfoRegistration]]:
    """Registrations of sessions that start within two days and were not reminded yet."""
    now = now or utcnow()
    upcoming = session.exec(
        select(InfoSession).where(
            InfoSession.starts_at > now, InfoSession.starts_at <= now + REMINDER_BEFORE
        )
    )
    result = []
    for info_session in upcoming:
        for registration in session.exec(
            select(InfoRegistration).where(
                InfoRegistration.session_id == info_session.id,
                InfoRegistration.status == "registered",
                InfoRegistration.reminded_at.is_(None),
            )
        ):
            result.append((info_session, registration))
    return result


def send_reminders(session, tenant, *, now: datetime | None = None) -> int:
    """Queue one reminder per registration of a session that starts within two days."""
    from plugins.loket import notifications

    now = now or utcnow()
    due = due_reminders(session, now=now)
    for info_session, registration in due:
        notifications.info_session_reminder(session, tenant, info_session, registration)
        registration.reminded_at = now
        session.add(registration)
    return len(due)


# -- a person's own cancellation --------------------------------------------------------------
# The registration mail carries a link with a signed token: whoever holds the mail may cancel
# that one registration (as with an unsubscribe link), without an account.
_TOKEN_SALT = "loket.info-registration.cancel"


def _serializer():
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.secret_key, salt=_TOKEN_SALT)


def cancel_token(registration: InfoRegistration) -> str:
    """The token in the registration's own cancel link."""
    return _serializer().dumps(str(registration.id))


def registration_id_from_token(token: str) -> uuid.UUID | None:
    """The registration a token stands for, or ``None`` for a token we did not sign."""
    from itsdangerous import BadSignature

    try:
        return uuid.UUID(_serializer().loads(token))
    except (BadSignature, ValueError, TypeError):
        return None
