"""E-mail to parents and providers at each step, through the outbox.

Every mail is written in its recipient's language and ends with a direct link to the page where
they act (:func:`core.web.external_url`, which also works in a scheduled job without a request).
A parent's language is the family's stored language when the platform speaks it, else the
parent's account language, else Dutch. The table of what goes out when is in the README.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from sqlmodel import select

from core.db import as_utc, utcnow
from core.identity.models import OrganisationMember, User
from core.mail import queue_mail
from core.web import external_url
from plugins.loket import words
from plugins.loket.models import (
    ChildcareRequest,
    FreePlace,
    InfoRegistration,
    InfoSession,
    Location,
    Proposal,
)

SPOKEN = ("nl", "en")


def _spoken(language: str | None) -> str | None:
    return language if language in SPOKEN else None


def provider_emails(session, location: Location) -> list[tuple[str, str]]:
    """(e-mail address, interface language) of each member of the location's provider."""
    if location.provider_organisation_id is None:
        return []
    rows = session.exec(
        select(User.email, User.language)
        .join(OrganisationMember, OrganisationMember.user_id == User.id)
        .where(OrganisationMember.organisation_id == location.provider_organisation_id)
    )
    return [
        (email, _spoken(language) or "nl") for email, language in rows if email and "@" in email
    ]


def parent_language(session, request: ChildcareRequest) -> str:
    """The family's language if the platform speaks it, else the parent account's, else Dutch."""
    if _spoken(request.language):
        return request.language
    if request.parent_user_id is not None:
        user = session.get(User, request.parent_user_id)
        if user is not None and _spoken(user.language):
            return user.language
    return "nl"


def request_link(tenant, request: ChildcareRequest) -> str:
    """The parent's requests page, at this request (where they answer a proposal)."""
    return f"{external_url(tenant, 'loket.my_requests')}#request-{request.id}"


def _with_link(body: str, link: str) -> str:
    return f"{body}\n\n{link}\n"


def _when(moment: datetime) -> str:
    return format_datetime(as_utc(moment), "dd/MM/yyyy HH:mm")


def _days(codes: list[str]) -> str:
    labels = words.labels()
    shown = []
    for code in codes:
        day, _sep, part = code.partition("-")
        shown.append(f"{labels['day'].get(day, day)} {labels['part'].get(part, part)}".strip())
    return ", ".join(shown) or "-"


def _to_parent(
    session, tenant, request: ChildcareRequest, purpose: str, subject: str, body: str
) -> None:
    # A request registered by phone or on paper may have no address: staff tell that family.
    if request.parent_email and "@" in request.parent_email:
        queue_mail(
            session,
            to=request.parent_email,
            subject=subject,
            body=_with_link(body, request_link(tenant, request)),
            purpose=purpose,
            language=parent_language(session, request),
        )


def request_received(session, tenant, request: ChildcareRequest) -> None:
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.request_received",
            _("Your childcare request for %(child)s", child=request.child_first_name),
            # The reference is the one the confirmation page shows, to quote on the phone.
            _("Your reference: %(reference)s.", reference=request.reference)
            + "\n\n"
            + _(
                "We received your childcare request for %(child)s. We let you know as soon as "
                "a place is proposed. Follow your request here:",
                child=request.child_first_name,
            ),
        )


# -- allocation ------------------------------------------------------------------------------


def _start(request: ChildcareRequest, free_place: FreePlace | None):
    """The first day the child can come: the desired start, or later when the place frees up."""
    dates = [d for d in (request.desired_start, free_place and free_place.available_from) if d]
    return max(dates) if dates else None


