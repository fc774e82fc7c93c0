"""Company places: an employee claims a place their company reserved in a facility.

What proves employment: an e-mail address **the employee proved** (their sign-in provider
vouched for it, or they followed the platform's confirmation link,
:func:`core.identity.confirmations.verified_email`) on one of the domains the municipality
recorded with the agreement (``acme.be``; exactly, so ``hr.acme.be`` and ``acme.be.example``
do not count). A typed address proves nothing. The company hears of every claim at its contact
address, so a claim that should not be there is seen by the one who knows its staff.

Plain Python over a tenant session; the hooks and views call it.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from datetime import date

from sqlmodel import select

from core.identity.confirmations import verified_email
from plugins.starters.models import CompanyAgreement, CompanyPlaceClaim


def normalised_domains(text: str) -> list[str]:
    """The domains typed in a form (comma, space or line separated), lower case, no ``@``."""
    found = []
    for part in text.replace(",", " ").split():
        domain = part.strip().lstrip("@").strip(".").lower()
        if domain and domain not in found:
            found.append(domain)
    return found


# Public mail providers: anyone gets an address there, so it proves no employment.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.be",
        "outlook.com",
        "outlook.be",
        "live.com",
        "live.be",
        "msn.com",
        "yahoo.com",
        "yahoo.be",
        "icloud.com",
        "me.com",
        "telenet.be",
        "skynet.be",
        "proximus.be",
        "scarlet.be",
        "gmx.com",
        "proton.me",
        "protonmail.com",
    }
)
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def is_company_domain(domain: str) -> bool:
    """A well-formed domain with at least two labels that is no public mail provider."""
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and domain not in PUBLIC_MAIL_DOMAINS
    )


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] if "@" in address else ""


def is_current(agreement: CompanyAgreement, today: date) -> bool:
    return agreement.starts_on <= today and (
        agreement.ends_on is None or agreement.ends_on >= today
    )


def proves_employment(user, agreement: CompanyAgreement) -> bool:
    """Whether ``user`` proved an address on one of the company's domains."""
    domain = domain_of(verified_email(user))
    return bool(domain) and domain in {d.lower() for d in agreement.email_domains or ()}


def agreements_for_employee(session, user, today: date) -> list[CompanyAgreement]:
    """Current agreements at a loket location whose company ``user`` proved to work for."""
    if not verified_email(user):
        return []
    rows = session.exec(
        select(CompanyAgreement)
        .where(CompanyAgreement.location_id.is_not(None))
        .order_by(CompanyAgreement.starts_on, CompanyAgreement.id)
    )
    return [row for row in rows if is_current(row, today) and proves_employment(user, row)]


class ClaimRefused(Exception):
    """The claim cannot be recorded; ``str(error)`` says why, for the parent."""


def claim(
    session, user, reference: str, request_id: uuid.UUID, today: date
) -> tuple[CompanyPlaceClaim, bool]:
    """Record ``user``'s claim for loket request ``request_id``; returns (claim, new).

    Refuses an unknown, ended or unprovable agreement alike (:class:`ClaimRefused`), so a guessed
    reference teaches nothing."""
    agreement = None
    with contextlib.suppress(ValueError):
        agreement = session.get(CompanyAgreement, uuid.UUID(str(reference)))
    if (
        agreement is None
        or agreement.location_id is None
        or not is_current(agreement, today)
        or not proves_employment(user, agreement)
    ):
        raise ClaimRefused
    existing = session.exec(
        select(CompanyPlaceClaim).where(
            CompanyPlaceClaim.agreement_id == agreement.id,
            CompanyPlaceClaim.request_id == request_id,
        )
    ).first()
    if existing is not None:
        return existing, False
    row = CompanyPlaceClaim(
        agreement_id=agreement.id,
        request_id=request_id,
        user_id=user.id,
        employee_name=user.name or "",
        employee_email=verified_email(user),
    )
    session.add(row)
    session.flush()
    return row, True


def claims_by_agreement(session) -> dict[uuid.UUID, list[CompanyPlaceClaim]]:
    """Every claim, per agreement, earliest first."""
    found: dict[uuid.UUID, list[CompanyPlaceClaim]] = {}
    for row in session.exec(
        select(CompanyPlaceClaim).order_by(CompanyPlaceClaim.created_at, CompanyPlaceClaim.id)
    ):
        found.setdefault(row.agreement_id, []).append(row)
    return found


def claims_at_location(session, location_id: uuid.UUID | None) -> list[tuple]:
    """(agreement, claims) for the agreements at one loket location: what its starter sees."""
    if location_id is None:
        return []
    claims = claims_by_agreement(session)
    agreements = session.exec(
        select(CompanyAgreement)
        .where(CompanyAgreement.location_id == location_id)
        .order_by(CompanyAgreement.starts_on)
    )
    return [(agreement, claims.get(agreement.id, [])) for agreement in agreements]
