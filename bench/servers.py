"""Gunicorn servers on free local ports, started in their own process group and always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bench.http_load import HOST

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class ServerSettings:
    """Gunicorn settings shared by the page under test and its baseline, so only the app differs.

    ``gthread`` because the sync worker closes the connection after every response: the load
    would then measure TCP set-up instead of the app. One worker per core.
    """

    workers: int = os.cpu_count() or 2
    threads: int = 4
    keep_alive_seconds: int = 30

    def arguments(self) -> list[str]:
        return [
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            str(self.keep_alive_seconds),
            "--log-level",
            "warning",
        ]


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it listens, and its arbiter's pid (= its process group)."""

    name: str
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the arbiter and its workers (they share its process group).

        Unlike requests/s this does not drop when other work on the machine takes the cores,
        so it tells apart "the page got slower" from "the machine was busy".
        """
        total_ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:  # the process ended while we looked
                continue
            # Fields after the parenthesised command name; pgrp is the 3rd, utime/stime 12th/13th.
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[2]) == self.pid:
                total_ticks += int(fields[11]) + int(fields[12])
                # A worker that ended (and was reaped) leaves its time to its parent's
                # children's time; without it a round's CPU could even come out negative.
                total_ticks += int(fields[13]) + int(fields[14])
        return total_ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port nobody listens on now (the OS picks it; gunicorn binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    name: str,
    app: str,
    *,
    settings: ServerSettings,
    environ: dict[str, str],
    log_dir: Path,
) -> Iterator[Server]:
    """Serve ``app`` (``module:factory()``) until the block ends, whatever happens inside it."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        *settings.arguments(),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(PROJECT_ROOT),
        app,
    ]
    # ``bench`` is not an installed package: the project root must be importable.
    python_path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, **environ, "PYTHONPATH": python_path}
    with log_path.open("wb") as log:
        # A new session makes gunicorn the leader of its own process group, so stopping the
        # group also reaches workers the arbiter could not reap.
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_listening(process, port)
            yield Server(name, port, process.pid)
        except BaseException:
            # The server's own account of a failure (a traceback behind an HTTP 500, say).
            if tail := _tail(log_path):
                print(f"--- {log_path.name} ---\n{tail}", file=sys.stderr)
            raise
        finally:
            _stop(process)


def _wait_until_listening(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {port} in {START_TIMEOUT_SECONDS:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group (gunicorn's graceful stop), SIGKILL if it does not finish in time."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    with suppress(ProcessLookupError):
        # Also catches workers that outlived their arbiter.
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
