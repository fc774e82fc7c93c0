"""E-mail through an outbox: queued in the caller's transaction, delivered by the job worker.

A plugin calls :func:`queue_mail` inside its unit of work. Nothing leaves if that work rolls
back. Once it commits, the platform hands the new messages to the background worker (Celery,
see :mod:`core.jobs`); a request never talks to the mail relay. The worker *claims* a message
before it sends it (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional update everywhere),
sends it with a ``Message-ID`` derived from the row, and marks it sent. A worker that dies between
sending and marking leaves its one claimed message behind; the claim lapses after
``lease_seconds`` and the message is sent once more, it alone.

A failed delivery is retried with a growing back-off; after :data:`MAX_ATTEMPTS` the message is
a dead letter (``failed``), listed for the tenant admin with the error. Every failure is logged
with the request id of the action that queued the mail. Messages are tenant rows like any other:
one municipality never sees another's mail.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import sqlalchemy as sa
from sqlalchemy import event, or_
from sqlmodel import Column, Field, select

from core.db import TenantScoped, TenantSession, new_id, utcnow
from core.request_context import current_request_id

logger = logging.getLogger("opvangplein.mail")

MAX_ATTEMPTS = 8
SMTP_TIMEOUT_SECONDS = 10
# Longer than a delivery can take (the SMTP timeout, a few round trips): a live claim never lapses.
DEFAULT_LEASE_SECONDS = 300
DEFAULT_RETRY_SECONDS = 60
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class OutboxMessage(TenantScoped, table=True):
    __tablename__ = "outbox_message"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    purpose: str = Field(default="", max_length=100)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    language: str = Field(default="nl", max_length=5)
    status: str = Field(default=PENDING, max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str = Field(default="", max_length=500)
    # The request that queued it, so a failed delivery can be traced to the action behind it.
    request_id: str = Field(default="", max_length=64)
    # Until when a worker's claim holds (status ``sending``); after it, another may take it.
    lease_until: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    attachments: list = Field(default_factory=list, sa_column=Column(sa.JSON, nullable=False))


@dataclass(frozen=True)
class Attachment:
    """A file sent along (an ``.ics`` invitation); ``content`` is text or bytes."""

    filename: str
    content_type: str
    content: str | bytes

    def stored(self) -> dict:
        data = self.content.encode("utf-8") if isinstance(self.content, str) else self.content
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "data": base64.b64encode(data).decode("ascii"),
        }


def queue_mail(
    session,
    *,
    to: str,
    subject: str,
    body: str,
    purpose: str = "",
    language: str = "nl",
    attachments: tuple[Attachment, ...] = (),
) -> OutboxMessage:
    """Queue a message in the session's tenant; the worker sends it after the transaction commits.

    Write ``subject`` and ``body`` in the recipient's ``language`` (``flask_babel.force_locale``)
    and give a direct link (:func:`core.web.external_url`): the mail is read outside the platform.
    """
    if "@" not in to or "\n" in to or "\r" in to:
        raise ValueError(f"not an e-mail address: {to!r}")
    message = OutboxMessage(
        to_address=to.strip(),
        subject=subject.replace("\n", " ").replace("\r", " ")[:300],
        body=body,
        purpose=purpose,
        language=language,
        request_id=current_request_id()[:64],
        attachments=[attachment.stored() for attachment in attachments],
    )
    session.add(message)
    session.info.setdefault("outbox_queued", []).append(message)
    return message


@event.listens_for(TenantSession, "after_commit")
def _hand_over_after_commit(session: TenantSession) -> None:
    queued = session.info.pop("outbox_queued", None)
    dispatch = session.info.get("mail_dispatch")
    if not queued or dispatch is None or session.tenant_id is None:
        return
    dispatch(session.tenant_id, [message.id for message in queued])


@event.listens_for(TenantSession, "after_rollback")
def _forget_after_rollback(session: TenantSession) -> None:
    session.info.pop("outbox_queued", None)


class Mailer:
    """Sends messages over SMTP; without a host configured, messages wait in the outbox."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        starttls: bool = False,
        user: str = "",
        password: str = "",
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.user, self.password = starttls, user, password

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def domain(self) -> str:
        return parseaddr(self.sender)[1].rpartition("@")[2] or "opvangplein.localhost"

    def compose(self, message: OutboxMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=True)
        # Derived from the row, never random: a message sent twice after a crash is one message
        # to the recipient's mail program, which can drop the copy.
        email["Message-ID"] = stable_message_id(message.id, self.domain)
        email.set_content(message.body)
        for attachment in message.attachments or ():
            maintype, _, subtype = attachment["content_type"].partition("/")
            email.add_attachment(
                base64.b64decode(attachment["data"]),
                maintype=maintype,
                subtype=subtype or "octet-stream",
                filename=attachment["filename"],
            )
        # After set_content, which replaces every Content-* header.
        email["Content-Language"] = "nl-BE" if message.language == "nl" else message.language
        return email

    def send(self, message: OutboxMessage) -> None:
        email = self.compose(message)
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(email)


def stable_message_id(message_id: uuid.UUID, domain: str) -> str:
    return f"<{message_id}@{domain}>"


def backoff(attempts: int, base_seconds: int = DEFAULT_RETRY_SECONDS) -> timedelta:
    """1, 2, 4, … times the base after each failed attempt, at most a day."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), 24 * 3600))


def _claimable(now: datetime):
    """Due pending messages, and messages whose worker's claim lapsed (it died mid-send)."""
    return or_(
        sa.and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == SENDING, OutboxMessage.lease_until < now),
    )


