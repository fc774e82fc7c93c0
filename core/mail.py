"""E-mail through an outbox: queued in the caller's transaction, sent after commit, retried.

A plugin calls :func:`queue_mail` inside its unit of work. Nothing is sent if that work rolls
back; once it commits, the platform delivers the tenant's pending messages over SMTP. A failed
delivery stays in the outbox with a growing back-off; ``flask --app core mail deliver`` (cron)
retries. Messages are tenant rows like any other: one municipality never sees another's mail.
"""

from __future__ import annotations

import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, select

from core.db import TenantScoped, TenantSession, new_id, utcnow

MAX_ATTEMPTS = 8
SMTP_TIMEOUT_SECONDS = 10


class OutboxMessage(TenantScoped, table=True):
    __tablename__ = "outbox_message"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    purpose: str = Field(default="", max_length=100)
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    language: str = Field(default="nl", max_length=5)
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    sent_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str = Field(default="", max_length=500)


def queue_mail(
    session, *, to: str, subject: str, body: str, purpose: str = "", language: str = "nl"
) -> OutboxMessage:
    """Queue a message in the session's tenant; it is sent after the transaction commits."""
    if "@" not in to or "\n" in to or "\r" in to:
        raise ValueError(f"not an e-mail address: {to!r}")
    message = OutboxMessage(
        to_address=to.strip(),
        subject=subject.replace("\n", " ")[:300],
        body=body,
        purpose=purpose,
        language=language,
    )
    session.add(message)
    session.info["outbox_dirty"] = True
    return message


@event.listens_for(TenantSession, "after_commit")
def _deliver_after_commit(session: TenantSession) -> None:
    if not session.info.pop("outbox_dirty", False):
        return
    database = session.info.get("database")
    mailer = session.info.get("mailer")
    if database is None or mailer is None or session.tenant_id is None:
        return
    deliver_pending(database, mailer, session.tenant_id)


@event.listens_for(TenantSession, "after_rollback")
def _forget_after_rollback(session: TenantSession) -> None:
    session.info.pop("outbox_dirty", None)


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

    def send(self, message: OutboxMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=True)
        email["Message-ID"] = make_msgid(idstring=str(message.id), domain="opvangplein")
        email.set_content(message.body)
        # After set_content, which replaces every Content-* header.
        email["Content-Language"] = "nl-BE" if message.language == "nl" else message.language
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(email)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def deliver_pending(
    database, mailer: Mailer, tenant_id: uuid.UUID, now: datetime | None = None
) -> tuple[int, int]:
    """Send the tenant's due messages; returns (sent, failed)."""
    if not mailer.configured:
        return (0, 0)
    now = now or utcnow()
    sent = failed = 0
    with database.tenant_session(tenant_id) as session:
        due = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.created_at)
            .limit(100)
        ).all()
        for message in due:
            message.attempts += 1
            try:
                mailer.send(message)
            except (OSError, smtplib.SMTPException) as error:
                failed += 1
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                message.next_attempt_at = now + backoff(message.attempts)
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = "failed"
            else:
                sent += 1
                message.status, message.sent_at, message.last_error = "sent", now, ""
            session.add(message)
    return sent, failed
