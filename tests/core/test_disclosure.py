"""Small-count suppression: no hidden count can be read, nor worked out from a total."""

from __future__ import annotations

from core.disclosure import is_small, suppress_table


def test_counts_from_one_to_four_are_small_and_zero_is_not():
    assert [value for value in range(7) if is_small(value)] == [1, 2, 3, 4]
    assert not is_small(None)


def test_a_table_without_small_counts_hides_nothing():
    result = suppress_table({"a": 7, "b": 0, "c": 12})
    assert result.hidden == frozenset() and not result.total_hidden


def test_one_small_cell_takes_the_smallest_other_cell_with_it():
    # Shown: the total 25 and b = 12 would give a = 25 - 12 - 9 … so 9 goes too.
    result = suppress_table({"a": 4, "b": 12, "c": 9})
    assert result.hidden == {"a", "c"} and not result.total_hidden


def test_hidden_cells_must_add_up_to_at_least_the_threshold():
    # 1 + 1 = 2 hidden of a total 10 would pin both down (each at least 1): a third goes.
    result = suppress_table({"a": 1, "b": 1, "c": 8, "d": 20})
    assert result.hidden == {"a", "b", "c"}


def test_a_table_that_is_all_small_hides_its_total_too():
    assert suppress_table({"a": 2, "b": 0}).total_hidden
    assert suppress_table({"a": 2, "b": 1}).total_hidden


def test_the_threshold_can_be_another_number():
    assert suppress_table({"a": 6, "b": 30}, threshold=10).hidden == {"a", "b"}
