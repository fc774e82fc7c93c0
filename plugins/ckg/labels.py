"""How the plugin's codes read on screen (lazy: each reader gets their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.ckg.services import STATUS_LABELS, Offer, OverrideReason, Urgency

OFFER_LABELS = {
    Offer.HOME: _l("Guidance at home"),
    Offer.DAY: _l("Day guidance"),
    Offer.SHORT_STAY: _l("Short stay (up to six weeks, directly accessible)"),
    Offer.LONG_STAY: _l("Long stay (only through the indirect route)"),
    Offer.TRAINING: _l("Parenting training"),
}
URGENCY_LABELS = {
    Urgency.CRISIS: _l("Crisis: help is needed now"),
    Urgency.SOON: _l("Soon: within a few weeks"),
    Urgency.REGULAR: _l("Regular"),
}
DOMAIN_LABELS = {
    "parenting": _l("Parenting"),
    "finances": _l("Finances"),
    "housing": _l("Housing"),
    "health": _l("Health"),
    "parent_mental_health": _l("A parent's illness or mental health"),
    "stress": _l("Stress in the family"),
}
OVERRIDE_LABELS = {
    OverrideReason.CRISIS: _l("Crisis: the child's safety cannot wait"),
    OverrideReason.MANDATE: _l("Mandate: a mandated service or a judge decided"),
}
OUTCOME_LABELS = {
    "goals_reached": _l("Goals reached"),
    "partly_reached": _l("Goals partly reached"),
    "stopped_by_family": _l("Stopped by the family"),
    "referred_onwards": _l("Referred onwards"),
    "other": _l("Other"),
}
# How an offer stands, for the family and the referrer (services.episode_state).
EPISODE_STATE_LABELS = {
    "planned": _l("planned"),
    "running": _l("running"),
    "ended": _l("ended"),
}
REFERRER_LABELS = {
    "parent": _l("the parent"),
    "staff": _l("municipal staff"),
    "school": _l("a school"),
    "provider": _l("a childcare provider"),
    "ckg": _l("the CKG"),
    "public": _l("a public service (OCMW, CAW)"),
    "company": _l("an organisation"),
    "other": _l("another referrer"),
    "loket": _l("the local childcare counter (loket)"),
}
ROLE_LABELS = {
    "ckg": _l("CKG worker"),
    "referrer": _l("referrer"),
    "family": _l("family"),
    "tenant_admin": _l("municipal administrator"),
    "export": _l("export of the family's data"),
}


def label(mapping: dict, code: str) -> str:
    return str(mapping.get(code, code))


TEMPLATE_LABELS = {
    "status": STATUS_LABELS,
    "offer": OFFER_LABELS,
    "urgency": URGENCY_LABELS,
    "domain": DOMAIN_LABELS,
    "override": OVERRIDE_LABELS,
    "outcome": OUTCOME_LABELS,
    "referrer": REFERRER_LABELS,
    "role": ROLE_LABELS,
    "episode_state": EPISODE_STATE_LABELS,
}
