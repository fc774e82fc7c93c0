"""Migration ckg_0008 goes down and up again: the advice table and the consent column leave and
come back."""

from __future__ import annotations

import sqlalchemy as sa

from tests.plugins.ckg.conftest import CKG_TENANTS
from tests.support.apps import probe_app


def _schema(app) -> tuple[set[str], set[str]]:
    inspector = sa.inspect(app.extensions["opvangplein.db"].engine)
    columns = {column["name"] for column in inspector.get_columns("ckg_referral")}
    return set(inspector.get_table_names()), columns


def test_ckg_0008_downgrades_and_upgrades_again(sqlite_settings):
    app = probe_app(sqlite_settings, tenants=CKG_TENANTS)
    tables, columns = _schema(app)
    assert "ckg_loket_advice" in tables and "loket_advice_consent_at" in columns
    runner = app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "ckg", "ckg_0006"])
    assert down.exit_code == 0, down.output
    tables, columns = _schema(app)
    assert "ckg_loket_advice" not in tables and "loket_advice_consent_at" not in columns
    assert "ckg_offer_episode" in tables
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    tables, columns = _schema(app)
    assert "ckg_loket_advice" in tables and "loket_advice_consent_at" in columns
