"""E-mail about a referral to the people who follow it: the referrer, the family, the CKG.

A mail about a family's referral says only *that* there is news, on which reference, and where
to read it (a direct link that needs a sign-in): e-mail is not a safe place for child-welfare
details, so names, concerns, reasons and message texts stay behind the sign-in. Each mail is in
its recipient's language (their account's, else Dutch). What goes out when is in the README.

The family is mailed only when the parents consented to the referral and the module has an
address for them that is theirs: the account of the parent who referred themselves, or the
address the referrer typed once the family confirmed it (family.py). A referral that went ahead
without consent (crisis or mandate override) is never announced to the family by mail.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from core.identity.confirmations import normalise, verified_email
from core.identity.models import Organisation, OrganisationMember, User
from core.mail import queue_mail
from core.web import external_url
from plugins.ckg.models import Referral, StatusChange
from plugins.ckg.services import Consent, ReferralStatus, status_label
from plugins.ckg.store import reference

SPOKEN = ("nl", "en")
Recipient = tuple[str, str]  # (address, language)


def _language(user: User | None) -> str:
    return user.language if user is not None and user.language in SPOKEN else "nl"


def _user_address(user: User | None) -> Recipient | None:
    # An address counts only once proven: an unproven one may be someone else's.
    address = verified_email(user)
    return (address, _language(user)) if address else None


def referral_link(tenant, referral: Referral) -> str:
    """The referral's page; each reader (referrer, family, CKG) sees their own view of it."""
    return external_url(tenant, "ckg.referral", referral_id=referral.id)


def referrer_recipient(session, referral: Referral) -> Recipient | None:
    if referral.referrer_user_id is None:
        return None
    return _user_address(session.get(User, referral.referrer_user_id))


def family_recipients(session, referral: Referral) -> list[Recipient]:
    """The family's own addresses, only with their consent (see the module docstring)."""
    if referral.consent != Consent.GIVEN:
        return []
    found: list[Recipient] = []
    if referral.family_user_id is not None:
        own = _user_address(session.get(User, referral.family_user_id))
        if own is not None:
            found.append(own)
    if referral.family_email and referral.family_email_confirmed_at is not None:
        address = normalise(referral.family_email)
        # A parent account proven to own the address says which language they read.
        accounts = session.exec(select(User).where(User.email.ilike(address))).all()
        owner = next((user for user in accounts if verified_email(user) == address), None)
        found.append((address, _language(owner)))
    return found


def ckg_recipients(session, referral: Referral) -> list[Recipient]:
    """The workers of the referral's CKG (members of that organisation) with an address."""
    users = session.exec(
        select(User)
        .join(OrganisationMember, OrganisationMember.user_id == User.id)
        .where(OrganisationMember.organisation_id == referral.organisation_id)
        .order_by(User.email)
    ).all()
    return [recipient for recipient in map(_user_address, users) if recipient is not None]


def _unique(recipients: list[Recipient | None]) -> list[Recipient]:
    """One mail per address (a parent who referred themselves is referrer and family)."""
    seen: dict[str, str] = {}
    for recipient in recipients:
        if recipient is not None and recipient[0] not in seen:
            seen[recipient[0]] = recipient[1]
    return list(seen.items())


def followers(session, referral: Referral) -> list[Recipient]:
    """Who hears what the CKG does: the referrer and (with consent) the family."""
    return _unique([referrer_recipient(session, referral), *family_recipients(session, referral)])


def _ckg_name(session, referral: Referral) -> str:
    organisation = session.get(Organisation, referral.organisation_id)
    return organisation.name if organisation else "CKG"


def _mail_each(session, recipients: list[Recipient], purpose: str, wording) -> int:
    """Queue ``wording()`` — its (subject, body), worded in each recipient's language — to every
    recipient; how many were told."""
    for address, language in recipients:
        with force_locale(language):
            subject, body = wording()
        queue_mail(
            session, to=address, subject=subject, body=body, purpose=purpose, language=language
        )
    return len(recipients)


