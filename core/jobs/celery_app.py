"""The platform's Celery application: tasks run inside the Flask app, beat runs every job.

Broker: ``OPVANGPLEIN_BROKER_URL``, else ``OPVANGPLEIN_REDIS_URL`` (production needs one of the
two), else an SQLite file beside the development database, so ``make run`` needs no Redis.
Results are not kept: a task's effect is in the database (the outbox row, the job's rows).
Tests run tasks in the caller (``task_always_eager``) unless they start real workers.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import Celery, Task
from flask import Flask

from core.config import ConfigurationError, Settings
from core.jobs.runner import LEASE, registered_jobs, run_job
from core.mail import deliver_message

logger = logging.getLogger("opvangplein.jobs")

DELIVER_MESSAGE = "opvangplein.deliver_message"
RUN_JOB = "opvangplein.run_job"
MAIL_SWEEP = "core.deliver-mail"


def broker_url(settings: Settings) -> str:
    if settings.broker_url:
        return settings.broker_url
    if settings.redis_url:
        return settings.redis_url
    return f"sqla+sqlite:///{settings.dev_mail_dir.parent / 'broker.sqlite3'}"


def transport_options(url: str) -> dict:
    if url.startswith(("redis://", "rediss://")):
        return {"socket_connect_timeout": 2, "socket_timeout": 5}
    return {}


def beat_schedule(app: Flask, settings: Settings) -> dict:
    schedule = {
        name: {"task": RUN_JOB, "schedule": registered.job.every, "args": (name,)}
        for name, registered in registered_jobs(app).items()
    }
    schedule[MAIL_SWEEP]["schedule"] = timedelta(seconds=settings.mail_sweep_seconds)
    for name, seconds in settings.job_intervals:
        if name not in schedule:
            raise ConfigurationError(f"OPVANGPLEIN_JOB_INTERVALS names no job {name!r}")
        schedule[name]["schedule"] = timedelta(seconds=seconds)
    return schedule


def init_app(app: Flask) -> Celery:
    settings: Settings = app.extensions["opvangplein.settings"]
    celery = Celery(app.import_name, set_as_current=False)

    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = AppTask
    celery.conf.update(
        broker_url=broker_url(settings),
        task_ignore_result=True,
        # A task whose worker dies is handed to another; the outbox claim keeps that harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_always_eager=app.config.get("OPVANGPLEIN_TASKS_EAGER", app.testing),
        task_eager_propagates=False,
        # A request hands its mail over and goes on: a broker that is down must not hold it up.
        task_publish_retry=False,
        broker_connection_timeout=2,
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport_options(broker_url(settings)),
        task_time_limit=int(LEASE.total_seconds()) - 60,
        task_default_queue=settings.job_queue,
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
        beat_schedule=beat_schedule(app, settings),
    )

    @celery.task(name=DELIVER_MESSAGE)
    def deliver_message_task(tenant_id: str, message_id: str) -> None:
        database = app.extensions["opvangplein.db"]
        deliver_message(
            database,
            database.mailer,
            uuid.UUID(tenant_id),
            uuid.UUID(message_id),
            lease_seconds=settings.mail_lease_seconds,
            retry_seconds=settings.mail_retry_seconds,
        )

    @celery.task(name=RUN_JOB)
    def run_job_task(name: str) -> None:
        run_job(app, name)

    def dispatch(tenant_id: uuid.UUID, message_ids: list[uuid.UUID]) -> None:
        for message_id in message_ids:
            try:
                deliver_message_task.apply_async((str(tenant_id), str(message_id)))
            except Exception:
                # The row is committed; the sweep (core.deliver-mail) sends it within a minute.
                logger.warning(
                    "could not hand mail %s to the worker; the mail sweep will send it",
                    message_id,
                    exc_info=True,
                )

    app.extensions["opvangplein.celery"] = celery
    app.extensions["opvangplein.db"].mail_dispatch = dispatch
    return celery
