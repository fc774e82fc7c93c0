"""Real Celery processes for tests: workers and a beat scheduler on the test's own database.

They are started as ``make run`` and a deployment start them (``python -m celery -A core.worker``)
and read the test's settings from ``OPVANGPLEIN_*`` variables, so what passes here is what runs
in production — not ``task_always_eager``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import redis

from core.config import PROJECT_ROOT, Settings
from tests.support.ci import unavailable
from tests.support.workers import worker_redis_url

# Each xdist worker has a Redis database of its own (tests.support.workers).
REDIS_URL = worker_redis_url("redis://127.0.0.1:6379/0")


def redis_broker() -> str:
    """The CI machine's Redis (the production broker); skips locally without one, fails in CI."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        unavailable(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


def settings_environment(settings: Settings) -> dict[str, str]:
    values = {
        "DATABASE_URL": settings.database_url,
        "MIGRATION_DATABASE_URL": settings.migration_database_url,
        "PLATFORM_DATABASE_URL": settings.platform_database_url,
        "TENANTS_DIR": str(settings.tenants_dir),
        "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port),
        "BROKER_URL": settings.broker_url,
        "JOB_QUEUE": settings.job_queue,
        "MAIL_LEASE_SECONDS": str(settings.mail_lease_seconds),
        "MAIL_RETRY_SECONDS": str(settings.mail_retry_seconds),
        "MAIL_SWEEP_SECONDS": str(settings.mail_sweep_seconds),
        "DEV_MAIL_DIR": str(settings.dev_mail_dir),
        "PUBLIC_URL": settings.public_url,
        "JOB_INTERVALS": ",".join(f"{name}={seconds}" for name, seconds in settings.job_intervals),
        "LOG_LEVEL": "WARNING",
    }
    return {f"OPVANGPLEIN_{name}": value for name, value in values.items()}


def unique_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


class JobStack:
    """Worker and beat processes; ``stop()`` ends whatever is still running."""

    def __init__(self, settings: Settings, directory: Path) -> None:
        self.directory = directory
        self.environment = {**os.environ, **settings_environment(settings)}
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, arguments: list[str]) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "core.worker", *arguments],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(
            name,
            [
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                "-n",
                f"{name}@%h",
            ],
        )

    def beat(self) -> subprocess.Popen:
        return self._start(
            "beat",
            [
                "beat",
                "--loglevel=WARNING",
                "--schedule",
                str(self.directory / "beat-schedule"),
                "--max-interval",
                "1",
            ],
        )

    def kill(self, name: str) -> None:
        """SIGKILL, as the OOM killer or a pulled plug would: no clean-up at all."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str, stack=None) -> float:
    """Poll until ``condition()``; returns the seconds it took, fails the test after ``seconds``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            logs = ""
            if stack is not None:
                logs = "\n".join(f"--- {n}\n{stack.log(n)[-3000:]}" for n in stack.processes)
            raise AssertionError(f"not within {seconds} s: {what}\n{logs}")
        time.sleep(0.1)
    return time.monotonic() - started
