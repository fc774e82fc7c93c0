"""Meetings (date, place, agenda, attendance, minutes) and the actions agreed in them."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from core import audit
from core.db import utcnow
from core.rendering import render
from core.web import db_session
from plugins.networks import access, invitations, regional, store
from plugins.networks.forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    CancelMeetingForm,
    MeetingForm,
    MinutesForm,
    NetworksForm,
    RescheduleForm,
    attendance_form,
)
from plugins.networks.models import AgendaItem, Attendance, Meeting, NetworkAction
from plugins.networks.services import (
    ActionStatus,
    Presence,
    RuleError,
    agenda_lines,
    check_action,
    check_meeting,
    check_minutes,
    check_status,
    days_overdue,
    is_overdue,
    meeting_times,
    overdue_actions,
)
from plugins.networks.web import actor, blueprint


@blueprint.route("/<uuid:network_id>/overleg/nieuw", methods=["GET", "POST"])
@access.require_signed_in
def new_meeting(network_id: uuid.UUID):
    """A coordinator (or staff) plans a meeting with its agenda, one item per line; every
    member with an e-mail address is invited with a calendar file."""
    session = db_session()
    network = access.visible_network(session, network_id)
    if not access.may_coordinate(store.members_of(session, network.id)):
        abort(403)
    form = MeetingForm()
    if not form.is_submitted():  # GET, and HEAD, never plan a meeting
        return _meeting_form(network, form)
    valid = form.validate()
    held_on, place = form.held_on.data, form.value("place")
    agenda = agenda_lines(form.value("agenda"))
    starts_at = ends_at = None
    if valid:
        try:
            check_meeting(held_on, place, agenda)
            starts_at, ends_at = meeting_times(form.value("starts_at"), form.value("ends_at"))
        except RuleError as error:
            for key, message in error.errors.items():
                form.fail(key, str(message))
            valid = False
    if not valid:
        return _meeting_form(network, form, 422)
    meeting = Meeting(
        network_id=network.id,
        held_on=held_on,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        created_by=actor(),
    )
    session.add(meeting)
    session.flush()  # the agenda items refer to it; no ORM relationship orders the inserts
    for position, title in enumerate(agenda, start=1):
        session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title))
    invited = invitations.send_meeting_mail(
        session, g.tenant, network, meeting, change=invitations.PLANNED, now=utcnow()
    )
    audit.record(
        session,
        action="networks.meeting_planned",
        object_type="networks_meeting",
        object_id=meeting.id,
        detail={"invited": invited},
    )
    session.commit()
    flash(_("Meeting planned; the members received an invitation."))
    return redirect(url_for("networks.meeting", meeting_id=meeting.id), code=303)


@blueprint.post("/overleg/<uuid:meeting_id>/verplaatsen")
@access.require_signed_in
def reschedule(meeting_id: uuid.UUID):
    """A new date, time or place: the invitees' calendars get an update of the same entry."""
    session = db_session()
    meeting, network = _visible_meeting(session, meeting_id)
    if not access.may_coordinate(store.members_of(session, network.id)):
        abort(403)
    if meeting.cancelled_at is not None:
        abort(409)
    form = RescheduleForm().with_ids("reschedule")
    valid = form.validate_on_submit()
    held_on, place = form.held_on.data, form.value("place")
    if valid:
        try:
            check_meeting(held_on, place, [])
            starts_at, ends_at = meeting_times(form.value("starts_at"), form.value("ends_at"))
        except RuleError as error:
            form.apply_rules(error.errors)
            valid = False
    if not valid:
        return _meeting_page(meeting_id, form, 422)
    before = (meeting.held_on, meeting.starts_at, meeting.ends_at, meeting.place)
    if before != (held_on, starts_at, ends_at, place):
        meeting.held_on, meeting.starts_at, meeting.ends_at = held_on, starts_at, ends_at
        meeting.place = place
        meeting.sequence += 1
        session.add(meeting)
        invitations.send_meeting_mail(
            session, g.tenant, network, meeting, change=invitations.RESCHEDULED, now=utcnow()
        )
        audit.record(
            session,
            action="networks.meeting_rescheduled",
            object_type="networks_meeting",
            object_id=meeting.id,
            detail={"sequence": meeting.sequence},
        )
        session.commit()
        flash(_("Meeting changed; the members received the update."))
    else:
        flash(_("Nothing changed: the meeting keeps its date, time and place."))
    return redirect(url_for("networks.meeting", meeting_id=meeting.id), code=303)


