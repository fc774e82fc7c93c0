"""The CKG worker advises the local childcare counter to deviate for the family, from the case
page (plugins/ckg/loket_advice.py holds the rules; the loket answers through a hook)."""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.db import utcnow
from core.forms import UUIDField
from core.identity.access import require_permission
from core.plugin_types import AdviceOutcome
from core.request_context import current_actor
from core.web import db_session, tenant_hooks
from plugins.ckg import loket_advice, store
from plugins.ckg.forms import CkgForm
from plugins.ckg.models import LoketAdvice, Referral
from plugins.ckg.views.common import blueprint, ckg_referral

FIELD_ID = "loket-advice-location"


class LoketAdviceForm(CkgForm):
    location_id = UUIDField(_l("Childcare location"), id=FIELD_ID)


def outcome_labels() -> dict[str, str]:
    return {
        AdviceOutcome.RECORDED: _("recorded by the loket"),
        AdviceOutcome.NO_MATCHING_REQUEST: _("no matching request at the loket"),
        AdviceOutcome.CAP_REACHED: _("not recorded: the location already reached its 10 %"),
        AdviceOutcome.UNKNOWN_LOCATION: _("not recorded: unknown location"),
        loket_advice.NO_LOKET: _("not recorded: the loket is not active here"),
    }


def refusal_message(outcome: str, location_name: str) -> str:
    """What the worker reads when the loket did not record the advice."""
    if outcome == AdviceOutcome.NO_MATCHING_REQUEST:
        return _(
            "The loket found no open request of this family that lists %(location)s. Ask the "
            "family to register or to add the location to its request, then advise again.",
            location=location_name,
        )
    if outcome == AdviceOutcome.CAP_REACHED:
        return _(
            "%(location)s already deviates for 10 %% of its places, the most the rules allow: "
            "the advice was not recorded. Discuss another location with the family.",
            location=location_name,
        )
    if outcome == loket_advice.NO_LOKET:
        return _("The local childcare counter is not active in this municipality.")
    return _("Choose one of the municipality's childcare locations.")


@blueprint.app_template_global("ckg_loket_advice_panel")
def loket_advice_panel(referral: Referral) -> dict:
    """What the case page shows about advice to the loket (only the CKG's own page calls it)."""
    session = db_session()
    rows = loket_advice.advice_of(session, referral)
    return {
        "may_advise": loket_advice.may_advise(referral),
        "consent_at": referral.loket_advice_consent_at,
        "locations": loket_advice.locations(tenant_hooks(), g.tenant, session),
        "rows": rows,
        "names": store.people_named(session, {row.advised_by for row in rows}),
        "outcomes": outcome_labels(),
    }


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/loket-advies")
@require_permission("ckg.work")
def advise_loket(referral_id: uuid.UUID):
    """Advise the loket to deviate for this family at one location, on the family's consent."""
    from plugins.ckg.views.referrals import _referral_page

    referral = ckg_referral(referral_id)
    session = db_session()
    form = LoketAdviceForm()
    row = None
    if form.validate_on_submit():
        try:
            row = loket_advice.give_advice(
                session,
                tenant_hooks(),
                g.tenant,
                referral,
                form.location_id.data,
                worker=g.user,
                actor=current_actor(),
                now=utcnow(),
            )
        except loket_advice.AdviceRefused as refused:
            form.fail(
                "location_id",
                _("The family has not given its consent to advice to the loket.")
                if str(refused) == "no_consent"
                else refusal_message(AdviceOutcome.UNKNOWN_LOCATION, ""),
            )
    if row is not None and row.outcome != AdviceOutcome.RECORDED:
        # The refusal is kept on the case (audited); the worker reads why.
        session.commit()
        form.fail("location_id", refusal_message(row.outcome, row.location_name))
    if form.errors:
        session.rollback()
        return _referral_page(referral, "ckg", failed=form, status=422)
    session.commit()
    flash(
        _(
            "The loket recorded your advice for %(location)s. It is withdrawn at once if the "
            "family withdraws its consent.",
            location=row.location_name,
        )
    )
    return redirect(url_for("ckg.referral", referral_id=referral.id) + "#loket-advice", code=303)


@blueprint.post("/doorverwijzingen/<uuid:referral_id>/loket-advies/<uuid:advice_id>/intrekken")
@require_permission("ckg.work")
def withdraw_loket_advice(referral_id: uuid.UUID, advice_id: uuid.UUID):
    """The worker withdraws an advice: the loket removes the deviation at once."""
    referral = ckg_referral(referral_id)
    session = db_session()
    row = session.get(LoketAdvice, advice_id)
    if row is None or row.referral_id != referral.id:
        abort(404)
    loket_advice.withdraw(session, row, utcnow())
    session.commit()
    flash(_("The advice to the loket was withdrawn."))
    return redirect(url_for("ckg.referral", referral_id=referral.id) + "#loket-advice", code=303)
