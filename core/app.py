"""The application factory."""

from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader

from core import (
    admin_words,
    errors,
    formatting,
    forms,
    i18n,
    local_time,
    metrics,
    page_title,
    ratelimit,
    security,
    web,
)
from core.config import Settings
from core.crypto import box_from_settings
from core.db import Database
from core.identity import admin_views as identity_admin
from core.identity import email_views as identity_email
from core.identity import views as identity_views
from core.identity import web as identity_web
from core.jobs import celery_app
from core.mail import Mailer
from core.plugins import PluginRegistry, build_registry
from core.rendering import htmx
from core.tenancy import TenantPathMiddleware
from core.views import (
    dev,
    outbox_admin,
    platform,
    platform_admin,
    privacy,
    regional,
    tenant_admin,
    tenant_logo,
)

csrf = CSRFProtect()


def create_app(
    test_config: dict | None = None,
    *,
    settings: Settings | None = None,
    registry: PluginRegistry | None = None,
) -> Flask:
    settings = settings or Settings.from_environ()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="__Host-opvangplein" if settings.secure_cookies else "opvangplein",
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        OPVANGPLEIN_ENV=settings.env,
    )
    if test_config:
        app.config.update(test_config)
    _configure_logging(app, settings)

    app.extensions["opvangplein.settings"] = settings
    app.extensions["opvangplein.secret_box"] = box_from_settings(settings)
    app.extensions["opvangplein.db"] = Database(
        settings.database_url,
        mailer=mailer_from(settings),
        platform_url=settings.effective_platform_url,
        rls_key=settings.rls_key_bytes,
    )
    registry = registry or build_registry()
    app.extensions["opvangplein.plugins"] = registry

    csrf.init_app(app)
    htmx.init_app(app)
    i18n.init_app(app, registry)
    local_time.init_app(app)
    formatting.init_app(app)
    admin_words.init_app(app)
    forms.init_app(app)
    security.init_app(app)
    page_title.init_app(app)
    web.init_app(app)
    identity_web.init_app(app)
    errors.init_app(app)
    metrics.init_app(app)
    ratelimit.init_app(app, settings.redis_url)
    app.register_blueprint(platform.blueprint)
    app.register_blueprint(dev.blueprint)
    app.register_blueprint(tenant_admin.blueprint)
    app.register_blueprint(tenant_logo.blueprint)
    app.register_blueprint(outbox_admin.blueprint)
    app.register_blueprint(identity_views.blueprint)
    app.register_blueprint(identity_admin.blueprint)
    app.register_blueprint(identity_email.blueprint)
    app.register_blueprint(privacy.blueprint)
    app.register_blueprint(regional.blueprint)
    app.register_blueprint(platform_admin.blueprint)
    _register_plugin_parts(app, registry)
    app.cli = CommandsOnDemand(app, registry)
    celery_app.init_app(app)

    app.wsgi_app = TenantPathMiddleware(app.wsgi_app)
    if settings.proxy_hops:
        # Behind a reverse proxy the client's address and the host come from its headers;
        # trust exactly as many hops as are deployed, or anyone could claim any address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


class CommandsOnDemand(AppGroup):
    """``flask --app core …``'s commands, imported when the command line first asks for them.

    Web and job workers never do, so they do not load the command modules and what those pull
    in (Alembic and the migrator, the scaffolder, the doctor): less memory and start-up time.
    """

    def __init__(self, app: Flask, registry: PluginRegistry) -> None:
        super().__init__()
        self._app = app
        self._registry = registry
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            from core import cli

            cli.init_app(self._app, self._registry)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        self._load()
        return super().get_command(ctx, cmd_name)


def mailer_from(settings: Settings) -> Mailer:
    return Mailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        starttls=settings.smtp_starttls,
        user=settings.smtp_user,
        password=settings.smtp_password,
    )


def _register_plugin_parts(app: Flask, registry: PluginRegistry) -> None:
    """Blueprints, templates and static files each plugin declares in its manifest."""
    owners: dict[str, str] = {}
    template_loaders = [app.jinja_loader]
    for name in registry.names:
        templates = registry.part_path(name, "templates")
        if templates is not None:
            template_loaders.append(FileSystemLoader(templates))
        static = registry.part_path(name, "static")
        for blueprint in registry.imported_parts(name, "blueprints"):
            if static is not None and blueprint.name == name:
                blueprint.static_folder = str(static)
                blueprint.static_url_path = "/static"
            app.register_blueprint(blueprint)
            owners[blueprint.name] = name
    app.jinja_loader = ChoiceLoader(template_loaders)
    app.extensions["opvangplein.blueprint_owners"] = owners


def _configure_logging(app: Flask, settings: Settings) -> None:
    from core.logs import handler_for

    app.logger.handlers[:] = [handler_for(settings.log_format)]
    app.logger.setLevel(settings.log_level)
    app.logger.propagate = False
