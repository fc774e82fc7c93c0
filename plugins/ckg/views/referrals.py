"""One referral: its page for each reader, the CKG's workflow steps, notes and message, and
the access log."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.db import utcnow
from core.identity.access import require_permission
from core.identity.models import Organisation
from core.local_time import to_local
from core.rendering import render
from core.web import db_session
from plugins.ckg import consent, notifications, store
from plugins.ckg import transfer as handover
from plugins.ckg.access import (
    is_tenant_admin,
    log_access,
    may_read_access_log,
    require_signed_in,
    viewer_role,
)
from plugins.ckg.forms import (
    AssignForm,
    CkgForm,
    EndOfferForm,
    MessageForm,
    NoteForm,
    OfferForm,
    ReferralDataForm,
    StepForm,
    TransferForm,
)
from plugins.ckg.models import Antenna, CaseNote, OfferEpisode, Referral
from plugins.ckg.services import (
    CARE_STATES,
    ReferralStatus,
    RuleError,
    Urgency,
    add_offer,
    edit_referral,
    end_episode,
    end_open_episodes,
    episode_state,
    first_episode,
    hand_over_referral,
    move,
    next_states,
    transfer,
)
from plugins.ckg.views.common import blueprint, ckg_referral, load_referral


@blueprint.get("/doorverwijzingen/<uuid:referral_id>")
@require_signed_in
def referral(referral_id: uuid.UUID):
    referral = load_referral(referral_id)
    role = viewer_role(referral)
    if role is None:
        if may_read_access_log(referral):
            return redirect(url_for("ckg.access_log", referral_id=referral.id))
        abort(404)
    return _referral_page(referral, role)


def _referral_page(referral: Referral, role: str, *, failed: CkgForm | None = None, status=200):
    """The page for ``role``; ``failed`` is the CKG's form that was just refused (shown with
    what was typed and its messages), the other forms start empty."""
    session = db_session()
    log_access(session, referral, role)
    session.commit()
    context = {
        "referral": referral,
        "role": role,
        "organisation": session.get(Organisation, referral.organisation_id),
        "antenna": session.get(Antenna, referral.antenna_id) if referral.antenna_id else None,
        "just_submitted": request.args.get("submitted") == "1",
        # Who handles the case since when, for a case handed over (transfer.py).
        "handover": handover.latest_between_ckgs(session, referral.id),
    }
    if role in ("referrer", "family"):
        # Kind, state and dates of each offer: never its antenna's notes or the CKG's reasons.
        today = to_local(utcnow()).date()
        context["case_offers"] = [
            (episode, episode_state(episode, today))
            for episode in store.episodes_of(session, referral.id)
        ]
    if role == "referrer":
        context["message_form"] = failed or MessageForm(
            formdata=None, message=referral.message_from_referrer
        )
        context["failed"] = failed
        context["own_family"] = referral.family_user_id == g.user.id
        context["may_withdraw"] = consent.may_withdraw(referral)
        context["on_call"] = [
            (context["organisation"], store.on_call_phones(session, {referral.organisation_id}))
        ]
        return render("ckg/referral_referrer.html", **context), status
    context["family"] = store.family_of(session, referral.id)
    if role == "family":
        context["may_withdraw"] = consent.may_withdraw(referral)
        return render("ckg/referral_family.html", **context), status
    forms = {
        "step_form": StepForm(formdata=None),
        "note_form": NoteForm(formdata=None),
        "message_form": MessageForm(formdata=None, message=referral.message_to_referrer),
        "offer_form": OfferForm(formdata=None),
        "end_offer_form": EndOfferForm(formdata=None),
        "transfer_form": TransferForm(formdata=None),
        "data_form": ReferralDataForm.for_referral(referral),
    }
    for key, form in forms.items():
        if failed is not None and isinstance(failed, type(form)):
            forms[key] = failed
    history = store.history_of(session, referral.id)
    episodes = store.episodes_of(session, referral.id)
    context.update(
        forms,
        failed=failed,
        history=history,
        names=store.people_named(
            session,
            {change.actor for change in history} | {f"user:{referral.assigned_user_id}"},
        ),
        notes=store.notes_of(session, referral.id),
        episodes=episodes,
        antenna_names=store.antenna_names(session, {e.antenna_id for e in episodes}),
        **handover.targets(session, referral),
        handovers=handover.handed_over_between_ckgs(session, referral.id),
        in_care=referral.status in CARE_STATES,
        next_states=next_states(referral.status, referral.urgency),
        antennas=store.antennas_of(session, {referral.organisation_id}),
        may_read_log=may_read_access_log(referral),
    )
    return render("ckg/referral_ckg.html", **context), status


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/status")
@require_permission("ckg.work")
def change_status(referral_id: uuid.UUID):
    referral = ckg_referral(referral_id)
    session = db_session()
    form = StepForm()
    target = form.target.data or ""
    takes_or_frees_a_place = target in (ReferralStatus.ACCEPTED, ReferralStatus.CLOSED)
    antennas = {
        a.id: a
        for a in store.antennas_of(
            session, {referral.organisation_id}, for_update=takes_or_frees_a_place
        )
    }
    details = form.to_details(antennas)
    episodes = store.episodes_of(session, referral.id)
    if referral.antenna_id in antennas and target == ReferralStatus.CLOSED and not episodes:
        # A case accepted before offers were tracked as episodes: free its one place.
        details.antenna = antennas[referral.antenna_id]
    change = None
    if form.validate_on_submit():
        try:
            change = move(
                referral,
                target,
                actor=f"user:{g.user.id}",
                now=utcnow(),
                details=details,
                organisation_antennas=set(antennas),
            )
        except RuleError as error:
            form.apply_rules(error.errors)
    if change is None:
        session.rollback()
        return _referral_page(load_referral(referral_id), "ckg", failed=form, status=422)
    session.add(change)
    session.add(referral)
    if details.antenna is not None:
        session.add(details.antenna)
    if change.to_status == ReferralStatus.ACCEPTED:
        session.add(first_episode(referral))
    elif change.to_status == ReferralStatus.CLOSED:
        # Closing ends every offer still running; their places come free.
        for episode in end_open_episodes(episodes, antennas, to_local(utcnow()).date()):
            session.add(episode)
        session.add_all(antennas.values())
    notifications.notify_step(session, g.tenant, referral, change)
    session.commit()
    if request.form.get("back") == "queue":
        # Closed from the caseload: back to the list the worker was working from.
        return redirect(url_for("ckg.queue"), code=303)
    return redirect(url_for("ckg.referral", referral_id=referral.id), code=303)


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/gegevens")
@require_permission("ckg.work")
def edit_data(referral_id: uuid.UUID):
    """The CKG corrects the referral's data; the audit entry keeps what stood there before —
    the first correction of a field keeps the referrer's original."""
    referral = ckg_referral(referral_id)
    session = db_session()
    form = ReferralDataForm()
    changes = None
    if form.validate_on_submit():
        try:
            changes = edit_referral(referral, form.values())
        except RuleError as error:
            form.apply_rules(error.errors)
    if changes is None:
        session.rollback()
        return _referral_page(load_referral(referral_id), "ckg", failed=form, status=422)
    if changes:
        session.add(referral)
        audit.record(
            session,
            action="ckg.referral_edited",
            object_type="ckg_referral",
            object_id=referral.id,
            detail={"changes": changes},
        )
        session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id) + "#referral-data", code=303)


