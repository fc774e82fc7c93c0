"""Crisis escalation: a crisis referral nobody received in time is alerted again, wider.

The municipality's setting ``crisis_alert_minutes`` is the time a CKG has to receive a crisis
referral. Past it, the scheduled job ``ckg.escalate-crises`` (every minute) mails the antennas'
second on-call addresses, the first on-call addresses again and the municipality's contact, and
does so again every further interval until the referral is received (or closed). Each referral
remembers its escalations, so a run that comes twice within an interval sends nothing new.
Like the first alert, the mail names no one: it says where to look, behind a sign-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from core.db import as_utc
from core.mail import queue_mail
from core.web import external_url
from plugins.ckg.models import Referral
from plugins.ckg.services import ReferralStatus, Urgency
from plugins.ckg.store import antennas_of, ckg_settings, reference


def overdue_crises(session, now: datetime, interval: timedelta) -> list[Referral]:
    """Crisis referrals still waiting to be received whose next escalation is due."""
    waiting = session.exec(
        select(Referral).where(
            Referral.urgency == Urgency.CRISIS,
            Referral.status == ReferralStatus.SUBMITTED,
            Referral.submitted_at.is_not(None),
        )
    ).all()
    due = []
    for referral in waiting:
        last_alert = referral.crisis_escalated_at or referral.submitted_at
        if as_utc(last_alert) + interval <= now:
            due.append(referral)
    return due


def escalation_addresses(session, tenant, referral: Referral) -> list[str]:
    addresses = set()
    for antenna in antennas_of(session, {referral.organisation_id}):
        addresses |= {antenna.second_on_call_email.strip(), antenna.on_call_email.strip()}
    addresses.add((tenant.contact_email or "").strip())
    return sorted(address.lower() for address in addresses if address)


def escalate_crises(session, tenant, now: datetime) -> str:
    """The job: escalate every overdue crisis of this municipality once per interval."""
    minutes = ckg_settings(session)["crisis_alert_minutes"]
    referrals = overdue_crises(session, now, timedelta(minutes=minutes))
    for referral in referrals:
        referral.crisis_escalations += 1
        referral.crisis_escalated_at = now
        session.add(referral)
        waited = now - as_utc(referral.submitted_at)
        link = external_url(tenant, "ckg.referral", referral_id=referral.id)
        # Who is on call reads Dutch; the platform knows no language for a shared address.
        with force_locale("nl"):
            subject = _(
                "CRISIS not picked up (alert %(number)d): referral %(reference)s in %(tenant)s",
                number=referral.crisis_escalations + 1,
                reference=reference(referral),
                tenant=tenant.name,
            )
            body = _(
                "A crisis referral in %(tenant)s (reference %(reference)s) has waited "
                "%(minutes)d minutes and nobody has received it yet; it should have been "
                "picked up within %(limit)d minutes.\n\n"
                "Open it after signing in and mark it received: %(link)s\n\n"
                "You get this alert again every %(limit)d minutes until someone does.\n"
                "This message contains no personal details on purpose.",
                tenant=tenant.name,
                reference=reference(referral),
                minutes=int(waited.total_seconds() // 60),
                limit=minutes,
                link=link,
            )
        for address in escalation_addresses(session, tenant, referral):
            queue_mail(
                session, to=address, subject=subject, body=body, purpose="ckg.crisis_escalation"
            )
    return f"{len(referrals)} crisis referrals escalated"
