"""Migration ckg_0005 goes down and up again: the issue-17 columns leave and come back."""

from __future__ import annotations

import sqlalchemy as sa

from tests.plugins.ckg.conftest import CKG_TENANTS
from tests.support.apps import probe_app

NEW_COLUMNS = {
    "assigned_user_id",
    "family_phone",
    "referrer_phone",
    "interpreter_needed",
    "consent_withdrawn_at",
    "network_consent_at",
    "erasure_requested_at",
    "stay_planned_end",
}


def _columns(app) -> set[str]:
    engine = app.extensions["opvangplein.db"].engine
    return {column["name"] for column in sa.inspect(engine).get_columns("ckg_referral")}


def test_ckg_0005_downgrades_and_upgrades_again(sqlite_settings):
    app = probe_app(sqlite_settings, tenants=CKG_TENANTS)
    assert _columns(app) >= NEW_COLUMNS
    runner = app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "ckg", "ckg_0004"])
    assert down.exit_code == 0, down.output
    assert not NEW_COLUMNS & _columns(app)
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert _columns(app) >= NEW_COLUMNS