def _place_details(
    request: ChildcareRequest,
    location: Location,
    free_place: FreePlace | None,
    start: date | None = None,
):
    start = start or _start(request, free_place)
    address = ", ".join(
        part for part in (location.address, location.postcode, location.municipality) if part
    )
    labels = words.labels()
    contact = " · ".join(part for part in (location.contact_phone, location.contact_email) if part)
    lines = [
        _("Location: %(location)s", location=location.name),
        _("Address: %(address)s", address=address or "-"),
        _("Start date: %(date)s", date=format_date(start, "dd/MM/yyyy") if start else "-"),
        _("Days: %(days)s", days=_days(request.days)),
        _("Price: %(tariff)s", tariff=labels["tariff"].get(location.tariff, location.tariff)),
        _("Contact: %(contact)s", contact=contact or _("the local childcare counter")),
    ]
    # No map link here: the mail's one link is the family's own page, which has the map.
    return "\n".join(lines)


def place_proposed_to_parent(session, tenant, proposal: Proposal) -> None:
    """The allocation matched the family with a place; the provider confirms it first."""
    request = session.get(ChildcareRequest, proposal.request_id)
    location = session.get(Location, proposal.location_id)
    free_place = session.get(FreePlace, proposal.free_place_id)
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.round_placed",
            _("A place is proposed for %(child)s", child=request.child_first_name),
            _(
                "Good news: the allocation proposes a place for %(child)s (your choice "
                "%(rank)d).\n\n%(details)s\n\nThe provider confirms the place first; then we "
                "write to you again and you have %(days)d days to accept or decline it on the "
                "website. Your request:",
                child=request.child_first_name,
                rank=proposal.preference_rank,
                details=_place_details(request, location, free_place),
                days=_parent_answer_days(),
            ),
        )


def _parent_answer_days() -> int:
    from plugins.loket.services import PARENT_ANSWER_DAYS

    return PARENT_ANSWER_DAYS


def not_placed(
    session, tenant, request: ChildcareRequest, choices: list[tuple[int, str, str]]
) -> None:
    """The round found no place for this family: why, per choice, and what happens next.

    ``choices`` are (the family's rank, location name, reason code from the allocation).
    """
    with force_locale(parent_language(session, request)):
        reasons = words.labels()["reason"]
        if choices:
            groups = {
                note["rank"]: note
                for note in (request.round_explanation or {}).get("choices", ())
                if note.get("reason") == "outranked"
            }
            why = "\n".join(
                f"{rank}. {name}: {reasons.get(code, code)}{_groups(groups.get(rank))}"
                for rank, name, code in choices
            )
        else:
            why = _("None of the chosen locations is still open to this request.")
        _to_parent(
            session,
            tenant,
            request,
            "loket.round_not_placed",
            _("No place for %(child)s in this round", child=request.child_first_name),
            _(
                "The allocation round found no place for %(child)s this time.\n\nWhy, per "
                "choice:\n%(why)s\n\nYour request stays on the list with the same registration "
                "date: the next round, or a place that frees up, considers it again. You do not "
                "need to do anything. You can change or withdraw your request here:",
                child=request.child_first_name,
                why=why,
            ),
        )


def _groups(note: dict | None) -> str:
    """The family's priority group against the last one admitted, for an outranked choice."""
    if not note or note.get("own_group") is None:
        return ""
    if note.get("last_admitted_group") is None:
        return " " + _("(your priority group %(own)s)", own=note["own_group"])
    return " " + _(
        "(your priority group %(own)s; the last family admitted had group %(last)s)",
        own=note["own_group"],
        last=note["last_admitted_group"],
    )


def _to_providers(session, tenant, recipients, purpose: str, wording) -> None:
    """Queue ``wording()`` — (subject, body), worded in each recipient's language — to the
    provider's people, with the link to its places page."""
    link = external_url(tenant, "loket.places")
    for email, language in recipients:
        with force_locale(language):
            subject, body = wording()
            queue_mail(
                session,
                to=email,
                subject=subject,
                body=_with_link(body, link),
                purpose=purpose,
                language=language,
            )


