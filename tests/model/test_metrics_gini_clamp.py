"""The Gini coefficient stays in [0, 1] when rounding would push it below 0 (equal earnings)."""

from __future__ import annotations

import numpy as np

from rumahan.model.metrics import gini


def test_equal_values_give_a_gini_of_zero_not_minus_rounding() -> None:
    # these equal values make 2 * sum(rank * x) / (n * total) - (n + 1) / n come out at -2.2e-16
    for n, value in ((2, 31183.145201048545), (5, 38656.05906909223), (10, 64520.61092472289)):
        assert gini(np.full(n, value)) == 0.0


def test_gini_closed_form() -> None:
    # one of n holds everything: (n - 1) / n
    assert gini(np.array([0.0, 0.0, 0.0, 4.0])) == 0.75
