"""A throw-away plugin for core tests: tenant-owned families with children, and pages about them.

It is registered on the plugin manager by the tests only (never through an entry point), so the
core is proven without relying on the real plugins.
"""

import uuid
from datetime import timedelta
from typing import Optional

from flask import Blueprint, abort, g, request
from sqlmodel import Field, Relationship, select

from core.db import TenantScoped, new_id
from core.hookspecs import hookimpl
from core.plugin_types import DashboardCard, MenuItem, PluginManifest, ScheduledJob, SettingField
from core.rendering import render
from core.web import db_session

MANIFEST = PluginManifest(
    name="probe",
    title_nl="Proefmodule",
    title_en="Probe module",
    blueprints=("tests.core.probe_plugin:blueprint",),
    migrations="probe_migrations",
    templates="templates",
    jobs=(
        ScheduledJob(
            name="probe.count-families",
            run="tests.core.probe_plugin:count_families",
            every=timedelta(hours=1),
            description="Counts the tenant's families (tests of the job runner).",
        ),
    ),
    settings=(
        SettingField(
            "max_children",
            "Maximum kinderen",
            "Maximum children",
            kind="int",
            default=4,
            minimum=1,
            maximum=9,
        ),
        SettingField(
            "mode",
            "Modus",
            "Mode",
            kind="choice",
            default="calm",
            choices=("calm", "busy"),
            choice_labels=(("Rustig", "Calm"), ("Druk", "Busy")),
        ),
    ),
)
calls: list[tuple[str, str]] = []


class ProbeFamily(TenantScoped, table=True):
    __tablename__ = "probe_family"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str
    children: list["ProbeChild"] = Relationship(back_populates="family")


class ProbeChild(TenantScoped, table=True):
    __tablename__ = "probe_child"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str
    family_id: uuid.UUID = Field(foreign_key="probe_family.id", index=True)
    family: Optional["ProbeFamily"] = Relationship(back_populates="children")


blueprint = Blueprint("probe", __name__, url_prefix="/probe")


@blueprint.get("/")
def family_list():
    families = db_session().exec(select(ProbeFamily).order_by(ProbeFamily.name)).all()
    return render("probe/families.html", families=families, block="family_list")


@blueprint.get("/families/<uuid:family_id>")
def family_detail(family_id: uuid.UUID):
    family = db_session().get(ProbeFamily, family_id)
    if family is None:
        abort(404)
    return render("probe/family.html", family=family, block="children")


@blueprint.get("/children/<uuid:child_id>/family")
def child_family(child_id: uuid.UUID):
    child = db_session().get(ProbeChild, child_id)
    if child is None:
        abort(404)
    return {"family": child.family.name if child.family else None}


@blueprint.get("/search")
def search():
    term = request.args.get("q", "")
    rows = db_session().exec(select(ProbeChild).where(ProbeChild.name.contains(term))).all()
    return {"children": [child.name for child in rows], "tenant": g.tenant.slug}


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def menu_items(tenant, user):
    calls.append(("menu_items", tenant.slug))
    return [MenuItem(label="Proefmodule", endpoint="probe.family_list", order=5)]


@hookimpl
def dashboard_cards(tenant, user):
    return [
        DashboardCard(
            title="Proefkaart", body="Kaart van de proefmodule", endpoint="probe.family_list"
        )
    ]


@hookimpl
def on_event(event):
    calls.append(("on_event", event.name))


@hookimpl
def monitoring_figures(tenant, session):
    from core.plugin_types import Figure

    count = len(session.exec(select(ProbeFamily)).all())
    with_children = len(session.exec(select(ProbeChild.family_id).distinct()).all())
    share = round(100 * with_children / count) if count else 0
    return [
        Figure(key="probe.families", label="Gezinnen", value=count),
        Figure(
            key="probe.share_with_children",
            label="Gezinnen met kinderen",
            value=share,
            unit="%",
            combine="mean",
        ),
        Figure(
            key="probe.last_family_number",
            label="Laatste dossiernummer",
            value=count,
            combine="none",
        ),
    ]


def count_families(session, tenant, now) -> str:
    return f"{len(session.exec(select(ProbeFamily)).all())} families"
