"""How codes read on the page (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MEASURE_KINDS = {
    "contact_point": _l("Contact point"),
    "information": _l("Information"),
    "premium": _l("Financial premium"),
    "building": _l("Building"),
    "training": _l("Training"),
    "coaching": _l("Coaching"),
}
FACILITY_TYPES = {
    "gezinsopvang": _l("Family day care (gezinsopvang)"),
    "groepsopvang": _l("Group day care (groepsopvang)"),
    "buitenschoolse_opvang": _l("Out-of-school care (buitenschoolse opvang)"),
}
DOCUMENT_KINDS = {
    "business_plan": _l("Business plan"),
    "building_plans": _l("Plans of the building"),
    "fire_safety_advice": _l("Fire-safety advice"),
    "other": _l("Other document"),
}
STATUSES = {
    "draft": _l("Not submitted yet"),
    "submitted": _l("Submitted"),
    "information_requested": _l("More information requested"),
    "decided": _l("Decided"),
}
DECISIONS = {
    "pending": _l("Not decided yet"),
    "proposed": _l("Approval proposed, waiting for a second approval"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
}
STEPS = {
    "project": _l("Your project"),
    "measures": _l("Support asked"),
    "documents": _l("Documents"),
    "declaration": _l("Declaration"),
}
LICENCE_STEPS = {
    "enterprise_number": _l("Enterprise number (KBO) obtained"),
    "business_plan": _l("Business plan ready"),
    "building_found": _l("Suitable building found"),
    "fire_safety_certificate": _l("Fire-safety certificate from the fire service"),
    "quality_handbook": _l("Quality handbook written"),
    "qualified_staff": _l("Responsible person and childcare workers qualified"),
    "criminal_record_extract": _l("Extract from the criminal record for everyone working there"),
    "insurance": _l("Liability and accident insurance taken out"),
    "licence_applied": _l("Licence applied for at Opgroeien"),
    "inspection": _l("Visit of Zorginspectie"),
    "licence_granted": _l("Licence granted by Opgroeien"),
}
INTEREST_OUTCOMES = {
    "pending": _l("Not decided yet"),
    "matched": _l("Matched"),
    "not_matched": _l("Not matched"),
}
TIMELINE_ACTIONS = {
    "created": _l("Draft started"),
    "submitted": _l("Application submitted"),
    "information_requested": _l("More information requested"),
    "information_given": _l("Information given"),
    "document_added": _l("Document added"),
    "measure_approved": _l("Measure approved"),
    "measure_refused": _l("Measure refused"),
    "measure_proposed": _l("Approval proposed (second approval needed)"),
    "measure_second_approved": _l("Approval confirmed by a second staff member"),
    "measure_sent_back": _l("Proposed approval sent back to be decided again"),
    "decided": _l("Every measure decided"),
    "licence_updated": _l("Licence checklist updated"),
    "location_linked": _l("Facility linked to its loket location"),
    "building_interest": _l("Interest in a building"),
    "building_outcome": _l("Building match recorded"),
    "opened": _l("The facility opened"),
    "measures_chosen": _l("Support chosen"),
    "document_removed": _l("Document removed"),
    "starter_notified": _l("E-mail sent to the starter"),
    "letter_issued": _l("Decision letter made"),
    "payment_requested": _l("Payment requested"),
    "payment_paid": _l("Premium paid"),
    "payment_recovered": _l("Premium recovered"),
}
PAYMENT_STATUSES = {
    "": _l("No payment requested yet"),
    "requested": _l("Payment requested"),
    "paid": _l("Paid"),
    "recovered": _l("Recovered"),
}
APPLICANT_KINDS = {"person": _l("A person"), "organisation": _l("An organisation")}


def label(table: dict, code: str) -> str:
    return str(table.get(code, code))


TEMPLATE_LABELS = {
    "measure_kind": MEASURE_KINDS,
    "facility_type": FACILITY_TYPES,
    "document_kind": DOCUMENT_KINDS,
    "status": STATUSES,
    "decision": DECISIONS,
    "step": STEPS,
    "licence_step": LICENCE_STEPS,
    "interest_outcome": INTEREST_OUTCOMES,
    "timeline": TIMELINE_ACTIONS,
    "applicant_kind": APPLICANT_KINDS,
    "payment_status": PAYMENT_STATUSES,
}
