"""E-mail to parents and providers at each step, each in their own language, through the outbox."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from core.identity.models import OrganisationMember, User
from core.mail import queue_mail
from plugins.loket.models import ChildcareRequest, InfoRegistration, InfoSession, Location


def provider_emails(session, location: Location) -> list[tuple[str, str]]:
    """(e-mail address, interface language) of each member of the location's provider."""
    if location.provider_organisation_id is None:
        return []
    rows = session.exec(
        select(User.email, User.language)
        .join(OrganisationMember, OrganisationMember.user_id == User.id)
        .where(OrganisationMember.organisation_id == location.provider_organisation_id)
    )
    return [(email, language) for email, language in rows if email and "@" in email]


def _language(request: ChildcareRequest) -> str:
    # The platform speaks Dutch and English; other home languages get Dutch.
    return "en" if request.language == "en" else "nl"


def _to_parent(session, request: ChildcareRequest, purpose: str, subject: str, body: str) -> None:
    if request.parent_email and "@" in request.parent_email:
        queue_mail(
            session,
            to=request.parent_email,
            subject=subject,
            body=body,
            purpose=purpose,
            language=_language(request),
        )


def request_received(session, request: ChildcareRequest) -> None:
    with force_locale(_language(request)):
        _to_parent(
            session,
            request,
            "loket.request_received",
            _("Your childcare request for %(child)s", child=request.child_first_name),
            _(
                "We received your childcare request for %(child)s. We let you know as soon as "
                "a place is proposed.",
                child=request.child_first_name,
            ),
        )


def place_proposed_to_provider(
    session, location: Location, recipients: list[tuple[str, str]]
) -> None:
    for email, language in recipients:
        language = "en" if language == "en" else "nl"
        with force_locale(language):
            queue_mail(
                session,
                to=email,
                subject=_("New proposal for %(location)s", location=location.name),
                body=_(
                    "The local childcare counter proposes a child for a free place at "
                    "%(location)s. Please confirm or reject the proposal.",
                    location=location.name,
                ),
                purpose="loket.proposal_to_provider",
                language=language,
            )


def place_offered_to_parent(session, request: ChildcareRequest, location: Location) -> None:
    with force_locale(_language(request)):
        _to_parent(
            session,
            request,
            "loket.place_offered",
            _("A place for %(child)s", child=request.child_first_name),
            _(
                "%(location)s has a place for %(child)s. Accept or decline it on the website "
                "within seven days.",
                location=location.name,
                child=request.child_first_name,
            ),
        )


def proposal_answered(
    session, request: ChildcareRequest, location: Location, *, accepted: bool
) -> None:
    with force_locale(_language(request)):
        if accepted:
            subject = _("%(child)s has a place", child=request.child_first_name)
            body = _(
                "You accepted the place at %(location)s. The provider contacts you.",
                location=location.name,
            )
        else:
            subject = _("Your childcare request for %(child)s", child=request.child_first_name)
            body = _(
                "The place at %(location)s did not work out. Your request stays open for the "
                "next round.",
                location=location.name,
            )
        _to_parent(session, request, "loket.proposal_answered", subject, body)


def proof_requested(session, request: ChildcareRequest) -> None:
    with force_locale(_language(request)):
        _to_parent(
            session,
            request,
            "loket.proof_requested",
            _("Proof for the request for %(child)s", child=request.child_first_name),
            _(
                "The local childcare counter asks you for proof of the family situation you "
                "declared for %(child)s (for example a work certificate or an income statement). "
                "Send it by reply or bring it to the counter.",
                child=request.child_first_name,
            ),
        )


def proposal_expired(session, request: ChildcareRequest, location: Location) -> None:
    with force_locale(_language(request)):
        _to_parent(
            session,
            request,
            "loket.proposal_expired",
            _("The proposed place for %(child)s has expired", child=request.child_first_name),
            _(
                "You did not answer the proposal of %(location)s in time, so the place goes to "
                "another family. Your request stays open for your other choices.",
                location=location.name,
            ),
        )


def info_session_registered(session, info_session: InfoSession, registration) -> None:
    if registration.status == "waiting":
        subject = _("You are on the waiting list for %(title)s", title=info_session.title)
        body = _("The session is full. We write to you as soon as a seat frees up.")
    else:
        subject = _("You are registered for %(title)s", title=info_session.title)
        body = _(
            "See you on %(when)s at %(place)s.",
            when=info_session.starts_at.strftime("%d/%m/%Y %H:%M"),
            place=info_session.place or _("online"),
        )
    queue_mail(
        session, to=registration.email, subject=subject, body=body, purpose="loket.info_session"
    )


def info_session_already_registered(session, info_session: InfoSession, email: str) -> None:
    """Someone registered an address that already has a seat or a waiting-list place."""
    queue_mail(
        session,
        to=email.strip(),
        subject=_("You were already registered for %(title)s", title=info_session.title),
        body=_(
            "Someone registered this e-mail address again for %(title)s. Your registration"
            " stays as it was; nothing changed.",
            title=info_session.title,
        ),
        purpose="loket.info_session",
    )


def info_session_reminder(
    session, info_session: InfoSession, registration: InfoRegistration
) -> None:
    queue_mail(
        session,
        to=registration.email,
        subject=_("Reminder: %(title)s", title=info_session.title),
        body=_(
            "The info session starts on %(when)s at %(place)s.",
            when=info_session.starts_at.strftime("%d/%m/%Y %H:%M"),
            place=info_session.place or _("online"),
        ),
        purpose="loket.info_session_reminder",
    )
