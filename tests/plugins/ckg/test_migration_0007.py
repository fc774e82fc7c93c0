"""Migration ckg_0007 goes down and up again: the transfer table leaves and comes back."""

from __future__ import annotations

import sqlalchemy as sa

from tests.plugins.ckg.conftest import CKG_TENANTS
from tests.support.apps import probe_app


def _tables(app) -> set[str]:
    return set(sa.inspect(app.extensions["opvangplein.db"].engine).get_table_names())


def test_ckg_0007_downgrades_and_upgrades_again(sqlite_settings):
    app = probe_app(sqlite_settings, tenants=CKG_TENANTS)
    assert "ckg_case_transfer" in _tables(app)
    runner = app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "ckg", "ckg_0006"])
    assert down.exit_code == 0, down.output
    assert "ckg_case_transfer" not in _tables(app)
    assert "ckg_offer_episode" in _tables(app)
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert "ckg_case_transfer" in _tables(app)