def _values(tenant, referral: Referral) -> dict:
    return {
        "reference": reference(referral),
        "tenant": tenant.name,
        "link": referral_link(tenant, referral),
    }


def notify_step(session, tenant, referral: Referral, change: StatusChange) -> int:
    """The CKG moved the referral (received, intake planned, accepted, waitlisted, redirected,
    in progress, closed): the referrer and the family hear that there is news. The new status is
    named; everything else (dates, the service redirected to, the outcome) is on the page. The
    reason of a step is the CKG's own and never leaves it."""
    if change.to_status in (ReferralStatus.DRAFT, ReferralStatus.SUBMITTED):
        return 0
    values = {**_values(tenant, referral), "ckg": _ckg_name(session, referral)}

    def wording():
        return _("News on referral %(reference)s", **values), _(
            "There is news on referral %(reference)s to %(ckg)s in %(tenant)s. "
            "Its status is now: %(status)s.\n\nRead it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            status=status_label(change.to_status),
            **values,
        )

    return _mail_each(
        session, followers(session, referral), f"ckg.referral_{change.to_status}", wording
    )


def notify_message_from_ckg(session, tenant, referral: Referral) -> int:
    """The CKG wrote (or changed) its message: the referrer and the family may read it."""
    values = {**_values(tenant, referral), "ckg": _ckg_name(session, referral)}

    def wording():
        return _("New message on referral %(reference)s", **values), _(
            "%(ckg)s wrote a new message on referral %(reference)s in %(tenant)s."
            "\n\nRead it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            **values,
        )

    return _mail_each(session, followers(session, referral), "ckg.message_from_ckg", wording)


def notify_message_from_referrer(session, tenant, referral: Referral) -> int:
    """The referrer wrote (or changed) their message: the CKG's workers hear it."""
    values = _values(tenant, referral)

    def wording():
        return _("New message on referral %(reference)s", **values), _(
            "The referrer wrote a new message on referral %(reference)s in %(tenant)s."
            "\n\nRead it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            **values,
        )

    recipients = _unique(list(ckg_recipients(session, referral)))
    return _mail_each(session, recipients, "ckg.message_from_referrer", wording)


def notify_consent_changed(session, tenant, referral: Referral) -> int:
    """The family changed its consent: the CKG's workers hear that it did (not the detail)."""
    values = _values(tenant, referral)

    def wording():
        return _("The family changed its consent on referral %(reference)s", **values), _(
            "The family changed its consent on referral %(reference)s in %(tenant)s."
            "\n\nRead it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            **values,
        )

    recipients = _unique(list(ckg_recipients(session, referral)))
    return _mail_each(session, recipients, "ckg.consent_changed", wording)


def notify_handed_over(session, tenant, referral: Referral) -> int:
    """The case went to another CKG: the referrer and the family hear which CKG has it now, and
    the receiving CKG's workers that a case was handed to them (the sending CKG's workers no
    longer hear anything of it: ``ckg_recipients`` follows the referral's CKG)."""
    values = {**_values(tenant, referral), "ckg": _ckg_name(session, referral)}

    def to_followers():
        return _("News on referral %(reference)s", **values), _(
            "Referral %(reference)s in %(tenant)s is now handled by %(ckg)s."
            "\n\nRead it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            **values,
        )

    def to_ckg():
        return _("Referral %(reference)s was handed over to your CKG", **values), _(
            "Referral %(reference)s in %(tenant)s was handed over to %(ckg)s, with its history."
            "\n\nRead it after signing in: %(link)s\n\n"
            "This message contains no personal details on purpose.",
            **values,
        )

    told = _mail_each(session, followers(session, referral), "ckg.handed_over", to_followers)
    workers = _unique(list(ckg_recipients(session, referral)))
    return told + _mail_each(session, workers, "ckg.handed_over_to_ckg", to_ckg)
