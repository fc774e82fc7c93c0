"""Runs a scheduled job: for each tenant in its own transaction, one tenant's failure logged.

Beat's task and ``flask --app core jobs run`` (and the plugins' own commands) all come here, so
an operator's run by hand is the scheduler's run: same code, same lease, same reports.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask
from sqlmodel import select

from core.db import utcnow
from core.jobs.locks import job_lease
from core.models import Tenant
from core.plugin_types import ScheduledJob
from core.tenancy import enabled_plugins

logger = logging.getLogger("opvangplein.jobs")

# Longest a run may hold its lease; the Celery task's hard time limit is set just below it.
LEASE = timedelta(minutes=30)

CORE_JOBS = (
    ScheduledJob(
        name="core.deliver-mail",
        run="core.jobs.core_jobs:deliver_mail",
        every=timedelta(minutes=1),
        description="Send due outbox messages: retries, and mail whose hand-over to the worker failed.",
        per_tenant=False,
    ),
    ScheduledJob(
        name="core.purge-outbox",
        run="core.jobs.core_jobs:purge_outbox",
        every=timedelta(hours=1),
        description="Delete sent messages and dead letters older than the tenant's mail retention.",
    ),
    ScheduledJob(
        name="core.regional-figures",
        run="core.regional:refresh_regional_figures",
        every=timedelta(minutes=15),
        description="Store each municipality's monitoring figures for the regional page.",
    ),
    ScheduledJob(
        name="core.purge-sign-in-sessions",
        run="core.jobs.core_jobs:purge_sign_in_sessions",
        every=timedelta(hours=1),
        description="Delete sign-in sessions that ended or ran past their absolute lifetime.",
    ),
)
# The mail sweep needs no lease: every message is claimed on its own (core.mail).
UNLEASED = {"core.deliver-mail"}


@dataclass(frozen=True)
class RegisteredJob:
    job: ScheduledJob
    plugin: str | None  # None: the core's own


@dataclass
class JobReport:
    name: str
    ran: bool = True  # False: another run held the lease
    reports: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


def registered_jobs(app: Flask) -> dict[str, RegisteredJob]:
    registry = app.extensions["opvangplein.plugins"]
    jobs = {job.name: RegisteredJob(job, None) for job in CORE_JOBS}
    for plugin in registry.names:
        for job in registry.manifests[plugin].jobs:
            jobs[job.name] = RegisteredJob(job, plugin)
    return jobs


def _function(job: ScheduledJob):
    module_name, _, attribute = job.run.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def run_job(app: Flask, name: str, *, now: datetime | None = None) -> JobReport:
    """Run the job ``name`` now (inside ``app``'s context), unless another run holds it."""
    registered = registered_jobs(app)[name]
    database = app.extensions["opvangplein.db"]
    report = JobReport(name)
    with app.app_context():
        if name in UNLEASED:
            _run(database, registered, report, now or utcnow())
            return report
        with job_lease(database, name, ttl=LEASE) as mine:
            if not mine:
                logger.info("job %s skipped: another run holds it", name)
                report.ran = False
                return report
            _run(database, registered, report, now or utcnow())
    return report


def _run(database, registered: RegisteredJob, report: JobReport, now: datetime) -> None:
    job, function = registered.job, _function(registered.job)
    if not job.per_tenant:
        try:
            report.reports.append(("-", str(function(database, now))))
        except Exception as error:
            logger.exception("job %s failed", job.name)
            report.failures.append(("-", f"{type(error).__name__}: {error}"))
        return
    with database.session() as lookup:
        tenants = lookup.exec(select(Tenant).where(Tenant.active).order_by(Tenant.slug)).all()
    for tenant in tenants:
        try:
            with database.tenant_session(tenant.id) as session:
                if registered.plugin is not None and registered.plugin not in enabled_plugins(
                    session
                ):
                    continue
                outcome = function(session, tenant, now)
        except Exception as error:
            # One municipality's broken data must not stop every other municipality's run.
            logger.exception("job %s failed for tenant %s", job.name, tenant.slug)
            report.failures.append((tenant.slug, f"{type(error).__name__}: {error}"))
        else:
            report.reports.append((tenant.slug, str(outcome)))
    if report.failures:
        logger.error(
            "job %s: %d tenants failed (%s), %d done",
            job.name,
            len(report.failures),
            ", ".join(slug for slug, _ in report.failures),
            len(report.reports),
        )
