"""Handing a case over: to another antenna of the same CKG, or to another CKG that serves the
municipality (one granted the ``ckg`` module here).

**What moves.** The case is one set of tenant rows — the referral, its family, its steps, its
notes, its offers, the family's consent, its access log. A handover changes which CKG the
referral belongs to (``Referral.organisation_id``) and where its running offers take place
(``services.transfer``); nothing is copied and nothing is rewritten. So the receiving CKG reads
the whole history at once: every step with its reason, every note, the ended offers where they
took place, the family's consent (and a network case consultation now needs the receiving CKG at
the table, ``privacy.consent_record``).

**What the sending CKG loses.** Everything readable: from the moment of the handover its workers
get the same 404 as for any case that does not exist — the page, every step, the notes, the
offers, the access log — and the case leaves its queue, its workspace and its mails.

**What is kept of the sending CKG's part, and why.** Processing personal data must stay
accountable afterwards (GDPR art. 5(2)), and the family has the right to know who read its file:

* the municipality's audit log keeps ``ckg.referral_transferred`` (who, when, from which CKG
  and antenna to which) and every earlier entry of the sending CKG's acts;
* the referral's access log keeps the rows of the sending CKG's workers' looks (append-only);
* a :class:`~plugins.ckg.models.CaseTransfer` row keeps who handled the case until when; the
  family and the referrer read from it who handles the case now and since when;
* the steps the sending CKG took stay in the history, under its workers' names.

None of it is readable by the sending CKG through the platform. A CKG that must keep its own
file of the care it gave (youth-care record-keeping rules) keeps it in its own records; the
platform keeps no copy for it — which rules apply is for the CKG's data-protection officer.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import select

from core.identity.models import Organisation
from plugins.ckg import store
from plugins.ckg.models import CaseTransfer, Referral
from plugins.ckg.services import OPEN_STATES


def serving_ckg_ids(session, own: uuid.UUID) -> set[uuid.UUID]:
    """The CKG that has the case and every other CKG this municipality granted ``ckg``: the
    only organisations whose antennas a case may move to."""
    return {own} | {organisation.id for organisation in store.granted_ckgs(session)}


def targets(session, referral: Referral) -> dict:
    """Where the case may go, for the CKG's page: ``transfer_targets`` — each serving CKG (the
    case's own first) with its antennas, for a case in care — and ``other_ckgs``, for a
    referral not accepted yet."""
    serving = serving_ckg_ids(session, referral.organisation_id)
    antennas = store.antennas_of(session, serving)
    organisations = {
        organisation.id: organisation
        for organisation in session.exec(
            select(Organisation).where(Organisation.id.in_(serving))
        ).all()
    }
    ordered = sorted(
        organisations.values(),
        key=lambda organisation: (organisation.id != referral.organisation_id, organisation.name),
    )
    return {
        "transfer_targets": [
            (organisation, [a for a in antennas if a.organisation_id == organisation.id])
            for organisation in ordered
        ],
        "other_ckgs": [o for o in ordered if o.id != referral.organisation_id]
        if referral.status in OPEN_STATES
        else [],
    }


def record(
    referral: Referral,
    *,
    from_organisation_id: uuid.UUID,
    from_antenna_id: uuid.UUID | None,
    actor: str,
    now: datetime,
) -> CaseTransfer:
    """The row that says who handled the case until ``now`` and who handles it since."""
    return CaseTransfer(
        referral_id=referral.id,
        at=now,
        actor=actor,
        from_organisation_id=from_organisation_id,
        to_organisation_id=referral.organisation_id,
        from_antenna_id=from_antenna_id,
        to_antenna_id=referral.antenna_id,
    )


def latest_between_ckgs(session, referral_id: uuid.UUID) -> CaseTransfer | None:
    """The last handover to another CKG: since then the case's CKG handles it."""
    return session.exec(
        select(CaseTransfer)
        .where(
            CaseTransfer.referral_id == referral_id,
            CaseTransfer.from_organisation_id != CaseTransfer.to_organisation_id,
        )
        .order_by(CaseTransfer.at.desc())
    ).first()


def handed_over_between_ckgs(
    session, referral_id: uuid.UUID
) -> list[tuple[CaseTransfer, str, str]]:
    """Each handover to another CKG, oldest first, with the two CKGs' names (for the CKG page)."""
    rows = session.exec(
        select(CaseTransfer)
        .where(
            CaseTransfer.referral_id == referral_id,
            CaseTransfer.from_organisation_id != CaseTransfer.to_organisation_id,
        )
        .order_by(CaseTransfer.at)
    ).all()

    def name(organisation_id) -> str:
        organisation = session.get(Organisation, organisation_id)
        return organisation.name if organisation else "CKG"

    return [(row, name(row.from_organisation_id), name(row.to_organisation_id)) for row in rows]