# -- offers as episodes --------------------------------------------------------------------


def _offer_change(
    referral, form, change, *, action: str, detail, organisation_ids=None, finish=None
):
    """Run one change to a case's offers: the form validated, ``change(antennas)`` applied (a
    :class:`RuleError` puts its messages on the form), the rows it returns and the antennas
    (their free places) saved, ``detail()`` audited as ``action``, back to the offers — or to
    what ``finish(session)`` answers, called just before the commit.

    A refusal rolls back and shows the case with the form's messages (422): nothing half done.
    The antennas (of ``organisation_ids``, else of the case's CKG) are locked first, so two
    workers' changes count places one after the other.
    """
    session = db_session()
    antennas = {
        a.id: a
        for a in store.antennas_of(
            session, organisation_ids or {referral.organisation_id}, for_update=True
        )
    }
    rows = None
    if form.validate_on_submit():
        try:
            rows = change(antennas)
        except RuleError as error:
            form.apply_rules(error.errors)
    if rows is None:
        session.rollback()
        return _referral_page(load_referral(referral.id), "ckg", failed=form, status=422)
    session.add_all([*rows, *antennas.values()])
    audit.record(
        session, action=action, object_type="ckg_referral", object_id=referral.id, detail=detail()
    )
    response = finish(session) if finish is not None else None
    session.commit()
    return response or redirect(
        url_for("ckg.referral", referral_id=referral.id) + "#offers", code=303
    )


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/aanbod")
@require_permission("ckg.work")
def add_offer_episode(referral_id: uuid.UUID):
    """One more offer for an accepted case: combined offers (e.g. home and day guidance)."""
    referral = ckg_referral(referral_id)
    form = OfferForm()
    added = []

    def start(antennas):
        added.append(add_offer(referral, form.to_details(antennas), set(antennas)))
        return added

    return _offer_change(
        referral,
        form,
        start,
        action="ckg.offer_started",
        detail=lambda: {"offer": added[0].offer, "antenna_id": str(added[0].antenna_id)},
    )


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/aanbod/<uuid:episode_id>/einde")
@require_permission("ckg.work")
def end_offer_episode(referral_id: uuid.UUID, episode_id: uuid.UUID):
    """End one offer (e.g. the short stay) while the rest of the case goes on."""
    referral = ckg_referral(referral_id)
    episode = db_session().get(OfferEpisode, episode_id)
    if episode is None or episode.referral_id != referral.id:
        abort(404)
    form = EndOfferForm()

    def end(antennas):
        end_episode(episode, form.ended_on.data, antennas.get(episode.antenna_id))
        return [episode]

    return _offer_change(
        referral,
        form,
        end,
        action="ckg.offer_ended",
        detail=lambda: {"offer": episode.offer, "ended_on": episode.ended_on.isoformat()},
    )


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/antenne")
@require_signed_in
def transfer_antenna(referral_id: uuid.UUID):
    """Hand the case, with its running offers and their places, to another antenna of the CKG
    or of another CKG that serves this municipality (see plugins/ckg/transfer.py). Anyone but
    the case's CKG gets the 404 of a case that does not exist — a permission alone says nothing
    about this case."""
    referral = ckg_referral(referral_id)
    session = db_session()
    form = TransferForm()
    before = (referral.organisation_id, referral.antenna_id)
    actor = f"user:{g.user.id}"

    serving = handover.serving_ckg_ids(session, referral.organisation_id)

    def move(antennas):
        if referral.status not in CARE_STATES:
            # Not accepted yet: no places to move, the referral goes to the other CKG.
            hand_over_referral(referral, form.ckg.data, serving)
            return [referral]
        episodes = store.episodes_of(session, referral.id)
        target = antennas.get(form.antenna.data) if form.antenna.data else None
        transfer(referral, episodes, target, antennas)
        return [referral, *episodes]

    def finish(session):
        session.add(
            handover.record(
                referral,
                from_organisation_id=before[0],
                from_antenna_id=before[1],
                actor=actor,
                now=utcnow(),
            )
        )
        if referral.organisation_id == before[0]:
            return None
        notifications.notify_handed_over(session, g.tenant, referral)
        if referral.urgency == Urgency.CRISIS and referral.status == ReferralStatus.SUBMITTED:
            # Nobody took the crisis yet: the receiving CKG's on-call hears of it at once.
            store.alert_on_call(session, g.tenant, referral)
        # The case is the other CKG's now: this worker cannot open it any more.
        flash(
            _(
                "Referral %(reference)s is handed over to %(ckg)s.",
                reference=store.reference(referral),
                ckg=session.get(Organisation, referral.organisation_id).name,
            )
        )
        return redirect(url_for("ckg.queue"), code=303)

    return _offer_change(
        referral,
        form,
        move,
        action="ckg.referral_transferred",
        detail=lambda: {
            "from_organisation_id": str(before[0]),
            "to_organisation_id": str(referral.organisation_id),
            "from_antenna_id": str(before[1]),
            "to_antenna_id": str(referral.antenna_id),
        },
        organisation_ids=serving,
        finish=finish,
    )


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/toewijzen")
@require_permission("ckg.work")
def assign(referral_id: uuid.UUID):
    """The signed-in worker takes the case ("my cases"), or gives it back."""
    referral = ckg_referral(referral_id)
    form = AssignForm()
    if not form.validate_on_submit():
        return _referral_page(referral, "ckg", failed=form, status=422)
    session = db_session()
    before = referral.assigned_user_id
    referral.assigned_user_id = g.user.id if form.assign.data == "me" else None
    session.add(referral)
    audit.record(
        session,
        action="ckg.referral_assigned",
        object_type="ckg_referral",
        object_id=referral.id,
        detail={"taken": referral.assigned_user_id is not None, "had_worker": before is not None},
    )
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id), code=303)


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/notities")
@require_permission("ckg.work")
def add_note(referral_id: uuid.UUID):
    referral = ckg_referral(referral_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _referral_page(referral, "ckg", failed=form, status=422)
    session = db_session()
    session.add(CaseNote(referral_id=referral.id, author=f"user:{g.user.id}", body=form.body.data))
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id) + "#notes", code=303)


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/bericht")
@require_permission("ckg.work")
def message_referrer(referral_id: uuid.UUID):
    referral = ckg_referral(referral_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _referral_page(referral, "ckg", failed=form, status=422)
    return _save_message(
        referral,
        form,
        "message_to_referrer",
        "message_updated_at",
        notifications.notify_message_from_ckg,
    )


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/bericht-aan-ckg")
@require_signed_in
def message_ckg(referral_id: uuid.UUID):
    """The referrer answers in the referral's thread; the CKG's workers hear of it."""
    referral = load_referral(referral_id)
    if viewer_role(referral) != "referrer":
        abort(404)
    form = MessageForm()
    if not form.validate_on_submit():
        return _referral_page(referral, "referrer", failed=form, status=422)
    return _save_message(
        referral,
        form,
        "message_from_referrer",
        "message_from_referrer_at",
        notifications.notify_message_from_referrer,
    )


def _save_message(referral: Referral, form: MessageForm, text: str, stamp: str, notify):
    """Store one side's message; the other side hears of it only when it changed and says something."""
    session = db_session()
    message = form.message.data or ""
    changed = message != getattr(referral, text)
    setattr(referral, text, message)
    setattr(referral, stamp, utcnow())
    session.add(referral)
    if changed and message:
        notify(session, g.tenant, referral)
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id), code=303)


# -- access log -------------------------------------------------------------------------------


@blueprint.get("/doorverwijzingen/<uuid:referral_id>/toegangslog")
@require_signed_in
def access_log(referral_id: uuid.UUID):
    referral = load_referral(referral_id)
    if not may_read_access_log(referral):
        abort(404)
    session = db_session()
    entries = store.access_log_of(session, referral.id)
    names = store.people_named(session, {entry.actor for entry in entries})
    return render(
        "ckg/access_log.html",
        referral=referral,
        entries=[(entry, names.get(entry.actor, entry.actor)) for entry in entries],
        organisation=session.get(Organisation, referral.organisation_id),
    )


@blueprint.get("/toegangslog")
@require_signed_in
def access_overview():
    """The tenant admin's way in: referrals without any family detail, each with its log."""
    if not is_tenant_admin():
        abort(403)
    session = db_session()
    referrals = session.exec(select(Referral).order_by(Referral.created_at.desc())).all()
    organisations = {o.id: o for o in session.exec(select(Organisation)).all()}
    return render("ckg/access_overview.html", referrals=referrals, organisations=organisations)