def place_proposed_to_provider(
    session, tenant, location: Location, recipients: list[tuple[str, str]], count: int = 1
) -> None:
    """Proposals wait for the provider until the tenant's ``provider_answer_days``; the family's
    days only start when the provider confirms."""
    from plugins.loket.tenant_settings import provider_answer_days

    provider_days, parent_days = provider_answer_days(session), _parent_answer_days()

    def wording():
        return _("New proposal for %(location)s", location=location.name), _(
            "The local childcare counter proposes %(count)d child(ren) for free "
            "places at %(location)s. Please confirm or reject each proposal within "
            "%(provider_days)d days, or it lapses: the family can only accept after "
            "your confirmation, and then has %(days)d days to answer. Answer here:",
            count=count,
            location=location.name,
            provider_days=provider_days,
            days=parent_days,
        )

    _to_providers(session, tenant, recipients, "loket.proposal_to_provider", wording)


def place_offered_to_parent(session, tenant, request: ChildcareRequest, proposal: Proposal) -> None:
    """The provider confirmed: the family may accept until the deadline."""
    location = session.get(Location, proposal.location_id)
    free_place = session.get(FreePlace, proposal.free_place_id)
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.place_offered",
            _("A place for %(child)s", child=request.child_first_name),
            _(
                "%(location)s has a place for %(child)s.\n\n%(details)s\n\nAccept or decline "
                "it on the website before %(deadline)s. Without an answer the place goes to "
                "another family. Answer here:",
                location=location.name,
                child=request.child_first_name,
                details=_place_details(request, location, free_place),
                deadline=_when(proposal.deadline),
            ),
        )


def answer_deadline_reminder(
    session, tenant, request: ChildcareRequest, proposal: Proposal
) -> None:
    location = session.get(Location, proposal.location_id)
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.deadline_reminder",
            _("Reminder: answer the place for %(child)s", child=request.child_first_name),
            _(
                "You have not yet answered the place at %(location)s for %(child)s. Accept or "
                "decline it before %(deadline)s; without an answer the place goes to another "
                "family. Answer here:",
                location=location.name,
                child=request.child_first_name,
                deadline=_when(proposal.deadline),
            ),
        )


def proposal_answered(
    session, tenant, request: ChildcareRequest, location: Location, *, accepted: bool
) -> None:
    with force_locale(parent_language(session, request)):
        if accepted:
            subject = _("%(child)s has a place", child=request.child_first_name)
            body = _(
                "You accepted the place at %(location)s. The provider contacts you. Your request:",
                location=location.name,
            )
        else:
            subject = _("Your childcare request for %(child)s", child=request.child_first_name)
            body = _(
                "The place at %(location)s did not work out. Your request stays open for the "
                "next round. Your request:",
                location=location.name,
            )
        _to_parent(session, tenant, request, "loket.proposal_answered", subject, body)


def proof_requested(session, tenant, request: ChildcareRequest) -> None:
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.proof_requested",
            _("Proof for the request for %(child)s", child=request.child_first_name),
            _(
                "The local childcare counter asks you for proof of the family situation you "
                "declared for %(child)s (for example a work certificate or an income statement). "
                "Send it by reply or bring it to the counter. Your request:",
                child=request.child_first_name,
            ),
        )


def proposal_expired(session, tenant, request: ChildcareRequest, location: Location) -> None:
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.proposal_expired",
            _("The proposed place for %(child)s has expired", child=request.child_first_name),
            _(
                "You did not answer the proposal of %(location)s in time, so the place goes to "
                "another family. Your request stays open for your other choices. Your request:",
                location=location.name,
            ),
        )


def emergency_placed_to_parent(
    session, tenant, request: ChildcareRequest, location: Location, free_place: FreePlace
) -> None:
    """Staff placed the child in an emergency place: where, from when, and the page."""
    # An emergency place starts now, or on the day the place is free: not the wished start.
    start = max(utcnow().date(), free_place.available_from)
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.emergency_placed",
            _("%(child)s has an emergency place", child=request.child_first_name),
            _(
                "The local childcare counter placed %(child)s in an emergency place.\n\n"
                "%(details)s\n\nYour request:",
                child=request.child_first_name,
                details=_place_details(request, location, free_place, start),
            ),
        )


