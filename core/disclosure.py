"""Small-count suppression: how an aggregate leaves a municipality without pointing at a family.

One rule for every place a count is published or shown across municipalities (a module's open
data, the regional view), so the same count is hidden everywhere:

* a count from 1 to ``threshold - 1`` is hidden (*primary* suppression); 0 is shown, it names
  no one;
* in a table whose cells add up to a total that is shown, one hidden cell could be worked out
  from the total and the others, so more cells are hidden (*complementary* suppression, the
  smallest first) until at least two are hidden and the hidden cells add up to at least the
  threshold; when no cell is left to hide, the total is hidden instead.

Figures derived from a hidden count (a median over it, a share of it) are the caller's to hide:
:func:`is_small` says when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SMALL_COUNT = 5


def is_small(value: float | int | None, threshold: int = SMALL_COUNT) -> bool:
    """Whether ``value`` is a count that may not be shown (1 … threshold - 1)."""
    return value is not None and 0 < value < threshold


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset
    total_hidden: bool


def suppress_table(
    cells: Mapping, *, total: float | int | None = None, threshold: int = SMALL_COUNT
) -> Suppression:
    """Which cells of ``cells`` (key → count) to hide, and whether the total must go too.

    ``total`` is the shown total the cells add up to (None: their sum). Cells that are not
    counts of people (None) are ignored.
    """
    counts = {key: value for key, value in cells.items() if value is not None}
    if total is None:
        total = sum(counts.values())
    hidden = {key for key, value in counts.items() if is_small(value, threshold)}
    total_hidden = is_small(total, threshold)
    if hidden and not total_hidden:
        candidates = sorted(
            (value, str(key), key)
            for key, value in counts.items()
            if key not in hidden and value > 0
        )
        while len(hidden) < 2 or sum(counts[key] for key in hidden) < threshold:
            if not candidates:
                total_hidden = True
                break
            hidden.add(candidates.pop(0)[2])
    return Suppression(hidden=frozenset(hidden), total_hidden=total_hidden)
