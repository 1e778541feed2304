"""The table's sort order: the same as numpy's stable argsort, ties in row order."""

from __future__ import annotations

import numpy as np
import pytest

from planner.ui.firms.firm_table_model import stable_order


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64])
def test_same_order_as_a_stable_argsort(dtype: type) -> None:
    rng = np.random.default_rng(3)
    high = 200 if dtype is np.uint8 else 5_000
    key = rng.integers(0, high, 50_000).astype(dtype)  # many ties
    order = stable_order(key)
    assert order.dtype == np.int64
    np.testing.assert_array_equal(order, np.argsort(key, kind="stable"))


def test_ties_keep_row_order_and_empty_input() -> None:
    np.testing.assert_array_equal(stable_order(np.array([2, 1, 2, 1, 0])), [4, 1, 3, 0, 2])
    assert stable_order(np.array([], dtype=np.int64)).size == 0
