"""Privacy and monitoring across plugins: one call gathers what every enabled plugin holds."""

from __future__ import annotations

from flask import current_app

from core import audit
from core.mail import erase_mail_to
from core.models import Tenant
from core.plugin_types import DataSubject, ErasureHold, Figure, SubjectRequester
from core.tenancy import enabled_plugins


def _hooks(session):
    return current_app.extensions["opvangplein.plugins"].for_plugins(enabled_plugins(session))


def subject_for_email(session, email: str) -> DataSubject:
    """The person behind ``email`` at the session's tenant: with their account when a member has
    that address, so modules that link rows to the account rather than the address find them.
    Only an account whose address is proven counts: anyone can claim an address unverified."""
    from sqlmodel import select

    from core.identity.models import Membership, User

    user_id = session.exec(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(User.email == email, User.email_verified_via != "")
        .limit(1)
    ).first()
    return DataSubject(user_id=user_id, email=email)


def export_subject(
    session,
    tenant: Tenant,
    subject: DataSubject,
    *,
    requester: SubjectRequester = SubjectRequester.TENANT_ADMIN,
) -> list[dict]:
    """What the enabled plugins hold about ``subject`` for ``requester`` (GDPR art. 15), audited.

    ``requester`` defaults to an administrator, so a caller that does not say who asks gets the
    narrower export, never the person's own.
    """
    requester = SubjectRequester(requester)
    parts = [
        part
        for part in _hooks(session).export_subject_data(
            tenant=tenant, subject=subject, session=session, requester=requester
        )
        if part
    ]
    audit.record(
        session,
        action="subject.exported",
        object_type="subject",
        object_id=subject.user_id or "",
        detail={"requester": str(requester)},
    )
    return parts


def erase_subject(session, tenant: Tenant, subject: DataSubject) -> int:
    """Erase or anonymise ``subject`` in every enabled plugin (GDPR art. 17), audited."""
    counts = _hooks(session).erase_subject_data(tenant=tenant, subject=subject, session=session)
    total = sum(count or 0 for count in counts)
    if subject.email:
        total += erase_mail_to(session, subject.email)
    audit.record(
        session,
        action="subject.erased",
        object_type="subject",
        object_id=subject.user_id or "",
        detail={"rows": total},
    )
    return total


def monitoring_figures(session, tenant: Tenant) -> list[Figure]:
    return [
        figure
        for figures in _hooks(session).monitoring_figures(tenant=tenant, session=session)
        for figure in figures or ()
    ]


def erasure_holds(session, tenant: Tenant, subject: DataSubject) -> list[ErasureHold]:
    """The erasures the enabled plugins hold for ``subject``, with why, oldest first."""
    holds = [
        hold
        for answer in _hooks(session).erasure_holds(tenant=tenant, subject=subject, session=session)
        for hold in answer or ()
        if isinstance(hold, ErasureHold)
    ]
    return sorted(holds, key=lambda hold: hold.since)