def emergency_placed_to_provider(
    session, tenant, request: ChildcareRequest, location: Location, free_place: FreePlace
) -> None:
    """The provider hears which child takes one of its reserved places, and from when."""
    start = max(utcnow().date(), free_place.available_from)

    def wording():
        return _("Emergency placement at %(location)s", location=location.name), _(
            "The local childcare counter placed %(child)s (born %(birth)s) in a "
            "place of %(location)s kept for occasional and emergency care, from "
            "%(date)s. The place counts as taken. Your places:",
            child=request.child_name,
            birth=format_date(request.birth_date, "dd/MM/yyyy") if request.birth_date else "-",
            location=location.name,
            date=format_date(start, "dd/MM/yyyy"),
        )

    _to_providers(
        session, tenant, provider_emails(session, location), "loket.emergency_to_provider", wording
    )


def provider_did_not_answer(session, tenant, request: ChildcareRequest, location: Location) -> None:
    """The provider let its deadline pass: the proposal lapses, the family loses nothing."""
    with force_locale(parent_language(session, request)):
        _to_parent(
            session,
            tenant,
            request,
            "loket.proposal_provider_expired",
            _("The proposal for %(child)s lapsed", child=request.child_first_name),
            _(
                "%(location)s did not confirm the proposed place in time, so the proposal "
                "lapsed. Your request keeps its registration date and all its choices: the "
                "next round, or a place that frees up, considers it again. Your request:",
                location=location.name,
            ),
        )


# -- info sessions ---------------------------------------------------------------------------


def _info_link(tenant) -> str:
    return external_url(tenant, "loket.info_sessions_page")


def info_session_registered(session, tenant, info_session: InfoSession, registration) -> None:
    """Written in the visitor's language of the page (a moved-up registration: the page's)."""
    if registration.status == "waiting":
        subject = _("You are on the waiting list for %(title)s", title=info_session.title)
        body = _("The session is full. We write to you as soon as a seat frees up.")
    else:
        subject = _("You are registered for %(title)s", title=info_session.title)
        body = _(
            "See you on %(when)s at %(place)s.",
            when=_when(info_session.starts_at),
            place=info_session.place or _("online"),
        )
    queue_mail(
        session,
        to=registration.email,
        subject=subject,
        body=_with_link(f"{body}\n\n{_cancel_line(tenant, registration)}", _info_link(tenant)),
        purpose="loket.info_session",
    )


def _cancel_line(tenant, registration: InfoRegistration) -> str:
    """The registration's own page, where the person cancels with one button."""
    from plugins.loket.info_sessions import cancel_token

    link = external_url(tenant, "loket.own_registration", token=cancel_token(registration))
    return _("Cannot come? Cancel your registration here: %(link)s", link=link)


def info_session_already_registered(session, tenant, info_session: InfoSession, email: str) -> None:
    """Someone registered an address that already has a seat or a waiting-list place."""
    queue_mail(
        session,
        to=email.strip(),
        subject=_("You were already registered for %(title)s", title=info_session.title),
        body=_with_link(
            _(
                "Someone registered this e-mail address again for %(title)s. Your registration"
                " stays as it was; nothing changed.",
                title=info_session.title,
            ),
            _info_link(tenant),
        ),
        purpose="loket.info_session",
    )


def info_session_reminder(
    session, tenant, info_session: InfoSession, registration: InfoRegistration
) -> None:
    """Sent by a job, without a visitor: in the session's own language."""
    language = _spoken(info_session.language) or "nl"
    with force_locale(language):
        queue_mail(
            session,
            to=registration.email,
            subject=_("Reminder: %(title)s", title=info_session.title),
            body=_with_link(
                _(
                    "The info session starts on %(when)s at %(place)s.",
                    when=_when(info_session.starts_at),
                    place=info_session.place or _("online"),
                )
                + "\n\n"
                + _cancel_line(tenant, registration),
                _info_link(tenant),
            ),
            purpose="loket.info_session_reminder",
            language=language,
        )
