"""What the core offers plugins: own migrations, events, privacy hooks, monitoring, audit, logs."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlmodel import select

from core.events import announce
from core.models import AuditEntry, Tenant
from core.plugin_types import DataSubject
from core.subjects import erase_subject, export_subject, monitoring_figures
from core.tenancy import plugin_row
from tests.core import probe_plugin
from tests.core.probe_plugin import ProbeFamily
from tests.support.apps import probe_app, tenant_id


def test_plugin_migrations_run_after_the_core_in_their_own_version_table(database_settings):
    app = probe_app(database_settings)
    engine = sa.create_engine(database_settings.effective_migration_url)
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        version = connection.execute(
            sa.text("SELECT version_num FROM probe_alembic_version")
        ).scalar_one()
        core_version = connection.execute(
            sa.text("SELECT version_num FROM alembic_version")
        ).scalar_one()
    engine.dispose()
    assert {"probe_family", "probe_child", "probe_alembic_version", "alembic_version"} <= tables
    from alembic.script import ScriptDirectory

    from core.migrator import MIGRATIONS_DIR, alembic_config

    config = alembic_config("sqlite://", target="core", versions_dir=MIGRATIONS_DIR / "versions")
    assert (version, core_version) == (
        "probe_0001",
        ScriptDirectory.from_config(config).get_current_head(),
    )
    assert app is not None


def test_events_reach_only_plugins_enabled_for_the_events_tenant(sqlite_settings):
    app = probe_app(sqlite_settings)
    probe_plugin.calls.clear()
    db = app.extensions["opvangplein.db"]
    with app.app_context():
        with db.tenant_session(tenant_id(app, "aalst")) as session:
            announce(session, "probe.family_registered", family="x")
        with db.tenant_session(tenant_id(app, "brugge")) as session:
            row = plugin_row(session, "probe")
            row.enabled = False
            session.add(row)
        with db.tenant_session(tenant_id(app, "brugge")) as session:
            announce(session, "probe.ignored_here")
    assert ("on_event", "probe.family_registered") in probe_plugin.calls
    assert ("on_event", "probe.ignored_here") not in probe_plugin.calls


def test_monitoring_figures_come_from_enabled_plugins_and_count_only_the_tenant(sqlite_settings):
    app = probe_app(sqlite_settings)
    db = app.extensions["opvangplein.db"]
    with db.tenant_session(tenant_id(app, "aalst")) as session:
        session.add_all([ProbeFamily(name="A"), ProbeFamily(name="B")])
    with app.test_request_context("/", base_url="http://aalst.test/"):
        app.preprocess_request()
        from core.web import db_session

        session = db_session()
        tenant = session.get(Tenant, tenant_id(app, "aalst"))
        figures = monitoring_figures(session, tenant)
    probe_figures = [
        (figure.key, figure.value) for figure in figures if figure.key == "probe.families"
    ]
    assert probe_figures == [("probe.families", 2)]


def test_subject_export_and_erasure_ask_every_enabled_plugin_and_are_audited(sqlite_settings):
    app = probe_app(sqlite_settings)
    db = app.extensions["opvangplein.db"]
    subject = DataSubject(email="an@ouders.test")
    exported, erased = [], []

    def export_subject_data(tenant, subject):
        exported.append(subject.email)
        return {"probe": ["family of An"]}

    def erase_subject_data(tenant, subject):
        erased.append(subject.email)
        return 3

    from core.hookspecs import hookimpl

    probe_plugin.export_subject_data = hookimpl(export_subject_data)
    probe_plugin.erase_subject_data = hookimpl(erase_subject_data)
    registry = app.extensions["opvangplein.plugins"]
    registry.manager.unregister(name="probe")
    registry.manager.register(probe_plugin, name="probe")
    registry.finish_loading()
    try:
        with app.app_context(), db.tenant_session(tenant_id(app, "aalst")) as session:
            tenant = session.get(Tenant, tenant_id(app, "aalst"))
            assert export_subject(session, tenant, subject) == [{"probe": ["family of An"]}]
            assert erase_subject(session, tenant, subject) == 3
    finally:
        del probe_plugin.export_subject_data, probe_plugin.erase_subject_data
    with db.session(tenant_id(app, "aalst")) as session:
        actions = session.exec(select(AuditEntry.action)).all()
    assert {"subject.exported", "subject.erased"} <= set(actions)
    assert exported == erased == ["an@ouders.test"]


def test_every_log_line_of_a_request_carries_its_request_id(sqlite_settings, caplog):
    app = probe_app(sqlite_settings)

    @app.get("/log-something")
    def log_something():
        app.logger.warning("something happened")
        return "ok"

    handler_formats = [handler.formatter._fmt for handler in app.logger.handlers]
    assert all("%(request_id)s" in fmt for fmt in handler_formats)
    records = []

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(record)

    capture = Capture()
    capture.addFilter(app.logger.handlers[0].filters[0])
    app.logger.addHandler(capture)
    response = app.test_client().get(
        "/t/aalst/log-something", headers={"X-Request-ID": "trace-abcdef12"}
    )
    app.logger.removeHandler(capture)
    assert response.headers["X-Request-ID"] == "trace-abcdef12"
    assert [record.request_id for record in records] == ["trace-abcdef12"]
