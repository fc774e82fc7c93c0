"""``python -m bench [name ...]``: build the data set once, run the named benchmarks (or all).

Figure lines (``name: value unit``) go to stdout; progress and diagnostics go to stderr.
"""

from __future__ import annotations

import importlib
import signal
import sys
import tempfile
import time
from pathlib import Path

# Benchmark name → module with ``run(dataset) -> list[Figure]``. Modules are imported only when
# run: the load generator's client processes re-import this module and need none of them.
BENCHMARKS = {
    "tenant_page": "bench.tenant_page",
    "scoping": "bench.scoping",
    "loket_allocation": "bench.loket_allocation",
    "regional_figures": "bench.regional_figures",
    "real_pages": "bench.real_pages",
    "loket_pages": "bench.loket_pages",
    "cold_start": "bench.cold_start",
}


def main(argv: list[str]) -> int:
    if {"-h", "--help"} & set(argv):
        print(f"usage: python -m bench [{' '.join(BENCHMARKS)}]  (none: all)")
        return 0
    unknown = [name for name in argv if name not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark {', '.join(unknown)}; choose from: {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    selected = argv or list(BENCHMARKS)
    # A terminated run must still stop its servers and delete its files: turn SIGTERM into an
    # exception so every ``finally`` and context manager on the way out runs.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    from bench.data import build_dataset

    # The temporary directory (database, tenant files, server logs) goes even on error.
    with tempfile.TemporaryDirectory(prefix="opvangplein-bench-") as directory:
        dataset = build_dataset(Path(directory))
        for name in selected:
            started = time.monotonic()
            module = importlib.import_module(BENCHMARKS[name])
            for figure in module.run(dataset):
                print(figure.line(), flush=True)
            print(f"{name}: done in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
