"""What the other municipality is told about a regional agreement: invited, accepted, declined,
withdrawn or ended.

Each mail is queued in a session scoped to the *receiving* tenant (the same crossing as
:func:`plugins.networks.regional.read_shared`): its admins' addresses are read and the message is
stored there, in its own outbox, and none of it comes back to the sender — only how many were
told. (Not :meth:`~core.db.Database.platform_session`: a session that sees every tenant is more
than this needs, and its mail would not be handed to the worker on commit.)
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.confirmations import normalise, verified_email
from core.identity.models import Membership, User
from core.mail import queue_mail
from core.models import Tenant
from core.web import external_url
from plugins.networks.models import RegionalPartnership


class News(StrEnum):
    INVITED = "invitation"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


def announce(
    database,
    partnership: RegionalPartnership,
    news: News,
    *,
    to_tenant_id: uuid.UUID,
    sender: str,
    network_name: str = "",
    message: str = "",
) -> int:
    """Tell ``to_tenant_id``'s administrators ``news`` from municipality ``sender`` (after the
    change was committed); ``network_name`` is the sender's network in the agreement."""
    with database.tenant_session(to_tenant_id) as receiving:
        tenant = receiving.get(Tenant, to_tenant_id)
        if tenant is None:
            return 0
        link = external_url(tenant, "networks.regional_admin")
        recipients = tenant_admin_recipients(receiving, tenant)
        for address, language in recipients:
            with force_locale(language):
                subject, body = _wording(news, sender, tenant.name, network_name, message)
                body += "\n\n" + _("Your regional page: %(link)s", link=link)
            queue_mail(
                receiving,
                to=address,
                subject=subject,
                body=body,
                purpose=f"networks.regional_{news.value}",
                language=language,
            )
        audit.record(
            receiving,
            action=f"networks.regional_{news.value}_mailed",
            object_type="networks_partnership",
            object_id=partnership.id,
            detail={"recipients": len(recipients)},
            actor="system:networks",
        )
    return len(recipients)


def _wording(news: News, sender: str, receiver: str, network: str, message: str):
    names = {"municipality": sender, "invited": receiver, "network": network}
    if news is News.INVITED:
        body = _(
            "%(municipality)s invites %(invited)s to share its regional network"
            " “%(network)s”: while both municipalities agree, the people of each side's"
            " network read the other side's meetings and actions.",
            **names,
        )
        if message:
            body += "\n\n" + _("Their message:") + "\n" + message
        body += "\n\n" + _("Accept it or leave it on your regional page.")
        return _("%(municipality)s invites you to a regional cooperation", **names), body
    if news is News.ACCEPTED:
        return _("%(municipality)s accepts your regional cooperation", **names), _(
            "%(municipality)s accepted your invitation and shares its regional network"
            " “%(network)s”: from now on the people of each side's network read the other"
            " side's meetings and actions.",
            **names,
        )
    if news is News.DECLINED:
        return _("%(municipality)s declines your invitation to a regional cooperation", **names), _(
            "%(municipality)s does not take up your invitation: nothing is shared between"
            " the two municipalities.",
            **names,
        )
    if news is News.WITHDRAWN:
        return _("%(municipality)s withdraws its invitation to a regional cooperation", **names), _(
            "%(municipality)s withdrew its invitation to share its regional network"
            " “%(network)s”: nothing is shared between the two municipalities.",
            **names,
        )
    return _("%(municipality)s ends the regional cooperation", **names), _(
        "%(municipality)s ended the regional cooperation around “%(network)s”: from now on"
        " neither side reads the other side's meetings and actions.",
        **names,
    )


def tenant_admin_recipients(session, tenant: Tenant) -> list[tuple[str, str]]:
    """(address, language) of the tenant's administrators with a proven address, and the
    municipality's contact address (in Dutch); each address once."""
    found: dict[str, str] = {}
    rows = session.exec(select(Membership, User).join(User, User.id == Membership.user_id)).all()
    for membership, user in rows:
        roles = set(membership.roles) | set(membership.claim_roles)
        address = verified_email(user)
        if "tenant_admin" in roles and address:
            found.setdefault(address, user.language or "nl")
    contact = normalise(tenant.contact_email)
    if "@" in contact:
        found.setdefault(contact, "nl")
    return sorted(found.items())
