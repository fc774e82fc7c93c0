"""Hook implementations of the starters plugin: support for people starting a childcare facility.

A municipality publishes support measures (a contact point, information, a start-up premium,
buildings, training, coaching); starters apply for them step by step; staff review each measure.
Company agreements reserve places for a company's employees; the loket plugin reads them through
the ``reserved_places`` hook. Submitted applications answer ``planned_places``, so the training
plugin can set the childcare workers it trains against the places about to open.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from core.formatting import format_quarter
from core.hookspecs import hookimpl
from core.plugin_types import (
    DashboardCard,
    Figure,
    MenuItem,
    Permission,
    PlannedPlaces,
    PluginManifest,
    ReservedPlaceClaim,
    ReservedPlaces,
    ScheduledJob,
    SettingField,
)
from plugins.starters.letter_defaults import (
    DEFAULT_APPEAL_DAYS,
    DEFAULT_APPEAL_ROUTE,
    DEFAULT_OPENING,
    DEFAULT_SIGNATORY,
)

MANIFEST = PluginManifest(
    name="starters",
    title_nl="Starters in de kinderopvang",
    title_en="Childcare starters",
    description_nl="Ondersteuning voor wie een kinderopvang opstart: maatregelen, aanvragen en panden.",
    description_en="Support for people starting a childcare facility: measures, applications and buildings.",
    blueprints=("plugins.starters.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    cli=("plugins.starters.cli:starters_cli",),
    jobs=(
        ScheduledJob(
            name="starters.settle-uploads",
            run="plugins.starters.jobs:settle_uploads",
            every=timedelta(hours=1),
            description="Publish or remove uploads a dying worker left pending.",
            per_tenant=False,
        ),
    ),
    permissions=(
        Permission(
            "starters.apply",
            "Ondersteuning aanvragen als starter in de kinderopvang",
            "Apply for support as a childcare starter",
            roles=("starter",),
            # The starter's own application: reviewers and admins decide, they do not apply.
            personal=True,
        ),
        Permission(
            "starters.review",
            "Aanvragen van starters behandelen en beslissen",
            "Review and decide starters' applications",
            roles=("staff",),
        ),
        Permission(
            "starters.manage_catalogue",
            "Maatregelen, panden en bedrijfsafspraken beheren",
            "Manage measures, buildings and company agreements",
            roles=("staff",),
        ),
    ),
    settings=(
        SettingField(
            "contact_email",
            "E-mailadres van het aanspreekpunt",
            "Contact point e-mail address",
            kind="str",
            default="",
        ),
        SettingField(
            "letter_opening",
            "Beslissingsbrief: inleidende tekst",
            "Decision letter: opening text",
            kind="str",
            default=DEFAULT_OPENING,
        ),
        SettingField(
            "appeal_route",
            "Beslissingsbrief: hoe en bij wie de starter bezwaar of beroep indient",
            "Decision letter: how and where the starter lodges an objection or appeal",
            kind="str",
            default=DEFAULT_APPEAL_ROUTE,
        ),
        SettingField(
            "appeal_days",
            "Beslissingsbrief: termijn voor bezwaar in dagen",
            "Decision letter: term for an objection in days",
            kind="int",
            default=DEFAULT_APPEAL_DAYS,
            minimum=1,
            maximum=365,
        ),
        SettingField(
            "letter_signatory",
            "Beslissingsbrief: ondertekening",
            "Decision letter: signed by",
            kind="str",
            default=DEFAULT_SIGNATORY,
        ),
        SettingField(
            "second_approval_above_eur",
            "Tweede goedkeuring (vier ogen) voor bedragen boven (euro, 0 = nooit)",
            "Second approval (four eyes) for amounts above (euro, 0 = never)",
            kind="int",
            default=0,
            minimum=0,
            maximum=1_000_000,
        ),
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [MenuItem(label=MANIFEST.title(current_language()), endpoint="starters.index", order=30)]


@hookimpl
def dashboard_cards(tenant, user):
    from core.i18n import current_language

    language = current_language()
    return [
        DashboardCard(
            title=MANIFEST.title(language),
            body=MANIFEST.description(language),
            endpoint="starters.index",
            order=30,
        )
    ]


@hookimpl
def reserved_places(tenant, session):
    from sqlmodel import select

    from plugins.starters.company_places import claims_by_agreement
    from plugins.starters.models import CompanyAgreement

    agreements = session.exec(select(CompanyAgreement).order_by(CompanyAgreement.starts_on))
    claims = claims_by_agreement(session)
    return [_reserved(agreement, claims.get(agreement.id, ())) for agreement in agreements]


def _reserved(agreement, claims=()) -> ReservedPlaces:
    return ReservedPlaces(
        location_id=agreement.location_id,
        facility_name=agreement.facility_name,
        company=agreement.company,
        places=agreement.places,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        reference=str(agreement.id),
        claimed_by=tuple(claim.request_id for claim in claims),
    )


@hookimpl
def reserved_places_for_employee(tenant, session, user):
    from datetime import date

    from plugins.starters.company_places import agreements_for_employee, claims_by_agreement

    # Only the user's own claims: other employees' requests are none of their business.
    claims = {
        agreement_id: [claim for claim in rows if claim.user_id == user.id]
        for agreement_id, rows in claims_by_agreement(session).items()
    }
    return [
        _reserved(row, claims.get(row.id, ()))
        for row in agreements_for_employee(session, user, date.today())
    ]


@hookimpl
def claim_reserved_place(tenant, session, user, reference, request_id):
    from datetime import date

    from flask_babel import gettext as _

    from core import audit
    from plugins.starters import company_places, notifications

    try:
        claim, new = company_places.claim(session, user, reference, request_id, date.today())
    except company_places.ClaimRefused:
        return ReservedPlaceClaim(
            accepted=False,
            reason=_(
                "These places cannot be claimed with your account: it needs an e-mail address "
                "you proved on your employer's domain, and the company's agreement must run."
            ),
        )
    if new:
        audit.record(
            session,
            action="starters.company_place_claimed",
            object_type="starters_company_place_claim",
            object_id=claim.id,
        )
        notifications.company_place_claimed(session, tenant, claim)
    return ReservedPlaceClaim(accepted=True)


@hookimpl
def planned_places(tenant, session):
    from plugins.starters.services import planned_facilities

    return [
        PlannedPlaces(
            facility_kind=planned.facility_kind,
            places=planned.places,
            opening_on=planned.opening_on,
            status=planned.status,
        )
        for planned in planned_facilities(session)
    ]


@hookimpl
def demo_data(tenant, session):
    from plugins.starters.demo import load_demo_data

    load_demo_data(tenant, session)


@hookimpl
def monitoring_figures(tenant, session):
    from plugins.starters.services import figures

    counted = figures(session)
    status_labels = {
        "draft": _l("Applications being drafted"),
        "submitted": _l("Applications submitted"),
        "information_requested": _l("Applications awaiting requested information"),
        "decided": _l("Applications decided"),
    }
    result = [
        Figure(key=f"starters.applications.{status}", label=status_labels[status], value=count)
        for status, count in counted.by_status.items()
    ]
    result += [
        Figure(
            key=f"starters.planned_places.{quarter}",
            # The quarter is written when the label is: "2027-K1" on a Dutch page.
            label=_l(
                "Planned places opening in %(quarter)s",
                quarter=LazyString(format_quarter, quarter),
            ),
            value=places,
            unit=_l("places"),
        )
        for quarter, places in counted.planned_places_by_quarter.items()
    ]
    return result


@hookimpl
def export_subject_data(tenant, subject, session):
    from plugins.starters.privacy import export_subject

    return export_subject(session, subject)


@hookimpl
def erase_subject_data(tenant, subject, session):
    from plugins.starters.privacy import erase_subject

    return erase_subject(session, subject)


@hookimpl
def readiness_checks(app):
    from plugins.starters.uploads import upload_store_writable

    return {"starters.uploads": lambda: upload_store_writable(app)}


@hookimpl
def switch_off_warnings(tenant, session):
    from plugins.starters.switch_off import switch_off_warnings as warnings

    return warnings(session)
