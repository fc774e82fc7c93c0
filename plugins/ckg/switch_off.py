"""What a municipality loses when it switches the CKG module off: said before the admin confirms."""

from __future__ import annotations

from flask_babel import ngettext
from sqlmodel import func, select

from plugins.ckg.models import Referral
from plugins.ckg.services import ReferralStatus, Urgency

# A referral still on its way: sent and not closed (a draft was never sent).
OPEN = [
    status
    for status in ReferralStatus
    if status not in (ReferralStatus.DRAFT, ReferralStatus.CLOSED)
]


def switch_off_warnings(session) -> list[str]:
    """Open referrals and crises not yet received; zero counts are left out."""
    open_referrals = session.exec(
        select(func.count())
        .select_from(Referral)
        .where(Referral.status.in_([str(status) for status in OPEN]))
    ).one()
    waiting_crises = session.exec(
        select(func.count())
        .select_from(Referral)
        .where(
            Referral.status == str(ReferralStatus.SUBMITTED),
            Referral.urgency == str(Urgency.CRISIS),
        )
    ).one()
    warnings = []
    if open_referrals:
        warnings.append(
            ngettext(
                "%(num)d open referral can no longer be received or followed up; the "
                "referrer's and the family's links to it will answer 404.",
                "%(num)d open referrals can no longer be received or followed up; referrers' "
                "and families' links to them will answer 404.",
                open_referrals,
            )
        )
    if waiting_crises:
        warnings.append(
            ngettext(
                "%(num)d crisis referral not yet received is no longer escalated to the CKG's "
                "on-call service.",
                "%(num)d crisis referrals not yet received are no longer escalated to the CKG's "
                "on-call service.",
                waiting_crises,
            )
        )
    return warnings
