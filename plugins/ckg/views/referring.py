"""Referring a family: the start page, the referral form, a draft completed, the family's
confirmation of the address the referrer typed."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, g, redirect, request, url_for
from sqlmodel import select

from core import audit
from core.db import utcnow
from core.identity.access import acting_organisations
from core.identity.confirmations import verified_email
from core.plugin_types import DataSubject
from core.ratelimit import rate_limited
from core.rendering import render
from core.web import db_session
from plugins.ckg import family, store
from plugins.ckg.access import (
    acting_ckgs,
    is_tenant_admin,
    log_access,
    may_refer,
    require_signed_in,
    viewer_role,
)
from plugins.ckg.forms import ReferralForm, SelfReferralForm
from plugins.ckg.models import Referral
from plugins.ckg.privacy import referrals_about
from plugins.ckg.services import (
    MAX_CHILDREN,
    MAX_PARENTS,
    Offer,
    ReferralStatus,
    RuleError,
    Urgency,
    check_referral,
    move,
)
from plugins.ckg.views.common import blueprint, load_referral

# The family's confirmation link is a long random token; the limit makes guessing pointless.
FAMILY_LINKS_PER_MINUTE = 30


@blueprint.get("/")
def index():
    session = db_session()
    mine, family_referrals = [], []
    user = g.get("user")
    if user is not None:
        mine = session.exec(
            select(Referral)
            .where(Referral.referrer_user_id == user.id)
            .order_by(Referral.created_at.desc())
        ).all()
        if "parent" in g.roles:
            subject = DataSubject(user_id=user.id, email=verified_email(user) or None)
            family_referrals = [
                referral
                for referral in referrals_about(session, subject)
                if referral.anonymised_at is None and viewer_role(referral) == "family"
            ]
    granted = store.granted_ckgs(session)
    return render(
        "ckg/index.html",
        on_call=[(ckg, store.on_call_phones(session, {ckg.id})) for ckg in granted],
        mine=mine,
        family=family_referrals,
        may_refer=may_refer(),
        is_parent=user is not None and _is_parent(),
        works_for_ckg=bool(acting_ckgs()),
        tenant_admin=is_tenant_admin(),
    )


def _referrer_identity() -> dict:
    """Who refers: the organisation they act for, municipal staff, or the parent themselves."""
    partners = [o for o in acting_organisations("ckg")]
    if partners:
        return {"referrer_kind": partners[0].kind, "referrer_organisation_id": partners[0].id}
    if any(role.startswith("staff:") for role in g.roles) or is_tenant_admin():
        return {"referrer_kind": "loket" if "staff:loket" in g.roles else "staff"}
    return {"referrer_kind": "parent", "family_user_id": g.user.id}


def _is_parent() -> bool:
    return _referrer_identity()["referrer_kind"] == "parent"


def _referral_form(**kwargs) -> tuple[ReferralForm, list]:
    """The form with the CKGs this municipality granted as its choices: a parent gets the
    plain self-referral form, everyone else the professional one."""
    form = (SelfReferralForm if _is_parent() else ReferralForm)(**kwargs)
    ckgs = store.granted_ckgs(db_session())
    form.organisation.choices = [(str(ckg.id), ckg.name) for ckg in ckgs]
    return form, ckgs


def _form_page(form: ReferralForm, ckgs: list, status: int = 200, draft: Referral | None = None):
    if len(ckgs) == 1 and form.organisation.data is None:
        form.organisation.data = ckgs[0].id
    template = (
        "ckg/self_referral.html" if isinstance(form, SelfReferralForm) else "ckg/referral_form.html"
    )
    return (
        render(
            template,
            on_call=[(ckg, store.on_call_phones(db_session(), {ckg.id})) for ckg in ckgs],
            form=form,
            ckgs=ckgs,
            draft=draft,
            parent_slots=range(1, MAX_PARENTS + 1),
            child_slots=range(1, MAX_CHILDREN + 1),
            today=date.today().isoformat(),
            is_parent=_is_parent(),
            parent_offers=[offer for offer in Offer if offer != Offer.LONG_STAY],
        ),
        status,
    )


@blueprint.route("/doorverwijzen", methods=["GET", "POST"])
@require_signed_in
def refer():
    if not may_refer():
        abort(403)
    if _is_parent() and request.method == "GET":
        return redirect(url_for("ckg.self_refer"), code=303)
    form, ckgs = _referral_form()
    if not form.is_submitted():
        form, ckgs = _referral_form(formdata=None, data=_referrer_contact())
        return _form_page(form, ckgs)
    return _submit(form, ckgs, None)


@blueprint.route("/zelf-aanmelden", methods=["GET", "POST"])
@require_signed_in
def self_refer():
    """A parent asks the CKG for help for their own family (the plain form)."""
    if not may_refer() or not _is_parent():
        abort(403)
    form, ckgs = _referral_form()
    if not form.is_submitted():
        return _form_page(form, ckgs)
    return _submit(form, ckgs, None)


def _referrer_contact() -> dict:
    """The referrer's own name and organisation, filled in for them (they can correct them)."""
    partners = list(acting_organisations("ckg"))
    return {
        "referrer_name": g.user.name or "",
        "referrer_organisation_name": partners[0].name if partners else "",
    }


