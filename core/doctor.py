"""``flask --app core doctor``: a configuration held against the production rules, one line per
problem with its fix. Production start-up refuses with the same lines.

:func:`configuration_findings` reads only the settings (no I/O), so start-up can run it before
anything connects; :func:`deployment_findings` also looks at the database and the tenant files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

from core.config import DEV_DATABASE_URL, DEV_SECRET_KEY, Settings

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEMO_SECRET_VARIABLE = "OPVANGPLEIN_IDP_DEMO_SECRET"


@dataclass(frozen=True)
class Finding:
    setting: str
    problem: str
    fix: str

    def line(self) -> str:
        return f"{self.setting}: {self.problem} — {self.fix}"


def configuration_findings(settings: Settings) -> list[Finding]:
    """What a production deployment must not run with, from the settings alone."""
    found = []

    def problem(setting: str, what: str, fix: str) -> None:
        found.append(Finding(setting, what, fix))

    if settings.secret_key == DEV_SECRET_KEY or len(settings.secret_key) < 32:
        problem(
            "OPVANGPLEIN_SECRET_KEY",
            "is the development default or shorter than 32 characters",
            "set a random value of 32+ characters (python -c 'import secrets;"
            " print(secrets.token_urlsafe(48))')",
        )
    if settings.database_url == DEV_DATABASE_URL:
        problem(
            "OPVANGPLEIN_DATABASE_URL",
            "is the development default",
            "name the PostgreSQL database as the application role",
        )
    elif settings.database_url.startswith("sqlite"):
        problem(
            "OPVANGPLEIN_DATABASE_URL",
            "is SQLite, which has no row-level security and serves one process at a time",
            "use PostgreSQL (postgresql+psycopg://app@db/opvangplein), see docs/operations.md",
        )
    if settings.rls_key and len(settings.rls_key) < 32:
        problem("OPVANGPLEIN_RLS_KEY", "is shorter than 32 characters", "set 32+ random characters")
    if settings.database_url.startswith("postgresql") and not settings.platform_database_url:
        problem(
            "OPVANGPLEIN_PLATFORM_DATABASE_URL",
            "is not set: cross-tenant work would run as the application role",
            "name the platform's own PostgreSQL role (see docs/operations.md)",
        )
    if not settings.secure_cookies:
        problem(
            "OPVANGPLEIN_SECURE_COOKIES",
            "is off: sign-in cookies would travel over plain http",
            "set it to 1 and serve the platform over https",
        )
    if not (settings.secrets_keys or settings.secrets_key_file):
        problem(
            "OPVANGPLEIN_SECRETS_KEYS",
            "nor OPVANGPLEIN_SECRETS_KEY_FILE is set: sign-in secrets cannot be sealed at rest",
            "set OPVANGPLEIN_SECRETS_KEYS=k1:<44 base64 characters> or a key file",
        )
    if not settings.smtp_host:
        problem(
            "OPVANGPLEIN_SMTP_HOST",
            "is not set: mail would wait in the outbox for ever",
            "name the mail relay (and OPVANGPLEIN_SMTP_PORT, _SMTP_USER, _SMTP_PASSWORD)",
        )
    if not (settings.broker_url or settings.redis_url):
        problem(
            "OPVANGPLEIN_BROKER_URL",
            "nor OPVANGPLEIN_REDIS_URL names the job queue: no worker would get any job",
            "set OPVANGPLEIN_REDIS_URL=redis://host:6379/0",
        )
    public = urlsplit(settings.public_url)
    if settings.public_url == DEFAULT_PUBLIC_URL or public.scheme != "https":
        problem(
            "OPVANGPLEIN_PUBLIC_URL",
            f"is {settings.public_url}: links in mail would point there",
            "set the https address people use (https://opvangplein.gemeente.be)",
        )
    return found


def deployment_findings(settings: Settings, database, registry) -> list[Finding]:
    """The settings' findings, and what the database and the tenant files reveal."""
    found = configuration_findings(settings)
    found += tenant_file_findings(settings.tenants_dir)
    try:
        found += database_findings(database, registry)
    except sa.exc.DBAPIError as error:
        found.append(
            Finding(
                "OPVANGPLEIN_DATABASE_URL",
                f"cannot be reached ({type(error.orig).__name__})",
                "check the host, the role and that PostgreSQL runs",
            )
        )
    return found


def tenant_file_findings(directory: Path) -> list[Finding]:
    """The shipped demo tenants sign in at local demo providers with a shared demo secret."""
    found = []
    for path in sorted(directory.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        if DEMO_SECRET_VARIABLE in text or "http://127.0.0.1:94" in text:
            found.append(
                Finding(
                    str(path),
                    "signs in at the demo identity providers with the demo secret",
                    "remove the demo tenant files and describe your municipality's own sign-in"
                    " services (see docs/operations.md)",
                )
            )
    return found


def database_findings(database, registry) -> list[Finding]:
    from core.health import schema_behind

    found = []
    behind = schema_behind(database.platform_engine, registry)
    if behind:
        found.append(
            Finding(
                "database schema",
                f"is not at the newest version for {', '.join(behind)}",
                "run flask --app core db upgrade (as the table owner)",
            )
        )
    if database.is_postgres:
        with database.engine.connect() as connection:
            owner = connection.execute(
                sa.text(
                    "SELECT tableowner = current_user OR (SELECT rolsuper OR rolbypassrls"
                    " FROM pg_roles WHERE rolname = current_user)"
                    " FROM pg_tables WHERE schemaname = 'public' AND tablename = 'tenant'"
                )
            ).scalar()
        if owner:
            found.append(
                Finding(
                    "OPVANGPLEIN_DATABASE_URL",
                    "connects as the table owner or a superuser: row-level security does not"
                    " hold for it",
                    "connect as the application role and migrate with"
                    " OPVANGPLEIN_MIGRATION_DATABASE_URL as the owner",
                )
            )
    return found
