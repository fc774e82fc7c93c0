"""Cold start: a new process until its first answer, the real app beside a bare Flask app.

Each run is a fresh interpreter (as a new gunicorn worker after ``max_requests``, or a deploy)
that builds the app and answers one request through the WSGI interface: the municipality's home
page with every installed plugin, and hello world for the baseline. Runs alternate between the
two; the figures are the median wall time of each and their difference (what the platform adds
to starting Python and Flask). Target (issue 18): the platform's first answer within 0.8 s.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from bench import Figure
from bench.real_pages import SLUG, build_site

RUNS = 5

FIRST_ANSWER = """
import sys
from {module} import {factory} as factory
app = factory()
status = app.test_client().get({path!r}).status_code
sys.exit(0 if status == 200 else status)
"""


HELLO_WORLD = """
from flask import Flask
app = Flask("hello")
app.get("/")(lambda: "Hello, World!")
assert app.test_client().get("/").status_code == 200
"""


def run(dataset) -> list[Figure]:
    directory = dataset.directory / "cold_start"
    directory.mkdir(exist_ok=True)
    site = build_site(directory)
    programs = {
        "platform": FIRST_ANSWER.format(
            module="bench.apps", factory="pages_app", path=f"/t/{SLUG}/"
        ),
        # Flask alone: bench.apps would import the platform's plugin registry as well.
        "hello_world": HELLO_WORLD,
    }
    environ = {**os.environ, **site.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    for program in programs.values():  # compiled bytecode on disk, as after a deploy
        _first_answer(program, environ)
    timings: dict[str, list[float]] = {name: [] for name in programs}
    for number in range(RUNS):
        order = list(programs) if number % 2 == 0 else list(reversed(programs))
        for name in order:
            timings[name].append(_first_answer(programs[name], environ))
    platform, hello = (statistics.median(timings[name]) for name in ("platform", "hello_world"))
    return [
        Figure("cold_start_platform_first_answer", platform * 1e3, "ms"),
        Figure("cold_start_hello_world_first_answer", hello * 1e3, "ms"),
        Figure("cold_start_platform_minus_hello_world", (platform - hello) * 1e3, "ms"),
        Figure("cold_start_platform_slowest", max(timings["platform"]) * 1e3, "ms"),
    ]


def _first_answer(program: str, environ: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", program], env=environ, check=True)
    return time.perf_counter() - started
