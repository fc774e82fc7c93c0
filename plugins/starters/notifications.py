"""Mail between the municipality and a starter about an application (through the outbox).

Each mail is written in its recipient's language (their account's; Dutch otherwise) and links
straight to the application's page, where the recipient answers or reads the decision.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from core.identity.confirmations import verified_email
from core.identity.models import User
from core.mail import queue_mail
from core.web import external_url
from plugins.starters.models import Application, InformationRequest


def _language_of(session, user_id) -> str:
    user = session.get(User, user_id) if user_id else None
    return (user.language if user else "") or "nl"


def _application_link(tenant, application: Application) -> str:
    return external_url(tenant, "starters.application_detail", application_id=application.id)


def _to_starter(
    session, tenant, application: Application, write, purpose: str, attachments: tuple = ()
) -> str:
    """Queue ``write(link) -> (subject, body)`` to the starter; returns the subject ("" if no
    address), in the language the view reads, for the application's timeline."""
    if not application.applicant_email:
        return ""
    language = _language_of(session, application.applicant_user_id)
    link = _application_link(tenant, application)
    with force_locale(language):
        subject, body = write(link)
    queue_mail(
        session,
        to=application.applicant_email,
        subject=subject,
        body=body,
        purpose=purpose,
        language=language,
        attachments=attachments,
    )
    return subject


def question_asked(session, tenant, application: Application, question: str) -> str:
    def write(link):
        return (
            _("%(tenant)s asks for more information about your application", tenant=tenant.name),
            _(
                "The municipality asks:\n\n%(question)s\n\nAnswer on %(link)s",
                question=question,
                link=link,
            ),
        )

    return _to_starter(session, tenant, application, write, "starters.information_requested")


def application_decided(session, tenant, application: Application, attachments: tuple = ()) -> str:
    """The decision, with the decision letter attached (``attachments``) when there is one."""

    def write(link):
        body = _(
            "Every measure you asked for was decided. Read the decision on %(link)s", link=link
        )
        if attachments:
            body += "\n\n" + _(
                "The decision letter is attached; it states the motivation and how you can "
                "object to the decision."
            )
        return (_("%(tenant)s decided on your application", tenant=tenant.name), body)

    return _to_starter(
        session, tenant, application, write, "starters.decided", attachments=attachments
    )


def question_answered(
    session, tenant, application: Application, asked: InformationRequest, contact_point: str
) -> str:
    """Tell the staff member who asked (at their proven address, in their language); when they
    have no account any more or no proven address, the module's contact point. Returns the
    address told, or ""."""
    asker = session.get(User, asked.asked_by_user_id) if asked.asked_by_user_id else None
    address, language = verified_email(asker), _language_of(session, asked.asked_by_user_id)
    if not address:
        address, language = contact_point.strip(), "nl"
    if "@" not in address:
        return ""
    link = _application_link(tenant, application)
    with force_locale(language):
        subject = _(
            "%(starter)s answered your question",
            starter=application.organisation_name or application.applicant_name or _("A starter"),
        )
        body = _(
            "You asked:\n\n%(question)s\n\nThe starter answered:\n\n%(answer)s\n\n"
            "Continue the review on %(link)s",
            question=asked.question,
            answer=asked.answer,
            link=link,
        )
    queue_mail(
        session,
        to=address,
        subject=subject,
        body=body,
        purpose="starters.information_given",
        language=language,
    )
    return address


def company_place_claimed(session, tenant, claim) -> str:
    """Tell the company (its contact address, in Dutch) who claimed one of its places: the
    company knows its staff and tells the municipality of a claim that should not be there.
    Returns the address told, or ""."""
    from plugins.starters.models import CompanyAgreement

    agreement = session.get(CompanyAgreement, claim.agreement_id)
    address = (agreement.contact_email if agreement else "").strip()
    if "@" not in address:
        return ""
    with force_locale("nl"):
        subject = _(
            "An employee asks for a place at %(facility)s", facility=agreement.facility_name
        )
        body = _(
            "%(name)s (%(email)s) asks for one of the places %(company)s reserved at "
            "%(facility)s, through the local childcare counter of %(tenant)s. Not your "
            "employee? Tell the municipality.",
            name=claim.employee_name or claim.employee_email,
            email=claim.employee_email,
            company=agreement.company,
            facility=agreement.facility_name,
            tenant=tenant.name,
        )
    queue_mail(
        session,
        to=address,
        subject=subject,
        body=body,
        purpose="starters.company_place_claimed",
        language="nl",
    )
    return address
