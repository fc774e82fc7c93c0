"""The real PostgreSQL server for tests: a fresh database per test, an owner, an app role and
the platform role that cross-tenant work connects as."""

from __future__ import annotations

import os

import sqlalchemy as sa
from sqlalchemy.engine import make_url

OWNER_ROLE = "opvangplein_owner"
APP_ROLE = "opvangplein_app"
PLATFORM_ROLE = "opvangplein_platform"


class PostgresServer:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []

    @classmethod
    def from_environ(cls) -> PostgresServer:
        return cls(
            os.environ.get(
                "OPVANGPLEIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
            )
        )

    def _admin_engine(self):
        return sa.create_engine(
            self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
        )

    def reachable(self) -> bool:
        try:
            with self._admin_engine().connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except Exception:
            return False
        return True

    def create_database(self, name: str) -> tuple[str, str]:
        """Create database ``name`` owned by a non-superuser owner; return (owner URL, app URL)."""
        with self._admin_engine().connect() as connection:
            for role in (OWNER_ROLE, APP_ROLE, PLATFORM_ROLE):
                exists = connection.execute(
                    sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
                ).first()
                if not exists:
                    connection.execute(sa.text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS"))
            connection.execute(sa.text(f"CREATE DATABASE {name} OWNER {OWNER_ROLE}"))
        self.created.append(name)
        base = make_url(self.admin_url).set(database=name)
        owner = base.set(username=OWNER_ROLE).render_as_string(hide_password=False)
        app = base.set(username=APP_ROLE).render_as_string(hide_password=False)
        with sa.create_engine(owner, poolclass=sa.pool.NullPool).begin() as connection:
            connection.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        return owner, app

    @staticmethod
    def platform_url(url: str) -> str:
        """``url`` (the owner's or the app's) for the platform role."""
        return make_url(url).set(username=PLATFORM_ROLE).render_as_string(hide_password=False)

    def drop_created_databases(self) -> None:
        with self._admin_engine().connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
