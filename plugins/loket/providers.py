"""Provider organisations a location can be linked to: those the tenant lets work in the loket.

An organisation is global (it may serve several municipalities); the tenant's grant
(``OrganisationGrant`` with the ``loket`` module) is what lets its members report free places
and answer proposals here. Linking a location to any other organisation would leave nobody
able to act for it, so staff choose among these only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import select

from core.identity.models import Organisation, OrganisationGrant


@dataclass(frozen=True)
class ProviderOrganisation:
    id: uuid.UUID
    slug: str
    name: str


def provider_organisations(session) -> list[ProviderOrganisation]:
    """The organisations granted the loket module at the session's tenant, by name."""
    rows = session.exec(
        select(Organisation, OrganisationGrant).join(
            OrganisationGrant, OrganisationGrant.organisation_id == Organisation.id
        )
    ).all()
    found = [
        ProviderOrganisation(id=organisation.id, slug=organisation.slug, name=organisation.name)
        for organisation, grant in rows
        if "loket" in (grant.modules or ())
    ]
    return sorted(found, key=lambda organisation: organisation.name.lower())


def find_provider(
    organisations: list[ProviderOrganisation], text: str
) -> ProviderOrganisation | None:
    """The organisation a CSV cell names, by its short name (slug) or its full name."""
    wanted = " ".join(text.lower().split())
    for organisation in organisations:
        if wanted in (organisation.slug.lower(), " ".join(organisation.name.lower().split())):
            return organisation
    return None