@blueprint.route("/doorverwijzingen/<uuid:referral_id>/aanvullen", methods=["GET", "POST"])
@require_signed_in
def complete_draft(referral_id: uuid.UUID):
    """A draft (e.g. handed over by the loket) is completed and submitted by its referrer."""
    referral = load_referral(referral_id)
    if viewer_role(referral) != "referrer" or referral.status != ReferralStatus.DRAFT:
        abort(404)
    form, ckgs = _referral_form()
    if not form.is_submitted():
        log_access(db_session(), referral, "referrer")
        db_session().commit()
        form, ckgs = _referral_form(formdata=None, data=_draft_values(referral))
        return _form_page(form, ckgs, draft=referral)
    return _submit(form, ckgs, referral)


def _draft_values(referral: Referral) -> dict:
    values: dict = {
        "organisation": referral.organisation_id,
        "domains": list(referral.domains),
        "concern_summary": referral.concern_summary,
        "requested_offer": referral.requested_offer or None,
        "urgency": referral.urgency or None,
        "route": referral.route or None,
        "family_email": referral.family_email,
        **{name: getattr(referral, name) for name in store.CONTACT_FIELDS},
    }
    for key, value in _referrer_contact().items():
        values[key] = values[key] or value
    members = store.family_of(db_session(), referral.id)
    parents = [m for m in members if m.role == "parent"][:MAX_PARENTS]
    children = [m for m in members if m.role == "child"][:MAX_CHILDREN]
    for number, parent in enumerate(parents, start=1):
        values[f"parent_{number}_name"] = parent.name
        values[f"parent_{number}_relation"] = parent.relation
    for number, child in enumerate(children, start=1):
        values[f"child_{number}_name"] = child.name
        values[f"child_{number}_birth_date"] = child.birth_date
        values[f"child_{number}_expected_birth"] = child.expected_birth
    return values


def _submit(form: ReferralForm, ckgs: list, draft: Referral | None):
    session = db_session()
    valid = form.validate()
    data = form.to_input()
    if _is_parent():
        # The parent refers their own family: they are the consenting party, whatever was
        # posted — no override, no address of someone else, the direct route.
        data.self_referral = True
        data.consent = "given"
        data.consent_override_reason = data.consent_explanation = ""
        data.family_email = ""
        data.route, data.access_gate_reference = "direct", ""
        data.referrer_name = data.referrer_organisation_name = data.referrer_phone = ""
    allowed = {organisation.id for organisation in ckgs}
    if data.organisation_id is None and len(allowed) == 1:
        # Only one CKG serves this municipality: the choice is made for the referrer.
        data.organisation_id = next(iter(allowed))
    try:
        check_referral(data, today=date.today(), allowed_ckgs=allowed)
    except RuleError as error:
        form.apply_rules(error.errors)
        valid = False
    if not valid:
        return _form_page(form, ckgs, 422, draft)
    now, actor = utcnow(), f"user:{g.user.id}"
    if draft is None:
        referral = store.create_referral(
            session,
            data,
            actor=actor,
            now=now,
            referrer_user_id=g.user.id,
            **_referrer_identity(),
        )
    else:
        referral = _submit_draft(session, draft, data, actor=actor, now=now)
    audit.record(
        session,
        action="ckg.referral_submitted",
        object_type="ckg_referral",
        object_id=referral.id,
        # The referrer records the family's consent for it, unless the parent referred themselves.
        # Only whether consent was recorded: the audit log is the tenant admin's, not the CKG's.
        detail={"consent": referral.consent},
        on_behalf_of=audit.person(
            referral.family_user_id, object_type="ckg_referral", object_id=referral.id
        ),
    )
    session.flush()
    family.ask_family_to_confirm(session, g.tenant, referral)
    if referral.urgency == Urgency.CRISIS:
        store.alert_on_call(session, g.tenant, referral)
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id, submitted=1), code=303)


def _submit_draft(session, draft: Referral, data, *, actor: str, now) -> Referral:
    for key in (
        "organisation_id",
        "urgency",
        "requested_offer",
        "concern_summary",
        "route",
        "access_gate_reference",
        "groeipakket_notice_given",
        "consent",
        "consent_override_reason",
        "consent_explanation",
        "family_email",
        *store.CONTACT_FIELDS,
    ):
        setattr(draft, key, getattr(data, key))
    draft.domains = list(data.domains)
    draft.consent_recorded_at = now
    store.replace_family(session, draft, data)
    session.add(move(draft, ReferralStatus.SUBMITTED, actor=actor, now=now))
    session.add(draft)
    return draft


# -- the family confirms the address the referrer typed ----------------------------------------


@blueprint.route("/gezin/bevestigen/<token>", methods=["GET", "POST"])
@rate_limited("ckg.family_link", per_minute=FAMILY_LINKS_PER_MINUTE, methods=("GET", "POST"))
def confirm_family_email(token: str):
    """Opening shows a button (mail scanners open links); the button confirms, once."""
    session = db_session()
    if request.method != "POST":  # GET, and HEAD, which a link checker may send
        live = family.is_live(session, token)
        return render("ckg/family_confirm.html", live=live, done=False), 200 if live else 404
    referral = family.confirm(session, token, g.get("user"))
    if referral is None:
        return render("ckg/family_confirm.html", live=False, done=False), 404
    audit.record(
        session,
        action="ckg.family_email_confirmed",
        object_type="ckg_referral",
        object_id=referral.id,
    )
    session.commit()
    return render("ckg/family_confirm.html", live=True, done=True)