def claim(
    session, now: datetime, *, lease_seconds: int, message_id: uuid.UUID | None = None
) -> OutboxMessage | None:
    """Take one due message for this worker, or None when none is left to take.

    On PostgreSQL the candidate row is locked with ``SKIP LOCKED``, so two workers never wait on
    each other and never pick the same row. Everywhere the update repeats the condition: it
    changes the row only if it is still claimable, so exactly one claimer wins; the loser
    looks for the next candidate.
    """
    for _ in range(CLAIM_TRIES):
        outcome = _try_claim(session, now, lease_seconds, message_id)
        if outcome is not _CONTENDED:
            return outcome
    return None


CLAIM_TRIES = 20
_CONTENDED = object()


def _try_claim(session, now, lease_seconds, message_id):
    candidates = select(OutboxMessage.id).where(_claimable(now))
    if message_id is not None:
        candidates = candidates.where(OutboxMessage.id == message_id)
    candidates = candidates.order_by(OutboxMessage.created_at).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    try:
        chosen = session.exec(candidates).first()
        if chosen is None:
            session.rollback()
            return None
        taken = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == chosen, _claimable(now))
            .values(
                status=SENDING,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=OutboxMessage.attempts + 1,
            )
        )
        if taken.rowcount != 1:
            session.rollback()
            return _CONTENDED
        session.commit()
    except sa.exc.OperationalError:
        # SQLite: another worker wrote since this one read ("database is locked").
        session.rollback()
        return _CONTENDED
    return session.get(OutboxMessage, chosen, populate_existing=True)


def _send_claimed(
    session, mailer: Mailer, message: OutboxMessage, now: datetime, retry_seconds: int
) -> bool:
    try:
        mailer.send(message)
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        message.lease_until = None
        if message.attempts >= MAX_ATTEMPTS:
            message.status = FAILED
        else:
            message.status = PENDING
            message.next_attempt_at = now + backoff(message.attempts, retry_seconds)
        logger.warning(
            "mail %s (%s) to tenant %s not delivered, attempt %d of %d%s: %s [queued by request %s]",
            message.id,
            message.purpose or "-",
            message.tenant_id,
            message.attempts,
            MAX_ATTEMPTS,
            ", now a dead letter" if message.status == FAILED else "",
            message.last_error,
            message.request_id or "-",
        )
        delivered = False
    else:
        message.status, message.sent_at, message.last_error = SENT, now, ""
        message.lease_until = None
        delivered = True
    session.add(message)
    session.commit()
    return delivered


def deliver_message(
    database,
    mailer: Mailer,
    tenant_id: uuid.UUID,
    message_id: uuid.UUID,
    *,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    retry_seconds: int = DEFAULT_RETRY_SECONDS,
) -> bool | None:
    """Send one message if it is due and nobody else holds it; None when there was nothing to do."""
    if not mailer.configured:
        return None
    now = utcnow()
    with database.tenant_session(tenant_id) as session:
        message = claim(session, now, lease_seconds=lease_seconds, message_id=message_id)
        if message is None:
            return None
        return _send_claimed(session, mailer, message, now, retry_seconds)


def deliver_pending(
    database,
    mailer: Mailer,
    tenant_id: uuid.UUID,
    now: datetime | None = None,
    *,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    retry_seconds: int = DEFAULT_RETRY_SECONDS,
    limit: int = 500,
) -> tuple[int, int]:
    """Send the tenant's due messages one claim at a time; returns (sent, failed)."""
    if not mailer.configured:
        return (0, 0)
    sent = failed = 0
    with database.tenant_session(tenant_id) as session:
        for _ in range(limit):
            moment = now or utcnow()
            message = claim(session, moment, lease_seconds=lease_seconds)
            if message is None:
                break
            if _send_claimed(session, mailer, message, moment, retry_seconds):
                sent += 1
            else:
                failed += 1
    return sent, failed


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_pending_at: datetime | None
    dead_letters: int


def backlog(session) -> Backlog:
    """The session's view of the outbox (a tenant's, or every tenant's in a platform session)."""
    waiting = OutboxMessage.status.in_((PENDING, SENDING))
    pending, oldest = session.exec(
        select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(waiting)
    ).one()
    dead = session.exec(select(sa.func.count()).where(OutboxMessage.status == FAILED)).one()
    return Backlog(pending=pending, oldest_pending_at=oldest, dead_letters=dead)


def retry_dead_letter(session, message_id: uuid.UUID) -> OutboxMessage | None:
    """Give a dead letter a fresh round of attempts (the tenant admin fixed the address or the
    relay); the worker picks it up on its next pass."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.status != FAILED:
        return None
    message.status, message.attempts, message.next_attempt_at = PENDING, 0, utcnow()
    session.add(message)
    session.info.setdefault("outbox_queued", []).append(message)
    return message


def purge_old_messages(session, *, older_than_days: int, now: datetime) -> int:
    """Delete sent messages and dead letters older than the tenant's retention: they hold
    personal data (names, requests) that served its purpose once delivered or given up."""
    cutoff = now - timedelta(days=older_than_days)
    result = session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.status.in_((SENT, FAILED)), OutboxMessage.created_at < cutoff
        )
    )
    return result.rowcount or 0


def erase_mail_to(session, address: str) -> int:
    """GDPR erasure: every message of this tenant to ``address``, whatever its state."""
    result = session.execute(
        sa.delete(OutboxMessage).where(
            sa.func.lower(OutboxMessage.to_address) == address.strip().lower()
        )
    )
    return result.rowcount or 0
