"""How the plugin's codes read on screen (lazy: each reader gets their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.training.services import DropoutReason, IntakeOutcome, Qualification, Schedule, Stage

STAGE_LABELS = {
    Stage.INTERESTED: _l("Interested"),
    Stage.INFO_SESSION_ATTENDED: _l("Info session attended"),
    Stage.INTAKE: _l("Intake"),
    Stage.ENROLLED: _l("Enrolled"),
    Stage.IN_TRAINING: _l("In training"),
    Stage.INTERNSHIP: _l("Internship"),
    Stage.GRADUATED: _l("Graduated"),
    Stage.EMPLOYED: _l("Employed"),
    Stage.DROPPED_OUT: _l("Dropped out"),
}
INTAKE_LABELS = {
    IntakeOutcome.SUITABLE: _l("Suitable"),
    IntakeOutcome.NOT_YET: _l("Not yet"),
    IntakeOutcome.OTHER_ROUTE: _l("Another route"),
}
DROPOUT_LABELS = {
    DropoutReason.OWN_CHILDCARE_MISSING: _l("No childcare for own child"),
    DropoutReason.SCHEDULE: _l("The hours do not fit"),
    DropoutReason.FINANCES: _l("Finances"),
    DropoutReason.HEALTH: _l("Health"),
    DropoutReason.OTHER: _l("Other"),
}
QUALIFICATION_LABELS = {
    Qualification.KINDERBEGELEIDER: _l("Childcare worker (kinderbegeleider)"),
    Qualification.ONTHAALOUDER: _l("Family childminder (onthaalouder)"),
}
SCHEDULE_LABELS = {
    Schedule.DAY: _l("Daytime"),
    Schedule.EVENING: _l("Evenings"),
    Schedule.DUAL: _l("Dual (learning and working)"),
}
SEAT_LABELS = {
    "registered": _l("Seat confirmed"),
    "waiting": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
    "added": _l("Added by a training partner"),
}
HOURS_STATUS_LABELS = {
    "pending": _l("Waiting for the mentor"),
    "confirmed": _l("Confirmed"),
    "rejected": _l("Rejected by the mentor"),
}

DOCUMENT_LABELS = {
    "criminal_record": _l("Criminal-record extract (model 2)"),
    "diploma": _l("Diploma"),
}

TIMELINE_LABELS = {
    "stage": _l("Stage"),
    "progress": _l("Progress"),
    "registration": _l("Registration"),
    "handoff": _l("Loket request started"),
    "loket": _l("Loket"),
}
# Language names in their own language: the candidate recognises their own.
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "ar": "العربية",
    "tr": "Türkçe",
    "pl": "Polski",
    "ro": "Română",
    "uk": "Українська",
}

TEMPLATE_LABELS = {
    "stage": STAGE_LABELS,
    "intake": INTAKE_LABELS,
    "dropout": DROPOUT_LABELS,
    "qualification": QUALIFICATION_LABELS,
    "schedule": SCHEDULE_LABELS,
    "seat": SEAT_LABELS,
    "hours_status": HOURS_STATUS_LABELS,
    "document": DOCUMENT_LABELS,
    "timeline": TIMELINE_LABELS,
    "language": LANGUAGE_NAMES,
}


def label(kind: str, code: str) -> str:
    return str(TEMPLATE_LABELS[kind].get(code, code))


def timeline_text(entry) -> str:
    """One line of a candidate's timeline in the reader's language."""
    parts = [str(TIMELINE_LABELS.get(entry.kind, entry.kind))]
    if entry.kind == "stage" and entry.to_stage:
        before = f"{label('stage', entry.from_stage)} → " if entry.from_stage else ""
        parts.append(f"{before}{label('stage', entry.to_stage)}")
        if entry.to_stage == Stage.INTAKE and entry.detail:
            parts.append(label("intake", entry.detail))
        elif entry.to_stage == Stage.DROPPED_OUT and entry.detail:
            parts.append(label("dropout", entry.detail))
        elif entry.detail:
            parts.append(entry.detail)
    elif entry.kind == "registration":
        parts.append(label("seat", entry.detail))
    elif entry.kind == "loket" and entry.detail:
        parts.append(str(_l("draft request %(reference)s", reference=entry.detail[:8])))
    elif entry.detail and entry.kind != "handoff":
        parts.append(entry.detail)
    return " · ".join(parts)


def actor_text(actor: str) -> str:
    if actor == "public-form":
        return str(_l("the candidate, through the form"))
    if actor == "loket":
        return str(_l("the local childcare counter"))
    return actor
