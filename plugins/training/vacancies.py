"""The job match: childcare providers publish vacancies, graduates and candidates see the open
ones on their path page, and staff record a hire, which makes the candidate employed.

A *provider* here is a member of an organisation of kind ``provider`` that the tenant granted
the training or the loket module.
"""

from __future__ import annotations

import uuid

from flask import g
from sqlmodel import select

from core.db import utcnow
from plugins.training.models import Vacancy

PROVIDER_MODULES = ("training", "loket")


def provider_organisations() -> list:
    return [
        organisation
        for organisation in g.get("organisations", ())
        if organisation.kind == "provider"
        and any(module in organisation.modules for module in PROVIDER_MODULES)
    ]


def open_vacancies(session) -> list[Vacancy]:
    return list(
        session.exec(select(Vacancy).where(Vacancy.closed_at.is_(None)).order_by(Vacancy.starts_on))
    )


def vacancies_of(session, organisation_ids: set[uuid.UUID]) -> list[Vacancy]:
    if not organisation_ids:
        return []
    return list(
        session.exec(
            select(Vacancy)
            .where(Vacancy.organisation_id.in_(organisation_ids))
            .order_by(Vacancy.created_at.desc())
        )
    )


def close(session, vacancy: Vacancy) -> None:
    vacancy.closed_at = vacancy.closed_at or utcnow()
    session.add(vacancy)
    session.flush()


def organisation_name(session, organisation_id: uuid.UUID) -> str:
    from core.identity.models import Organisation

    organisation = session.get(Organisation, organisation_id)
    return organisation.name if organisation else ""
