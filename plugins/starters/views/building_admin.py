"""Staff keep buildings up to date: edit, withdraw or offer again, photos; photos are served to
whoever may see the buildings page (a withdrawn building's only to staff)."""

from __future__ import annotations

import io
import uuid

from flask import abort, current_app, flash, g, redirect, send_file, url_for
from flask_babel import gettext as _
from sqlmodel import select
from werkzeug.exceptions import RequestEntityTooLarge

from core import audit
from core.file_store import FileRefused, StoredFileMissing
from core.identity.access import can, require_permission
from core.rendering import render
from core.web import db_session
from plugins.starters import photos, uploads
from plugins.starters.access import APPLY, MANAGE_CATALOGUE, is_reviewer
from plugins.starters.forms import BuildingForm, BuildingPhotoForm, BuildingStatusForm
from plugins.starters.messages import photo_message
from plugins.starters.models import Building, BuildingPhoto
from plugins.starters.views.common import blueprint, get_or_404


def photos_of(building_id: uuid.UUID) -> list[BuildingPhoto]:
    return list(
        db_session().exec(
            select(BuildingPhoto)
            .where(BuildingPhoto.building_id == building_id)
            .order_by(BuildingPhoto.uploaded_at)
        )
    )


def _edit_page(building: Building, *, form=None, photo_form=None, status: int = 200):
    return (
        render(
            "starters/building_edit.html",
            building=building,
            form=form or BuildingForm(formdata=None, obj=building),
            photo_form=photo_form or BuildingPhotoForm(formdata=None),
            failed=form if form is not None and form.errors else photo_form,
            photos=photos_of(building.id),
            map_link=photos.map_link(building.address),
        ),
        status,
    )


def _to_edit(building: Building):
    return redirect(url_for("starters.edit_building", building_id=building.id), 303)


@blueprint.get("/panden/<uuid:building_id>/bewerken")
@require_permission(MANAGE_CATALOGUE)
def edit_building(building_id: uuid.UUID):
    return _edit_page(get_or_404(Building, building_id))


@blueprint.post("/panden/<uuid:building_id>/bewerken")
@require_permission(MANAGE_CATALOGUE)
def save_building(building_id: uuid.UUID):
    building = get_or_404(Building, building_id)
    form = BuildingForm()
    if not form.validate_on_submit():
        return _edit_page(building, form=form, status=422)
    for name, value in form.values().items():
        setattr(building, name, value)
    session = db_session()
    session.add(building)
    audit.record(
        session,
        action="starters.building_changed",
        object_type="starters_building",
        object_id=building.id,
    )
    session.commit()
    flash(_("The building was saved."))
    return _to_edit(building)


def _set_status(building_id: uuid.UUID, status: str, action: str, message: str):
    building = get_or_404(Building, building_id)
    if not BuildingStatusForm().validate_on_submit():
        abort(400)
    session = db_session()
    building.status = status
    session.add(building)
    audit.record(session, action=action, object_type="starters_building", object_id=building.id)
    session.commit()
    flash(message)
    return _to_edit(building)


@blueprint.post("/panden/<uuid:building_id>/intrekken")
@require_permission(MANAGE_CATALOGUE)
def withdraw_building(building_id: uuid.UUID):
    """Starters no longer see a withdrawn building; its interests and photos stay for staff."""
    return _set_status(
        building_id,
        "withdrawn",
        "starters.building_withdrawn",
        _("The building was withdrawn: starters no longer see it."),
    )


@blueprint.post("/panden/<uuid:building_id>/opnieuw-aanbieden")
@require_permission(MANAGE_CATALOGUE)
def offer_building_again(building_id: uuid.UUID):
    return _set_status(
        building_id,
        "available",
        "starters.building_offered",
        _("The building is available again."),
    )


def _submitted_photo() -> tuple[BuildingPhotoForm, bool]:
    try:
        form = BuildingPhotoForm()
        return form, form.validate_on_submit()
    except RequestEntityTooLarge:
        form = BuildingPhotoForm(formdata=None)
        form.fail("photo", photo_message("too_big"))
        return form, False


@blueprint.post("/panden/<uuid:building_id>/fotos")
@require_permission(MANAGE_CATALOGUE)
def add_photo(building_id: uuid.UUID):
    building = get_or_404(Building, building_id)
    form, valid = _submitted_photo()
    if valid and len(photos_of(building.id)) >= photos.MAX_PHOTOS_PER_BUILDING:
        form.fail("photo", photo_message("too_many", str(photos.MAX_PHOTOS_PER_BUILDING)))
        valid = False
    if valid:
        upload = form.photo.data
        try:
            data, name, content_type = photos.accept_photo(
                upload.stream, upload.filename, upload.mimetype, uploads.virus_scanner()
            )
        except uploads.UploadRefused as refusal:
            if refusal.code == "scan_failed":
                current_app.logger.error("starters: virus scan failed: %s", refusal.detail)
            form.fail("photo", photo_message(refusal.code, refusal.detail))
            valid = False
    if not valid:
        return _edit_page(building, photo_form=form, status=422)
    session = db_session()
    files = uploads.file_store()
    try:
        stored_name = files.put_pending(
            g.tenant.id, building.id, data, max_bytes=photos.PHOTO_MAX_BYTES
        )
    except FileRefused as refused:
        form.fail("photo", photo_message(refused.code))
        return _edit_page(building, photo_form=form, status=422)
    photo = BuildingPhoto(
        building_id=building.id,
        original_name=name,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        caption=form.caption.data or "",
    )
    session.add(photo)
    audit.record(
        session,
        action="starters.building_photo_added",
        object_type="starters_building",
        object_id=building.id,
    )
    try:
        session.commit()
    except BaseException:
        files.discard(g.tenant.id, building.id, stored_name)
        raise
    files.publish(g.tenant.id, building.id, stored_name)
    flash(_("The photo was added."))
    return _to_edit(building)


@blueprint.post("/panden/fotos/<uuid:photo_id>/verwijderen")
@require_permission(MANAGE_CATALOGUE)
def remove_photo(photo_id: uuid.UUID):
    photo = get_or_404(BuildingPhoto, photo_id)
    building = get_or_404(Building, photo.building_id)
    if not BuildingStatusForm().validate_on_submit():
        abort(400)
    session = db_session()
    uploads.file_store().remove(g.tenant.id, building.id, photo.stored_name)
    session.delete(photo)
    audit.record(
        session,
        action="starters.building_photo_removed",
        object_type="starters_building",
        object_id=building.id,
    )
    session.commit()
    flash(_("The photo was removed."))
    return _to_edit(building)


@blueprint.get("/panden/fotos/<uuid:photo_id>")
def building_photo(photo_id: uuid.UUID):
    if g.get("user") is None:
        abort(401)
    staff = is_reviewer() or can(MANAGE_CATALOGUE)
    if not (staff or can(APPLY)):
        abort(404)
    photo = get_or_404(BuildingPhoto, photo_id)
    building = get_or_404(Building, photo.building_id)
    if building.status == "withdrawn" and not staff:
        abort(404)
    try:
        data = uploads.file_store().read(g.tenant.id, building.id, photo.stored_name)
    except (FileRefused, StoredFileMissing):
        abort(404)
    # Served with the type proven at upload, never the one sent; the browser may not guess.
    response = send_file(io.BytesIO(data), mimetype=photo.content_type, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
