"""Settings read from ``OPVANGPLEIN_*`` environment variables.

Development defaults let a newcomer start with ``make run``; production mode refuses to start while
any of them is still a development default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'opvangplein.sqlite3'}"


class ConfigurationError(RuntimeError):
    """The platform cannot start with this configuration."""


def _env(name: str, default: str) -> str:
    return os.environ.get(f"OPVANGPLEIN_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def parse_job_intervals(text: str) -> tuple[tuple[str, int], ...]:
    """``"ckg.escalate-crises=30,core.purge-outbox=86400"`` → ``(("ckg.escalate-crises", 30), …)``."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, seconds = item.partition("=")
        if not seconds.strip().isdigit() or int(seconds) < 1:
            raise ConfigurationError(
                f"OPVANGPLEIN_JOB_INTERVALS: {item!r} is not <job name>=<seconds, at least 1>"
            )
        pairs.append((name.strip(), int(seconds)))
    return tuple(pairs)


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = DEV_SECRET_KEY
    database_url: str = DEV_DATABASE_URL
    migration_database_url: str = ""
    # Cross-tenant work (``Database.platform_session``) connects as its own role; see core.rls.
    platform_database_url: str = ""
    # Signs the tenant binding of each transaction for row-level security; empty: derived from
    # ``secret_key``. Changing it needs ``db upgrade --replace-rls-key``.
    rls_key: str = ""
    tenants_dir: Path = PROJECT_ROOT / "tenants"
    default_locale: str = "nl"
    log_level: str = "INFO"
    # "json" (one object per line, for a log collector) or "text"; JSON in production.
    log_format: str = "text"
    secure_cookies: bool = False
    session_idle_minutes: int = 30
    tenant_cache_seconds: float = 0.0
    platform_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "Opvangplein <no-reply@opvangplein.localhost>"
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    dev_mail_dir: Path = PROJECT_ROOT / "var" / "mail"
    session_absolute_hours: int = 12
    redis_url: str = ""
    # The job queue (Celery); empty: the Redis above, else an SQLite file (development only).
    broker_url: str = ""
    # How long a worker's claim on an outbox message holds before another worker may send it.
    mail_lease_seconds: int = 300
    # First retry of a failed delivery after this many seconds, doubling after each attempt.
    mail_retry_seconds: int = 60
    # How often the worker sweeps the outbox for retries and mail it never got handed.
    mail_sweep_seconds: int = 60
    # The Celery queue; deployments (and test runs) sharing one Redis keep their own.
    job_queue: str = "opvangplein"
    # Intervals that replace a job's own: ``name=seconds`` pairs (run retention at night less
    # often, or the crisis escalation more often).
    job_intervals: tuple[tuple[str, int], ...] = ()
    proxy_hops: int = 0
    public_url: str = "http://127.0.0.1:5000"
    # Platform keys that seal secrets at rest (core.crypto); production needs one of the two.
    secrets_keys: str = ""
    secrets_key_file: str = ""
    # Hosts (or IP networks) of identity providers that may live on private, loopback or
    # link-local addresses in production, e.g. an on-premises Keycloak; set by the platform admin.
    idp_allowed_private_hosts: tuple[str, ...] = ()

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def effective_migration_url(self) -> str:
        return self.migration_database_url or self.database_url

    @property
    def effective_platform_url(self) -> str:
        """Without its own URL the platform connects as the table owner (whose policy admits
        every row only with ``app.cross_tenant``), else as the application itself (SQLite)."""
        return self.platform_database_url or self.effective_migration_url

    @property
    def rls_key_bytes(self) -> bytes:
        from core.rls import derive_rls_key

        return derive_rls_key(self.rls_key or self.secret_key)

    @classmethod
    def from_environ(cls) -> Settings:
        env = _env("ENV", "development")
        settings = cls(
            env=env,
            secret_key=_env("SECRET_KEY", DEV_SECRET_KEY),
            database_url=_env("DATABASE_URL", DEV_DATABASE_URL),
            migration_database_url=_env("MIGRATION_DATABASE_URL", ""),
            platform_database_url=_env("PLATFORM_DATABASE_URL", ""),
            rls_key=_env("RLS_KEY", ""),
            tenants_dir=Path(_env("TENANTS_DIR", str(PROJECT_ROOT / "tenants"))),
            log_level=_env("LOG_LEVEL", "INFO"),
            log_format=_env("LOG_FORMAT", default_log_format(env)),
            secure_cookies=_env_bool("SECURE_COOKIES", env == "production"),
            session_idle_minutes=int(_env("SESSION_IDLE_MINUTES", "30")),
            tenant_cache_seconds=float(_env("TENANT_CACHE_SECONDS", "5")),
            platform_hosts=tuple(
                host.strip().lower()
                for host in _env("PLATFORM_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
                if host.strip()
            ),
            session_absolute_hours=int(_env("SESSION_ABSOLUTE_HOURS", "12")),
            smtp_host=_env("SMTP_HOST", ""),
            smtp_port=int(_env("SMTP_PORT", "25")),
            smtp_sender=_env("SMTP_SENDER", "Opvangplein <no-reply@opvangplein.localhost>"),
            smtp_starttls=_env_bool("SMTP_STARTTLS", False),
            smtp_user=_env("SMTP_USER", ""),
            smtp_password=_env("SMTP_PASSWORD", ""),
            dev_mail_dir=Path(_env("DEV_MAIL_DIR", str(PROJECT_ROOT / "var" / "mail"))),
            redis_url=_env("REDIS_URL", ""),
            broker_url=_env("BROKER_URL", ""),
            mail_lease_seconds=int(_env("MAIL_LEASE_SECONDS", "300")),
            mail_retry_seconds=int(_env("MAIL_RETRY_SECONDS", "60")),
            mail_sweep_seconds=int(_env("MAIL_SWEEP_SECONDS", "60")),
            job_queue=_env("JOB_QUEUE", "opvangplein"),
            job_intervals=parse_job_intervals(_env("JOB_INTERVALS", "")),
            proxy_hops=int(_env("PROXY_HOPS", "0")),
            public_url=_env("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
            secrets_keys=_env("SECRETS_KEYS", ""),
            secrets_key_file=_env("SECRETS_KEY_FILE", ""),
            idp_allowed_private_hosts=tuple(
                host.strip().lower()
                for host in _env("IDP_ALLOWED_PRIVATE_HOSTS", "").split(",")
                if host.strip()
            ),
        )
        if settings.log_format not in LOG_FORMATS:
            raise ConfigurationError(
                f"OPVANGPLEIN_LOG_FORMAT must be 'text' or 'json', not {settings.log_format!r}"
            )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse production mode while a development default or a dangerous setting is in
        force; the message has one line per problem with its fix (see ``core.doctor``)."""
        if not self.is_production:
            return
        from core.doctor import configuration_findings

        findings = configuration_findings(self)
        if findings:
            raise ConfigurationError(refusal(finding.line() for finding in findings))


LOG_FORMATS = ("text", "json")


def default_log_format(env: str) -> str:
    """JSON lines for a production log collector, text for a developer's terminal."""
    return "json" if env == "production" else "text"


def refusal(lines) -> str:
    return "Refusing to start in production:\n" + "\n".join(f"- {line}" for line in lines)