@blueprint.post("/overleg/<uuid:meeting_id>/annuleren")
@access.require_signed_in
def cancel(meeting_id: uuid.UUID):
    """The meeting will not take place: the invitees' calendars drop the entry."""
    session = db_session()
    meeting, network = _visible_meeting(session, meeting_id)
    if not access.may_coordinate(store.members_of(session, network.id)):
        abort(403)
    form = CancelMeetingForm()
    if not form.validate_on_submit():
        abort(400)
    if meeting.cancelled_at is None:  # cancelling twice sends nothing the second time
        meeting.cancelled_at = utcnow()
        meeting.sequence += 1
        session.add(meeting)
        invitations.send_meeting_mail(
            session, g.tenant, network, meeting, change=invitations.CANCELLED, now=utcnow()
        )
        audit.record(
            session,
            action="networks.meeting_cancelled",
            object_type="networks_meeting",
            object_id=meeting.id,
            detail={"sequence": meeting.sequence},
        )
        session.commit()
        flash(_("Meeting cancelled; the members were told."))
    return redirect(url_for("networks.meeting", meeting_id=meeting.id), code=303)


def _meeting_form(network, form: MeetingForm, status: int = 200):
    return render("networks/meeting_form.html", network=network, form=form), status


def _reschedule_form(meeting: Meeting) -> RescheduleForm:
    def clock(moment) -> str:
        return moment.strftime("%H:%M") if moment else ""

    data = {
        "held_on": meeting.held_on,
        "starts_at": clock(meeting.starts_at),
        "ends_at": clock(meeting.ends_at),
        "place": meeting.place,
    }
    return RescheduleForm(formdata=None, data=data).with_ids("reschedule")


def _visible_meeting(session, meeting_id: uuid.UUID):
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    network = access.visible_network(session, meeting.network_id)
    return meeting, network


@blueprint.get("/overleg/<uuid:meeting_id>")
@access.require_signed_in
def meeting(meeting_id: uuid.UUID):
    return _meeting_page(meeting_id)


def _meeting_page(meeting_id: uuid.UUID, refused: NetworksForm | None = None, status: int = 200):
    """The meeting's page; ``refused`` is the posted form that was refused, shown as typed.
    The other forms show the stored attendance and minutes."""
    session = db_session()
    meeting, network = _visible_meeting(session, meeting_id)
    members = store.members_of(session, network.id)
    mine = access.my_members(members)
    coordinate = access.may_coordinate(members)
    actions = store.actions_of_meeting(session, meeting.id)
    today = date.today()
    attendance = store.attendance_of(session, meeting.id)
    default_owner = {"owner": mine[0].id} if mine else {}

    def shown(form_class, make):
        return refused if isinstance(refused, form_class) else make()

    context = {
        "form": refused,
        "attendance_form": shown(AttendanceForm, lambda: attendance_form(members, attendance)),
        "minutes_form": shown(MinutesForm, lambda: MinutesForm(formdata=None, obj=meeting)),
        "action_form": shown(
            ActionForm, lambda: ActionForm(formdata=None, data=default_owner).with_ids("action")
        ),
        "status_form": refused if isinstance(refused, ActionStatusForm) else None,
        "reschedule_form": shown(RescheduleForm, lambda: _reschedule_form(meeting)),
        "cancel_form": CancelMeetingForm(formdata=None),
        "meeting": meeting,
        "network": network,
        "members": members,
        "agenda": store.agenda_of(session, {meeting.id})[meeting.id],
        "attendance": attendance,
        "actions": actions,
        "overdue": {a.id for a in actions if is_overdue(a, today)},
        "member_names": store.member_names(session, network.id),
        # Actions a partner municipality added to this regional meeting (issue 21).
        "partner_names": regional.tenant_names(
            session, {a.partner_tenant_id for a in actions if a.partner_tenant_id}
        ),
        "may_coordinate": coordinate,
        "may_add_action": coordinate or bool(mine),
        "may_update": {
            a.id for a in actions if coordinate or a.owner_member_id in {m.id for m in mine}
        },
        "owner_choices": members,
    }
    return render("networks/meeting.html", **context), status


@blueprint.post("/overleg/<uuid:meeting_id>/aanwezigheid")
@access.require_signed_in
def attendance(meeting_id: uuid.UUID):
    session = db_session()
    meeting, network = _visible_meeting(session, meeting_id)
    members = store.members_of(session, network.id)
    if not access.may_coordinate(members):
        abort(403)
    existing = store.attendance_of(session, meeting.id)
    form = attendance_form(members)
    valid = form.validate_on_submit()
    refused = not valid
    for member in members:
        status = form.value(f"presence_{member.id.hex}")
        person = form.value(f"person_{member.id.hex}")
        if not valid or not status:
            continue
        if status not in set(Presence):
            form.fail(f"presence_{member.id.hex}", _("Choose present, excused or absent."))
            refused = True
            continue
        row = existing.get(member.id) or Attendance(meeting_id=meeting.id, member_id=member.id)
        row.status, row.person = status, person
        session.add(row)
    if refused:
        session.rollback()
        return _meeting_page(meeting_id, form, 422)
    session.commit()
    flash(_("Attendance saved."))
    return redirect(url_for("networks.meeting", meeting_id=meeting.id) + "#attendance", code=303)


