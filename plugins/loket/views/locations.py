"""Location pages: the CSV import (preview, then chunks with progress) and the details page.

Staff see every location; a provider member only the locations of its own organisations.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from core import audit
from core.identity.access import can, require_permission
from core.rendering import render
from core.request_context import current_actor
from core.web import db_session
from plugins.loket import areas, forms, location_import, providers, reserve
from plugins.loket import locations as location_details
from plugins.loket.models import (
    AGE_GROUPS,
    CARE_NEEDS,
    DAY_PARTS,
    LOCATION_KINDS,
    TARIFFS,
    WEEKDAYS,
    FreePlace,
    Location,
    LocationImport,
)
from plugins.loket.views.common import (
    _context,
    _locations,
    _provider_location_ids,
    blueprint,
    settings,
)


def _editable_location(location_id: uuid.UUID) -> Location:
    """The location, if the visitor is loket staff or acts for its provider; else 404/403."""
    if g.get("user") is None:
        abort(401)
    if not (can("loket.manage") or can("loket.places")):
        abort(403)
    location = db_session().get(Location, location_id)
    if location is None:
        abort(404)
    if not can("loket.manage") and location_id not in _provider_location_ids():
        abort(404)
    return location


def _provider_choices(session) -> list[tuple[str, str]]:
    return [("", _("No provider yet"))] + [
        (str(organisation.id), organisation.name)
        for organisation in providers.provider_organisations(session)
    ]


def _chosen_provider(field) -> uuid.UUID | None:
    return uuid.UUID(field.data) if field.data else None


def _page(location: Location, form: forms.LocationForm | None = None, *, status: int = 200):
    session = db_session()
    if form is None:
        stored = {
            "provider_organisation_id": str(location.provider_organisation_id or ""),
            "reserve_places": location.reserve_places,
            "tariff": location.tariff,
            "care_needs": location.care_needs,
            "opening_days": location.opening_days,
            "day_parts": location.day_parts,
            "area": location.area,
            "participates": location.participates,
            "vulnerable_subsidy": location.vulnerable_subsidy,
            "contact_phone": location.contact_phone,
            "contact_email": location.contact_email,
        }
        capacities = location_details.capacities_of(db_session(), location)
        form = forms.LocationForm(formdata=None, data=stored)
        form.provider_organisation_id.choices = _provider_choices(session)
        for group, field in form.capacity_fields().items():
            field.data = capacities.get(group)
    return render(
        "loket/location_edit.html",
        **_context(
            location=location,
            form=form,
            derived_area=areas.derived_area(location.postcode, location.municipality),
            tariffs=TARIFFS,
            care_needs=CARE_NEEDS,
            weekdays=WEEKDAYS,
            day_parts=DAY_PARTS,
            age_groups=AGE_GROUPS,
            manages=can("loket.manage"),
            reserve=reserve.reserve_of(session, location, settings()),
            free_places=[
                place
                for place in session.exec(
                    select(FreePlace)
                    .where(FreePlace.location_id == location.id, FreePlace.places > 0)
                    .order_by(FreePlace.available_from)
                )
            ],
            back=url_for("loket.locations" if can("loket.manage") else "loket.places"),
        ),
    ), status


@blueprint.get("/locaties/<uuid:location_id>")
def edit_location(location_id: uuid.UUID):
    return _page(_editable_location(location_id))


@blueprint.post("/locaties/<uuid:location_id>")
def save_location(location_id: uuid.UUID):
    session = db_session()
    location = _editable_location(location_id)
    form = forms.LocationForm()
    form.provider_organisation_id.choices = _provider_choices(session)
    if not form.validate_on_submit():
        return _page(location, form, status=422)
    data = form.location_input()
    if can("loket.manage"):
        # Only staff link a location to a provider; a provider member's form has no such field.
        location.provider_organisation_id = _chosen_provider(form.provider_organisation_id)
        # Opgroeien grants the subsidy; the municipality records it, not the provider itself.
        location.vulnerable_subsidy = bool(form.vulnerable_subsidy.data)
    location_details.update_location(session, location, data)
    audit.record(
        session,
        action="loket.location_updated",
        object_type="loket_location",
        object_id=location.id,
        detail={
            "care_needs": location.care_needs,
            "capacity": data.capacity,
            "provider_organisation_id": str(location.provider_organisation_id or ""),
            "reserve_places": location.reserve_places,
            "vulnerable_subsidy": location.vulnerable_subsidy,
            "tariff": location.tariff,
        },
    )
    session.commit()
    flash(_("The location was saved."))
    return redirect(url_for("loket.edit_location", location_id=location.id))


@blueprint.route("/locaties/nieuw", methods=["GET", "POST"])
@require_permission("loket.manage")
def new_location():
    """Staff add one location by hand and link it to its provider organisation."""
    session = db_session()
    form = forms.NewLocationForm()
    form.provider_organisation_id.choices = _provider_choices(session)
    status = 200
    if form.validate_on_submit():
        location = location_details.create_location(
            session,
            location_details.NewLocation(
                name=form.name.data,
                kind=form.kind.data,
                postcode=form.postcode.data,
                address=form.address.data or "",
                municipality=form.municipality.data or "",
                provider_organisation_id=_chosen_provider(form.provider_organisation_id),
                capacity=form.capacity.data,
                tariff=form.tariff.data or "income_related",
                vulnerable_subsidy=bool(form.vulnerable_subsidy.data),
                contact_phone=form.contact_phone.data or "",
                contact_email=form.contact_email.data or "",
            ),
        )
        if location is not None:
            audit.record(
                session,
                action="loket.location_created",
                object_type="loket_location",
                object_id=location.id,
                detail={
                    "provider_organisation_id": str(location.provider_organisation_id or ""),
                    "tariff": location.tariff,
                    "vulnerable_subsidy": location.vulnerable_subsidy,
                },
            )
            session.commit()
            flash(_("The location was added: fill in what it offers."))
            return redirect(url_for("loket.edit_location", location_id=location.id))
        form.fail("name", _("A location with this name and postcode already exists."))
    if form.is_submitted():
        status = 422
    return render(
        "loket/location_new.html", **_context(form=form, kinds=LOCATION_KINDS, tariffs=TARIFFS)
    ), status


# -- the CSV import --------------------------------------------------------------------------


@blueprint.route("/locaties", methods=["GET", "POST"])
@require_permission("loket.manage")
def locations():
    """Upload and preview: the checked rows are kept as an import the staff member confirms."""
    session = db_session()
    context: dict = {"report": None, "import_errors": [], "pending_import": None}
    status = 200
    form = forms.LocationImportForm()
    if form.validate_on_submit():
        upload = form.csv_file.data
        report = location_import.read_locations(session, _decode(upload.read()))
        context["report"] = report
        if report.file_errors:
            context["import_errors"] += [_import_message(c) for c in report.file_errors]
            status = 422
        elif report.valid_rows:
            context["pending_import"] = location_import.start_import(
                session, report, file_name=upload.filename, actor=current_actor()
            )
            session.commit()
    elif form.is_submitted():
        context["import_errors"] += [message for _id, message in form.error_summary()]
        status = 422
    return render(
        "loket/locations.html",
        **_context(
            locations=_locations(),
            unfinished=location_import.unfinished_imports(session),
            import_message=_import_message,
            preview_limit=PREVIEW_ROWS,
            area_of=areas.area_of,
            provider_names={o.id: o.name for o in providers.provider_organisations(session)},
            **context,
        ),
    ), status


PREVIEW_ROWS = 100  # valid rows listed in a preview; every row with an error is listed


def _location_import(import_id: uuid.UUID) -> LocationImport:
    found = db_session().get(LocationImport, import_id)
    if found is None:
        abort(404)
    return found


@blueprint.get("/locaties/import/<uuid:import_id>")
@require_permission("loket.manage")
def location_import_progress(import_id: uuid.UUID):
    """How far an import is; offers the next step (htmx asks for it by itself)."""
    return render(
        "loket/location_import.html", block="progress", record=_location_import(import_id)
    )


@blueprint.post("/locaties/import/<uuid:import_id>")
@require_permission("loket.manage")
def location_import_step(import_id: uuid.UUID):
    """Apply the next chunk of rows. htmx gets the progress fragment; a plain form a redirect."""
    session = db_session()
    record = _location_import(import_id)
    first_step = record.applied == 0
    applied = location_import.apply_next_chunk(session, record)
    if applied and record.done:
        audit.record(
            session,
            action="loket.locations_imported",
            object_type="loket_location_import",
            object_id=record.id,
            detail={"created": record.created, "updated": record.updated},
        )
    elif applied and first_step:
        audit.record(
            session,
            action="loket.location_import_started",
            object_type="loket_location_import",
            object_id=record.id,
            detail={"rows": record.total},
        )
    session.commit()
    if request.headers.get("HX-Request"):
        return render("loket/location_import.html", block="progress", record=record)
    return redirect(url_for("loket.location_import_progress", import_id=record.id))


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _import_message(code: str) -> str:
    code, _sep, detail = code.partition(":")
    words = {
        "empty": _("The file is empty."),
        "unreadable": _(
            "The file cannot be read as a list: save it again as CSV (UTF-8) and try again."
        ),
        "missing_columns": _("Columns missing: %(columns)s.", columns=detail),
        "too_many_rows": _(
            "The file has more than %(count)d rows: split it and import the parts one by one.",
            count=location_import.MAX_ROWS,
        ),
        "name_missing": _("The name is missing."),
        "postcode_invalid": _("The postcode must have four digits."),
        "kind_unknown": _("The type must be group childcare, childminder or out-of-school care."),
        "capacity_invalid": _("The capacity must be a number from 0 to 1000."),
        "duplicate_of_line": _("Same location as line %(line)s.", line=detail),
        "tariff_unknown": _(
            "The price type “%(value)s” is unknown: write “inkomensgerelateerd” or “vrije prijs”.",
            value=detail,
        ),
        "subsidy_unknown": _(
            "The subsidy for vulnerable families “%(value)s” is unknown: write “ja” or “nee”.",
            value=detail,
        ),
        "phone_invalid": _(
            "The phone number “%(value)s” is not valid: write it like 011 42 12 34.",
            value=detail,
        ),
        "email_invalid": _(
            "The e-mail address “%(value)s” is not valid: write one address, like name@example.be.",
            value=detail,
        ),
        "organisation_unknown": _(
            "No provider organisation “%(name)s” works in the loket here: ask the "
            "municipality's administrator to admit it, or leave the cell empty.",
            name=detail,
        ),
    }
    return words.get(code, code)
