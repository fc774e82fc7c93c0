"""Consent the family controls: withdraw the consent to the referral, give or withdraw the
consent to be discussed in a network case consultation the CKG takes part in.

A withdrawal takes effect at once everywhere: the networks plugin asks ``consent_for_case``
every time it shows a family's details, and that answer reads these fields. Plain functions on
the referral; the view records the audit entry and the note.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from plugins.ckg.models import Referral
from plugins.ckg.services import Consent, ReferralStatus, RuleError

WITHDRAW = "withdraw"
GIVE_NETWORK = "give_network"
WITHDRAW_NETWORK = "withdraw_network"
# Advice to the local childcare counter (loket) to deviate for the child: plugins/ckg/loket_advice.py.
GIVE_LOKET_ADVICE = "give_loket_advice"
WITHDRAW_LOKET_ADVICE = "withdraw_loket_advice"
ACTIONS = (WITHDRAW, GIVE_NETWORK, WITHDRAW_NETWORK, GIVE_LOKET_ADVICE, WITHDRAW_LOKET_ADVICE)
# Actions that take something away from the CKG: asked to confirm first.
NEEDS_CONFIRMATION = frozenset({WITHDRAW, WITHDRAW_NETWORK, WITHDRAW_LOKET_ADVICE})


def may_withdraw(referral: Referral) -> bool:
    """Only a consent the family gave can be withdrawn (a mandate or a crisis is not one)."""
    return (
        referral.consent == Consent.GIVEN
        and referral.consent_withdrawn_at is None
        and referral.status != ReferralStatus.CLOSED
    )


def may_give_network_consent(referral: Referral) -> bool:
    return may_withdraw(referral) and referral.network_consent_at is None


def apply(referral: Referral, action: str, now: datetime) -> None:
    """Change the family's consent, or raise :class:`RuleError` when that is not possible."""
    if action == WITHDRAW:
        if not may_withdraw(referral):
            raise RuleError({"action": _l("There is no consent of yours to withdraw here.")})
        referral.consent_withdrawn_at = now
        # Nothing may be shared in a network, nor advised to the loket, any more either.
        referral.network_consent_at = None
        referral.loket_advice_consent_at = None
    elif action == GIVE_NETWORK:
        if not may_give_network_consent(referral):
            raise RuleError(
                {"action": _l("Consent to a case consultation needs your consent to the referral.")}
            )
        referral.network_consent_at = now
    elif action == WITHDRAW_NETWORK:
        if referral.network_consent_at is None:
            raise RuleError({"action": _l("There is no consent of yours to withdraw here.")})
        referral.network_consent_at = None
    elif action == GIVE_LOKET_ADVICE:
        if not may_withdraw(referral) or referral.loket_advice_consent_at is not None:
            raise RuleError(
                {"action": _l("Consent to advice to the loket needs your consent to the referral.")}
            )
        referral.loket_advice_consent_at = now
    elif action == WITHDRAW_LOKET_ADVICE:
        if referral.loket_advice_consent_at is None:
            raise RuleError({"action": _l("There is no consent of yours to withdraw here.")})
        referral.loket_advice_consent_at = None
    else:
        raise RuleError({"action": _l("Choose what you want to do with your consent.")})