@blueprint.post("/overleg/<uuid:meeting_id>/verslag")
@access.require_signed_in
def minutes(meeting_id: uuid.UUID):
    """The coordinator keeps the minutes; only the network's members ever read them."""
    session = db_session()
    meeting, network = _visible_meeting(session, meeting_id)
    if not access.may_coordinate(store.members_of(session, network.id)):
        abort(403)
    form = MinutesForm()
    body = form.value("minutes").replace("\r\n", "\n")
    try:
        if not form.validate_on_submit():
            raise RuleError({})
        check_minutes(body)
    except RuleError as error:
        form.apply_rules(error.errors)
        return _meeting_page(meeting_id, form, 422)
    meeting.minutes = body
    session.add(meeting)
    audit.record(
        session,
        action="networks.minutes_saved",
        object_type="networks_meeting",
        object_id=meeting.id,
    )
    session.commit()
    flash(_("Minutes saved."))
    return redirect(url_for("networks.meeting", meeting_id=meeting.id) + "#minutes", code=303)


@blueprint.post("/overleg/<uuid:meeting_id>/acties")
@access.require_signed_in
def add_action(meeting_id: uuid.UUID):
    """A member (or coordinator) records an action agreed in the meeting."""
    session = db_session()
    meeting, network = _visible_meeting(session, meeting_id)
    members = store.members_of(session, network.id)
    if not (access.may_coordinate(members) or access.my_members(members)):
        abort(403)
    form = ActionForm().with_ids("action")
    valid = form.validate_on_submit()
    due_on, owner_id, title = form.due_on.data, form.owner.data, form.value("title")
    if valid:
        try:
            check_action(title, due_on, owner_id, {m.id for m in members})
        except RuleError as error:
            form.apply_rules(error.errors)
            valid = False
    if not valid:
        return _meeting_page(meeting_id, form, 422)
    action = NetworkAction(
        network_id=network.id,
        meeting_id=meeting.id,
        owner_member_id=owner_id,
        title=title,
        due_on=due_on,
        status=ActionStatus.OPEN,
        created_by=actor(),
    )
    session.add(action)
    session.commit()
    flash(_("Action added: %(title)s.", title=title))
    return redirect(url_for("networks.meeting", meeting_id=meeting.id) + "#actions", code=303)


@blueprint.post("/acties/<uuid:action_id>/status")
@access.require_signed_in
def action_status(action_id: uuid.UUID):
    """The owning organisation, or a coordinator, moves an action along."""
    session = db_session()
    action = session.get(NetworkAction, action_id)
    if action is None:
        abort(404)
    network = access.visible_network(session, action.network_id)
    members = store.members_of(session, network.id)
    mine = {m.id for m in access.my_members(members)}
    if not (access.may_coordinate(members) or action.owner_member_id in mine):
        abort(403)
    form = ActionStatusForm()
    form.status.id = f"status-{action.id}"  # one status form per action on the meeting's page
    try:
        if not form.validate_on_submit():
            raise RuleError({})
        action.status = check_status(form.value("status"))
    except RuleError as error:
        form.apply_rules(error.errors)
        return _meeting_page(action.meeting_id, form, 422)
    action.updated_at = utcnow()
    session.add(action)
    session.commit()
    flash(_("Status of the action changed."))
    return redirect(
        url_for("networks.meeting", meeting_id=action.meeting_id) + "#actions", code=303
    )


@blueprint.get("/acties/achterstallig")
@access.require_signed_in
def overdue():
    """Overdue actions of every network the user may see, longest overdue first."""
    if not (access.is_manager() or access.acts_for_anyone()):
        abort(403)
    session = db_session()
    networks = {n.id: n for n in access.visible_networks(session)}
    today = date.today()
    late = overdue_actions(store.actions_of_networks(session, set(networks)), today)
    owners = store.members_by_id(session, {a.owner_member_id for a in late})
    return render(
        "networks/overdue.html",
        rows=[
            {
                "action": action,
                "network": networks[action.network_id],
                "owner": owners.get(action.owner_member_id),
                "days": days_overdue(action, today),
            }
            for action in late
        ],
        today=today,
    )
