"""The partner directory (sociale kaart): what each member offers families, searchable.

Anyone (also without signing in) finds the services a partner marked public, when the
municipality shows its social map publicly; members and staff also find the services their
networks keep for professionals only.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext, ngettext
from sqlmodel import select

from core import audit
from core.db import utcnow
from core.rendering import announce_when_swapped, render
from core.web import db_session
from plugins.networks import access, store
from plugins.networks.forms import ServiceForm, read_directory_query
from plugins.networks.models import DirectoryService, NetworkMember
from plugins.networks.services import RuleError, check_service, search_services
from plugins.networks.web import blueprint


def _visible_services(session) -> list[DirectoryService]:
    """Public services, plus those of the members of networks the user may see."""
    services = {s.id: s for s in store.public_services(session)}
    if access.is_manager():
        services.update({s.id: s for s in store.services_of_members(session, None)})
    elif g.get("user") is not None:
        networks = access.visible_networks(session)
        member_ids = {m.id for network in networks for m in store.members_of(session, network.id)}
        services.update({s.id: s for s in store.services_of_members(session, member_ids)})
    return list(services.values())


def _editable_members(session) -> list[NetworkMember]:
    """Members whose services the user may write: staff any, a partner its own organisation's."""
    if access.is_manager():
        members = session.exec(
            select(NetworkMember)
            .where(NetworkMember.ended_at.is_(None))
            .order_by(NetworkMember.name)
        ).all()
    else:
        mine = access.acting_organisation_ids()
        if not mine:
            return []
        members = session.exec(
            select(NetworkMember)
            .where(NetworkMember.organisation_id.in_(mine), NetworkMember.ended_at.is_(None))
            .order_by(NetworkMember.name)
        ).all()
    return list(members)


@blueprint.get("/sociale-kaart")
def directory():
    session = db_session()
    if g.get("user") is None and not store.networks_settings(session)["directory_public"]:
        abort(401)
    query = read_directory_query(request.args)
    services = _visible_services(session)
    members = store.members_by_id(session, {s.member_id for s in services})
    # A network's name shows only to those who may see the network itself.
    networks = {n.id: n for n in access.visible_networks(session)} if g.get("user") else {}
    results = search_services(services, {m.id: m.name for m in members.values()}, query)
    editable = {m.id for m in _editable_members(session)} if g.get("user") else set()
    page = render(
        "networks/directory.html",
        block="results",
        query=query,
        results=results,
        members=members,
        network_names={
            member.id: networks[member.network_id].name
            for member in members.values()
            if member.network_id in networks
        },
        may_add=bool(editable),
        editable_services={s.id for s in results if s.member_id in editable},
    )
    found = len(results)
    return announce_when_swapped(
        page, ngettext("%(num)d service found", "%(num)d services found", found)
    )


@blueprint.route("/sociale-kaart/nieuw", methods=["GET", "POST"])
@access.require_signed_in
def new_service():
    return _service_form(None)


@blueprint.route("/sociale-kaart/<uuid:service_id>/bewerken", methods=["GET", "POST"])
@access.require_signed_in
def edit_service(service_id: uuid.UUID):
    service = db_session().get(DirectoryService, service_id)
    if service is None:
        abort(404)
    return _service_form(service)


def _service_form(service: DirectoryService | None):
    session = db_session()
    editable = _editable_members(session)
    editable_ids = {m.id for m in editable}
    if service is not None and service.member_id not in editable_ids:
        abort(404)
    if not editable:
        abort(403)
    form = ServiceForm()
    if not form.is_submitted():  # GET, and HEAD, never save
        form = ServiceForm(formdata=None, data=_stored_values(service, editable))
        return _form_page(service, editable, form)
    valid = form.validate()
    data = form.to_input()
    try:
        check_service(data, editable_ids)
    except RuleError as error:
        form.apply_rules(error.errors)
        valid = False
    if not valid:
        return _form_page(service, editable, form, 422)
    service = service or DirectoryService(member_id=data.member_id, name=data.name)
    for key in (
        "member_id",
        "name",
        "description",
        "category",
        "target_group",
        "how_to_reach",
        "cost",
        "cost_note",
        "contact",
        "public",
    ):
        setattr(service, key, getattr(data, key))
    service.languages = list(data.languages)
    service.updated_at = utcnow()
    session.add(service)
    audit.record(
        session,
        action="networks.service_saved",
        object_type="networks_service",
        object_id=service.id,
        detail={"public": service.public},
    )
    session.commit()
    flash(gettext("Service %(service)s saved.", service=service.name))
    return redirect(url_for("networks.directory", q=service.name), code=303)


def _stored_values(service: DirectoryService | None, editable: list[NetworkMember]) -> dict:
    """What the form shows before a submit: the stored service, or a new one's defaults."""
    if service is None:
        mine = access.acting_organisation_ids()
        own = [m for m in editable if m.organisation_id in mine]
        return {"member": own[0].id if own else None, "languages": ["nl"], "cost": "free"}
    values = {
        key: getattr(service, key)
        for key in (
            "name",
            "description",
            "category",
            "target_group",
            "how_to_reach",
            "cost",
            "cost_note",
            "contact",
            "public",
        )
    }
    values["member"] = service.member_id
    values["languages"] = list(service.languages)
    return values


def _form_page(service, editable, form: ServiceForm, status: int = 200):
    return (
        render("networks/service_form.html", service=service, editable=editable, form=form),
        status,
    )
