"""The family confirms the e-mail address a referrer typed, before it grants any reading.

A referrer may type a parent's address so that the parent can follow the referral. Anyone can
type anyone's address, so the address grants nothing until its owner opens the single-use link
mailed to it (core.identity.confirmations); the CKG worker sees whether that happened. The mail
names only the municipality and the CKG: no case content goes to an unconfirmed address.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _

from core.db import utcnow
from core.identity import confirmations
from core.identity.models import Organisation
from core.mail import queue_mail
from core.web import external_url
from plugins.ckg.models import Referral

PURPOSE = "ckg.family_email"


def ask_family_to_confirm(session, tenant, referral: Referral) -> bool:
    """Mail the typed family address a confirmation link, unless there is nothing to confirm."""
    if not referral.family_email or referral.family_email_confirmed_at is not None:
        return False
    _row, token = confirmations.issue(
        session,
        email=referral.family_email,
        purpose=PURPOSE,
        payload={"referral_id": str(referral.id)},
    )
    organisation = session.get(Organisation, referral.organisation_id)
    queue_mail(
        session,
        to=referral.family_email,
        subject=_("Follow your family's referral to %(ckg)s", ckg=organisation.name),
        body=_(
            "%(municipality)s referred your family to %(ckg)s and gave this e-mail address so"
            " that you can follow the referral.\n\nConfirm that this is your address (the link"
            " works once, for 48 hours):\n%(link)s\n\nThen sign in at %(municipality)s with this"
            " address. If you do not know what this is about, ignore this message.",
            municipality=tenant.name,
            ckg=organisation.name,
            link=external_url(tenant, "ckg.confirm_family_email", token=token),
        ),
        purpose="ckg.family_email_confirmation",
    )
    return True


def confirm(session, token: str, user=None) -> Referral | None:
    """Use the link: the referral's family address is confirmed (and proven for ``user`` if it
    is their address). ``None`` if the link is not usable or the address changed since."""
    row = confirmations.redeem(session, token, PURPOSE, used_by=user.id if user else None)
    if row is None:
        return None
    referral = session.get(Referral, uuid.UUID(row.payload["referral_id"]))
    if referral is None or referral.family_email.strip().lower() != row.email:
        return None
    referral.family_email_confirmed_at = utcnow()
    session.add(referral)
    if user is not None and confirmations.mark_proven_by_link(user, row.email):
        session.add(user)
    return referral


def is_live(session, token: str) -> bool:
    return confirmations.find_live(session, token, PURPOSE) is not None
