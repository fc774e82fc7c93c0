"""News on a referral for the people who wait for it: the referrer and the family.

When the CKG takes a step (received, intake planned, accepted, waiting list, redirected, in
progress, closed) or writes its message, the referrer and the family hear of it. The mail says
only that there is news, the new status and where to read it: the content stays behind a
sign-in, because e-mail is no place for a family's situation. Only proven addresses are used:
a user's verified address, or the family address once the family confirmed it.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from core.identity.models import User
from core.mail import queue_mail
from core.web import external_url
from plugins.ckg.models import Referral
from plugins.ckg.services import status_label
from plugins.ckg.store import reference


def recipients(session, referral: Referral) -> dict[str, str]:
    """Proven address → language, for the referrer and the family."""
    found: dict[str, str] = {}
    user_ids = [uid for uid in (referral.referrer_user_id, referral.family_user_id) if uid]
    if user_ids:
        for user in session.exec(select(User).where(User.id.in_(user_ids))).all():
            if user.email and user.email_verified_via:
                found.setdefault(user.email.strip().lower(), user.language or "nl")
    if referral.family_email and referral.family_email_confirmed_at is not None:
        found.setdefault(referral.family_email.strip().lower(), "nl")
    return found


def tell_about_news(session, tenant, referral: Referral, *, message: bool = False) -> int:
    """Queue one mail per recipient; ``message``: the CKG wrote to them, else the status moved."""
    link = external_url(tenant, "ckg.referral", referral_id=referral.id)
    queued = 0
    for address, language in recipients(session, referral).items():
        with force_locale(language):
            if message:
                subject = _("New message on referral %(reference)s", reference=reference(referral))
                news = _("The CKG wrote you a message about this referral.")
            else:
                subject = _(
                    "Referral %(reference)s: %(status)s",
                    reference=reference(referral),
                    status=status_label(referral.status),
                )
                news = _("Its status is now: %(status)s.", status=status_label(referral.status))
            body = _(
                "There is news on referral %(reference)s in %(tenant)s. %(news)s\n\n"
                "Read it after signing in: %(link)s\n\n"
                "This message contains no personal details on purpose.",
                reference=reference(referral),
                tenant=tenant.name,
                news=news,
                link=link,
            )
        queue_mail(
            session,
            to=address,
            subject=subject,
            body=body,
            purpose="ckg.message" if message else "ckg.status_news",
            language=language,
        )
        queued += 1
    return queued
