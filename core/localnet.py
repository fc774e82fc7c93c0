"""Loopback helpers for the development stack and the tests: free ports, waiting for servers."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    """A port nobody listens on right now (servers that must know their port up front need it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60.0) -> None:
    """Poll ``url`` until it answers; raise ``RuntimeError`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {seconds:.0f} s")
