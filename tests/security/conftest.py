"""One walked municipality per database kind, shared by the walks of this folder: loading every
module's demo data and reading every page are the slow part, the checks themselves are quick."""

from __future__ import annotations

import pytest

from tests.support.municipality_walk import build_municipality


@pytest.fixture(scope="session")
def walked_sqlite_municipality(tmp_path_factory):
    return build_municipality(tmp_path_factory.mktemp("walk-sqlite"))


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def walked_municipality(request, tmp_path_factory):
    if request.param == "sqlite":
        return request.getfixturevalue("walked_sqlite_municipality")
    server = request.getfixturevalue("postgres_server")
    return build_municipality(tmp_path_factory.mktemp("walk-postgres"), server)
