"""Why an erasure is held, for the administrator and for the person (``erasure_holds`` hook).

:func:`plugins.ckg.privacy.erase_subject` keeps a case in guidance and hands the request to the
CKG. The administrator who asked must be able to tell the person why, and the person sees it on
their own data page: which CKG keeps the file, on what legal ground, since when, and what happens
next. Nothing about the case itself: the municipality does not see case content.
"""

from __future__ import annotations

from contextlib import nullcontext

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _

from core.identity.models import Organisation
from core.plugin_types import DataSubject, ErasureHold
from plugins.ckg.models import Referral
from plugins.ckg.privacy import referrals_about


def open_holds(session, subject: DataSubject) -> list[ErasureHold]:
    """One hold per referral about the subject whose erasure is held and not carried out yet."""
    held = [
        referral
        for referral in referrals_about(session, subject)
        if referral.erasure_requested_at is not None and referral.anonymised_at is None
    ]
    # The command line has no visitor's language: speak the default, Dutch.
    with nullcontext() if has_request_context() else force_locale("nl"):
        return [_hold(session, referral) for referral in held]


def _hold(session, referral: Referral) -> ErasureHold:
    organisation = session.get(Organisation, referral.organisation_id)
    holder = organisation.name if organisation else _("the CKG")
    return ErasureHold(
        module=_("Centre for Childcare and Family Support"),
        holder=holder,
        legal_ground=_(
            "The CKG is still helping the family. The law obliges it to keep the file while it "
            "gives that help and to account for it afterwards (the youth-care file obligations); "
            "the GDPR allows this (art. 17(3)(b): a legal obligation)."
        ),
        since=referral.erasure_requested_at,
        next_step=_(
            "The request went to %(ckg)s as a task. The CKG discusses it with the family; once "
            "the help has ended, ask again and the data is erased. Questions: contact %(ckg)s.",
            ckg=holder,
        ),
    )
