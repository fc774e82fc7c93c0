"""Pages every host answers: the start page, health, language and the tenant's theme."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from sqlmodel import select

from core.health import (
    database_check,
    migrations_check,
    outbox_backlog,
    redis_check,
    run_checks,
    smtp_check,
)
from core.i18n import SUPPORTED_LOCALES
from core.models import Tenant
from core.municipality_profile import HomeProfile, configured_postcodes, find_municipalities
from core.page_cache import anonymous_page
from core.rendering import render
from core.tenancy import PATH_SLUG_KEY, Theme, normalise_host
from core.views.forms import MunicipalitySearchForm
from core.web import (
    database,
    db_session,
    registry,
    safe_local_path,
    tenant_directory,
    tenant_hooks,
)

blueprint = Blueprint("platform", __name__)


@blueprint.get("/")
def index():
    """A tenant's start page, or on the platform host the list of municipalities."""
    if g.tenant is None:
        return _front_door()
    return anonymous_page(_tenant_home)


def _tenant_home() -> str:
    cards = [
        card
        for cards in tenant_hooks().dashboard_cards(tenant=g.tenant, user=g.get("user"))
        for card in cards or ()
    ]
    return render(
        "tenant/home.html",
        cards=sorted(cards, key=lambda card: card.order),
        profile=HomeProfile.from_theme(g.tenant.theme),
    )


def _front_door():
    """The platform home: every municipality, or those whose name or postcode was searched.

    A plain GET form, so it works without JavaScript and a result can be bookmarked."""
    form = MunicipalitySearchForm()
    form.validate()
    query = form.value("q", "")
    with database().session() as lookup:
        tenants = lookup.exec(select(Tenant).where(Tenant.active).order_by(Tenant.name)).all()
    found = find_municipalities(tenants, query, _postcodes_of)
    return render_template(
        "platform/index.html",
        tenants=found,
        all_count=len(tenants),
        query=query,
        form=form if form.errors else None,
        search_form=form,
        themes={tenant.id: Theme.from_dict(tenant.theme) for tenant in found},
    )


def _postcodes_of(tenant) -> set[str]:
    """The postcodes a municipality serves: from its tenant file, and the postcodes of its
    childcare locations when a module answers ``childcare_locations`` (the loket does)."""
    codes = set(configured_postcodes(tenant.theme))
    resolved = tenant_directory().resolve(slug=tenant.slug, host="")
    if resolved is None:
        return codes
    with database().session(tenant.id) as scoped:
        for locations in (
            registry()
            .for_plugins(resolved.plugins)
            .childcare_locations(tenant=tenant, session=scoped)
        ):
            codes.update(str(location.postcode).strip() for location in locations or ())
    return codes


@blueprint.get("/healthz")
def healthz():
    """Liveness: this process answers. It touches no database and no tenant, so a slow
    dependency never gets a healthy worker restarted; ``/readyz`` says whether it can serve."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz():
    """Whether this process can serve: database, migrations at head, job queue, mail relay,
    each plugin's own needs, and how the outbox keeps up. 503 with the failed parts otherwise."""
    if not _on_the_platform_host():
        abort(404)  # the operator's endpoint, on the platform host only
    ready, checks = run_checks(readiness_checks(current_app))
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    body["database"] = "reachable" if checks["database"]["ok"] else "unreachable"
    if "mail" in checks:
        body["mail"] = {key: checks["mail"][key] for key in MAIL_FIGURES if key in checks["mail"]}
    return jsonify(body), 200 if ready else 503


MAIL_FIGURES = ("pending", "oldest_pending_seconds", "dead_letters")


def readiness_checks(app) -> dict:
    settings = app.extensions["opvangplein.settings"]
    registry = app.extensions["opvangplein.plugins"]
    checks = {
        "database": database_check(database()),
        "migrations": migrations_check(database(), registry),
        "mail": lambda: {"ok": True, **outbox_backlog(database())},
    }
    if settings.redis_url:
        checks["redis"] = redis_check(settings.redis_url)
    broker = settings.broker_url
    if broker.startswith(("redis://", "rediss://")) and broker != settings.redis_url:
        checks["job_queue"] = redis_check(broker)
    if settings.smtp_host:
        checks["smtp"] = smtp_check(settings.smtp_host, settings.smtp_port)
    for contributed in registry.all.readiness_checks(app=app):
        checks.update(contributed or {})
    return checks


def _on_the_platform_host() -> bool:
    platform_hosts = current_app.extensions["opvangplein.settings"].platform_hosts
    return request.environ.get(PATH_SLUG_KEY) is None and normalise_host(request.host) in (
        platform_hosts
    )


@blueprint.get("/taal/<lang>")
def set_language(lang: str):
    if lang not in SUPPORTED_LOCALES:
        abort(404)
    session["lang"] = lang
    if g.get("user") is not None and g.user.language != lang:
        # Remembered for mail that reaches this person later (a proposal to a provider).
        user = db_session().merge(g.user)
        user.language = lang
        db_session().commit()
    return redirect(request.script_root + safe_local_path(request.args.get("next")))


@blueprint.get("/theme.css")
def theme_css():
    theme = Theme.from_dict(g.tenant.theme) if g.tenant else Theme()
    css = ":root {\n" + theme.css_variables() + "}\n"
    return Response(css, mimetype="text/css", headers={"Cache-Control": "no-cache"})
