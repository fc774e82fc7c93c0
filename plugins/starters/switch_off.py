"""What a municipality loses when it switches starters off: said before the admin confirms."""

from __future__ import annotations

from flask_babel import ngettext
from sqlmodel import func, select

from plugins.starters.models import Application, Building, RequestedMeasure
from plugins.starters.services import ApplicationStatus, PaymentStatus

UNDER_REVIEW = [str(ApplicationStatus.SUBMITTED), str(ApplicationStatus.INFORMATION_REQUESTED)]


def switch_off_warnings(session) -> list[str]:
    """Applications under review, premiums awaiting payment, buildings on offer; zeros left out."""
    under_review = session.exec(
        select(func.count()).select_from(Application).where(Application.status.in_(UNDER_REVIEW))
    ).one()
    payments = session.exec(
        select(func.count())
        .select_from(RequestedMeasure)
        .where(RequestedMeasure.payment_status == str(PaymentStatus.REQUESTED))
    ).one()
    buildings = session.exec(
        select(func.count()).select_from(Building).where(Building.status == "available")
    ).one()
    warnings = []
    if under_review:
        warnings.append(
            ngettext(
                "%(num)d application under review can no longer be decided; the starter's "
                "link to their file will answer 404.",
                "%(num)d applications under review can no longer be decided; starters' links "
                "to their files will answer 404.",
                under_review,
            )
        )
    if payments:
        warnings.append(
            ngettext(
                "%(num)d premium requested for payment can no longer be marked paid here.",
                "%(num)d premiums requested for payment can no longer be marked paid here.",
                payments,
            )
        )
    if buildings:
        warnings.append(
            ngettext(
                "%(num)d available building disappears from the starters' catalogue.",
                "%(num)d available buildings disappear from the starters' catalogue.",
                buildings,
            )
        )
    return warnings
