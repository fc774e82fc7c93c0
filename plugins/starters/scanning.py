"""The virus-scan hook point for uploaded documents: one pluggable callable.

A **scanner** is any callable ``scanner(data: bytes, filename: str) -> str | None``:

* return ``None`` when the file is clean;
* return the name of what was found (``"Eicar-Test-Signature"``) to refuse the file;
* raise :class:`ScanFailed` when it could not scan. The upload is then refused too ("the scan
  failed, try again later"): a file nobody could scan is never stored.

Choose one with a setting (the app config key, else the environment variable):

``STARTERS_VIRUS_SCANNER`` / ``OPVANGPLEIN_STARTERS_VIRUS_SCANNER``
    A callable, or its dotted path ``"package.module:name"`` (``"package.module.name"`` works too).
``STARTERS_VIRUS_SCAN_COMMAND`` / ``OPVANGPLEIN_STARTERS_VIRUS_SCAN_COMMAND``
    A command line in the style of ClamAV's ``clamdscan``, run as ``<command> <file>``: exit code
    0 means clean, 1 means infected (the ``<file>: <name> FOUND`` line names it), anything else
    means the scan failed. For ClamAV: ``clamdscan --no-summary --fdpass`` (``--fdpass`` lets the
    daemon read the private temporary file). ``STARTERS_VIRUS_SCAN_TIMEOUT`` (seconds, default 60).

Set at most one of the two. With neither, :func:`no_virus_scan` accepts every file and the
platform logs a warning at start-up in production. A dotted path that does not load stops the
start with a clear message rather than failing on the first upload.
"""

from __future__ import annotations

import importlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.config import ConfigurationError

VirusScanner = Callable[[bytes, str], str | None]

SCANNER_SETTING = "STARTERS_VIRUS_SCANNER"
COMMAND_SETTING = "STARTERS_VIRUS_SCAN_COMMAND"
TIMEOUT_SETTING = "STARTERS_VIRUS_SCAN_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 60.0
INFECTED_EXIT_CODE = 1


class ScanFailed(RuntimeError):
    """The scanner could not decide; the reason is for the log, not for the starter."""


def no_virus_scan(data: bytes, filename: str) -> str | None:
    """The default when nothing is configured: accepts every file."""
    return None


@dataclass(frozen=True)
class CommandScanner:
    """Scans with an external ``clamdscan``-style command on a private temporary copy."""

    command: tuple[str, ...]
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    def __call__(self, data: bytes, filename: str) -> str | None:
        # The user's file name never reaches the command line: the copy has a fixed name.
        with tempfile.TemporaryDirectory(prefix="starters-scan-") as directory:
            path = Path(directory) / "upload"
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            try:
                completed = subprocess.run(
                    [*self.command, str(path)],
                    capture_output=True,
                    timeout=self.timeout_seconds,
                    check=False,
                )
            except subprocess.TimeoutExpired as error:
                raise ScanFailed(f"no answer within {self.timeout_seconds:g} s") from error
            except OSError as error:  # not installed, not executable
                raise ScanFailed(f"cannot run {self.command[0]}: {error.strerror}") from error
        if completed.returncode == 0:
            return None
        output = completed.stdout.decode("utf-8", "replace")
        if completed.returncode == INFECTED_EXIT_CODE:
            return _found_name(output, str(path)) or "virus"
        detail = (completed.stderr or completed.stdout).decode("utf-8", "replace").strip()
        raise ScanFailed(f"exit code {completed.returncode}: {detail[:200]}")


def _found_name(output: str, path: str) -> str:
    """``"/tmp/x/upload: Eicar-Test-Signature FOUND"`` → ``"Eicar-Test-Signature"``."""
    for line in output.splitlines():
        line = line.strip()
        if line.endswith(" FOUND"):
            found = line.removesuffix(" FOUND")
            found = found.removeprefix(f"{path}:").rsplit(": ", 1)[-1]
            return found.strip()[:100]
    return ""


def load_callable(dotted: str) -> VirusScanner:
    """``"package.module:name"`` or ``"package.module.name"`` → that callable."""
    module_name, _, attribute = dotted.partition(":")
    if not attribute:
        module_name, _, attribute = dotted.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as error:
        raise ConfigurationError(
            f"{SCANNER_SETTING}={dotted!r} does not name a callable that can be imported: {error}"
        ) from error
    if not callable(found):
        raise ConfigurationError(f"{SCANNER_SETTING}={dotted!r} is not callable")
    return found


def configured_scanner(config: Mapping, environ: Mapping[str, str]) -> VirusScanner | None:
    """The scanner the settings choose, ``None`` when none is chosen; ConfigurationError if bad."""
    chosen = config.get(SCANNER_SETTING) or environ.get(f"OPVANGPLEIN_{SCANNER_SETTING}")
    command = config.get(COMMAND_SETTING) or environ.get(f"OPVANGPLEIN_{COMMAND_SETTING}")
    if chosen and command:
        raise ConfigurationError(f"Set {SCANNER_SETTING} or {COMMAND_SETTING}, not both")
    if callable(chosen):
        return chosen
    if chosen:
        return load_callable(str(chosen))
    if command:
        words = tuple(shlex.split(str(command)))
        if not words:
            raise ConfigurationError(f"{COMMAND_SETTING} is empty")
        timeout = config.get(TIMEOUT_SETTING) or environ.get(
            f"OPVANGPLEIN_{TIMEOUT_SETTING}", DEFAULT_TIMEOUT_SECONDS
        )
        try:
            seconds = float(timeout)
        except ValueError as error:
            raise ConfigurationError(f"{TIMEOUT_SETTING} must be a number of seconds") from error
        return CommandScanner(words, seconds)
    return None
