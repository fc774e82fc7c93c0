"""Courses (vormingen): the public catalogue and sign-up with its secret link, and for
managers planning a course and recording who came."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core.db import as_utc, utcnow
from core.identity import confirmations
from core.ratelimit import rate_limited
from core.rendering import render
from core.web import db_session
from plugins.training import notifications, store
from plugins.training.access import may_manage, require_manager, visible_organisations
from plugins.training.forms import AttendanceForm, CourseForm, CourseSignupForm
from plugins.training.models import Course, CourseSignup
from plugins.training.views.common import (
    PUBLIC_FORMS_PER_MINUTE,
    SECRET_LINKS_PER_MINUTE,
    blueprint,
    course_seats,
    load,
    offer_organisations,
    prefill_from_user,
    with_course_seats,
)


@blueprint.get("/vormingen")
def course_catalogue():
    return _catalogue_page(CourseForm())


@blueprint.post("/vormingen")
@require_manager
def create_course():
    session = db_session()
    form = CourseForm()
    offer_organisations(form)
    if not form.validate_on_submit():
        return _catalogue_page(form)
    session.add(
        Course(
            organisation_id=form.organisation.organisation_id,
            title=form.title.data,
            description=form.description.data or "",
            starts_at=form.starts_at.data,
            location=form.location.data,
            capacity=form.capacity.data,
        )
    )
    session.commit()
    return redirect(url_for("training.course_catalogue"), 303)


def _catalogue_page(form: CourseForm):
    session = db_session()
    managing = may_manage()
    choices = offer_organisations(form) if managing else {}
    courses = store.courses(session, upcoming_after=utcnow())
    managed = store.courses(session, visible_organisations()) if managing else []
    # One count for both lists: a managed course is often in the catalogue too.
    unique = list({c.id: c for c in [*courses, *managed]}.values())
    seats = {course.id: figures for course, figures in with_course_seats(unique)}
    return (
        render(
            "training/courses.html",
            courses=[(c, seats[c.id]) for c in courses],
            managed=[(c, seats[c.id]) for c in managed],
            organisation_choices=choices,
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.route("/vormingen/<uuid:course_id>/inschrijven", methods=["GET", "POST"])
@rate_limited("training.course_signup", per_minute=PUBLIC_FORMS_PER_MINUTE)
def course_signup(course_id: uuid.UUID):
    session = db_session()
    course = session.get(Course, course_id)
    if course is None or as_utc(course.starts_at) <= utcnow():
        abort(404)
    user = g.get("user")
    prefill = prefill_from_user(user)
    if user is not None:
        organisations = g.get("organisations", ())
        prefill["employer"] = organisations[0].name if organisations else ""
    # Only a GET is filled in for the person; a submission shows exactly what was sent.
    form = CourseSignupForm(data=None if request.method == "POST" else prefill)
    if not form.validate_on_submit():
        return _course_signup_page(course, form)
    person = form.person()
    registrant = store.Registrant(**person, user_id=user.id if user is not None else None)
    own_address = user is not None and confirmations.normalise(
        confirmations.verified_email(user)
    ) == confirmations.normalise(person["email"])
    try:
        signup = store.sign_up_for_course(session, course, registrant, form.employer.data)
    except store.AlreadyRegistered as already:
        if own_address:
            form.fail("email", _("This e-mail address is already signed up for this course."))
            return _course_signup_page(course, form)
        # A typed address proves nothing: whoever typed it learns nothing of the sign-up it
        # already has; its owner gets the link to it again.
        existing = already.existing
        link = url_for("training.my_course_signup", token=existing.token, _external=True)
        notifications.course_signup_confirmed(session, course, existing, link)
        session.commit()
        return redirect(url_for("training.course_signup_mailed"), 303)
    link = url_for("training.my_course_signup", token=signup.token, _external=True)
    notifications.course_signup_confirmed(session, course, signup, link)
    session.commit()
    if own_address:
        return redirect(url_for("training.my_course_signup", token=signup.token), 303)
    return redirect(url_for("training.course_signup_mailed"), 303)


@blueprint.get("/vormingen/inschrijving/verstuurd")
def course_signup_mailed():
    return render("training/registration_mailed.html")


def _course_signup_page(course: Course, form: CourseSignupForm):
    return (
        render(
            "training/course_signup.html",
            course=course,
            seats=course_seats(course),
            form=form,
        ),
        422 if form.errors else 200,
    )


@blueprint.route("/vorming-inschrijving/<token>", methods=["GET", "POST"])
@rate_limited("training.secret_link", per_minute=SECRET_LINKS_PER_MINUTE, methods=("GET", "POST"))
def my_course_signup(token: str):
    session = db_session()
    signup = session.exec(select(CourseSignup).where(CourseSignup.token == token[:64])).first()
    if signup is None:
        abort(404)
    course = session.get(Course, signup.course_id)
    if request.method == "POST" and signup.status != "cancelled":
        promoted = store.cancel_signup(session, signup)
        if promoted is not None:
            notifications.course_seat_freed(session, course, promoted)
        session.commit()
        return redirect(url_for("training.my_course_signup", token=token), 303)
    return render("training/my_course_signup.html", signup=signup, course=course)


@blueprint.route("/vormingen/<uuid:course_id>/deelnemers", methods=["GET", "POST"])
@require_manager
def course_participants(course_id: uuid.UUID):
    session = db_session()
    course = load(Course, course_id)
    signups = store.signups(session, course.id)
    form = AttendanceForm()
    form.offer(signups)
    came = None
    if form.validate_on_submit():
        try:
            came = store.record_course_attendance(session, course, form.attended_ids())
        except store.NotStartedYet:
            form.attended.errors.append(_("Who came is recorded after the course has begun."))
        else:
            session.commit()
            signups = store.signups(session, course.id)
    return (
        render(
            "training/course_participants.html",
            course=course,
            signups=signups,
            seats=course_seats(course),
            came=came,
            started=store.has_started(course.starts_at),
            form=form,
        ),
        422 if form.attended.errors else 200,
    )
