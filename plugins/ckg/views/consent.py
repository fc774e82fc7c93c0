"""The family gives or withdraws its consent from its own view of the referral."""

from __future__ import annotations

import uuid

from flask import abort, g, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from core import audit
from core.db import utcnow
from core.rendering import render
from core.web import db_session
from plugins.ckg import consent, loket_advice, notifications
from plugins.ckg.access import log_access, require_signed_in, viewer_role
from plugins.ckg.forms import ConsentForm
from plugins.ckg.models import CaseNote
from plugins.ckg.services import RuleError
from plugins.ckg.views.common import blueprint, load_referral


def is_own_family(referral) -> bool:
    """The family reading its referral, or the parent who referred their own family."""
    role = viewer_role(referral)
    return role == "family" or (role == "referrer" and referral.family_user_id == g.user.id)


AUDIT_ACTIONS = {
    consent.WITHDRAW: "ckg.consent_withdrawn",
    consent.GIVE_NETWORK: "ckg.network_consent_given",
    consent.WITHDRAW_NETWORK: "ckg.network_consent_withdrawn",
    consent.GIVE_LOKET_ADVICE: "ckg.loket_advice_consent_given",
    consent.WITHDRAW_LOKET_ADVICE: "ckg.loket_advice_consent_withdrawn",
}


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/toestemming")
@require_signed_in
def family_consent(referral_id: uuid.UUID):
    """Only the family itself changes its consent; for anyone else the referral is not there.
    Taking consent away is asked to be confirmed first, on a page that says what it means."""
    referral = load_referral(referral_id)
    if not is_own_family(referral):
        abort(404)
    session = db_session()
    form = ConsentForm()
    valid = form.validate_on_submit()
    action = (form.action.data or "") if valid else ""
    if action in consent.NEEDS_CONFIRMATION and not form.confirmed.data:
        return render("ckg/consent_confirm.html", referral=referral, form=form, action=action)
    now = utcnow()
    try:
        consent.apply(referral, action, now)
    except RuleError as error:
        session.rollback()
        form.apply_rules(error.errors)
        return render("ckg/consent_confirm.html", referral=referral, form=form, action=""), 422
    session.add(referral)
    if referral.loket_advice_consent_at is None:
        loket_advice.withdraw_all(session, referral, now)  # takes effect at once
    log_access(session, referral, "family", action="consent")
    with force_locale("nl"):
        # The CKG's workers read the case in the CKG's language.
        note = {
            consent.WITHDRAW: _("The family withdrew its consent to the referral."),
            consent.GIVE_NETWORK: _(
                "The family agreed to be discussed in a case consultation the CKG takes part in."
            ),
            consent.WITHDRAW_NETWORK: _(
                "The family withdrew its consent to be discussed in a case consultation."
            ),
            consent.GIVE_LOKET_ADVICE: _(
                "The family agreed that the CKG advises the loket to deviate for its child."
            ),
            consent.WITHDRAW_LOKET_ADVICE: _(
                "The family withdrew its consent to advice to the loket; the advice was withdrawn."
            ),
        }[action]
    session.add(CaseNote(referral_id=referral.id, author=f"user:{g.user.id}", body=note, at=now))
    audit.record(
        session,
        action=AUDIT_ACTIONS[action],
        object_type="ckg_referral",
        object_id=referral.id,
    )
    notifications.notify_consent_changed(session, g.tenant, referral)
    session.commit()
    return redirect(url_for("ckg.referral", referral_id=referral.id) + "#consent", code=303)
