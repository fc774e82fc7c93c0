"""Benchmarks of the platform: ``make bench`` or ``python -m bench [name ...]``.

Every benchmark measures its own baseline in the same run and prints one ``name: value unit``
line per figure, so a figure is always read next to what it is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One printed result line."""

    name: str
    value: float
    unit: str

    def line(self) -> str:
        # One decimal is as precise as a run-to-run spread of a few percent allows.
        return f"{self.name}: {self.value:.1f} {self.unit}"
