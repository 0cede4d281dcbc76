"""The golden output: the status quo's first 30 weeks at seed 20230101 (every metric, full
precision) must come out bit for bit as stored in ``status_quo_first_weeks.csv``.

An unintended change in the model's numbers (a rule, a default, the order of random draws, a
library that rounds differently) fails here. When the change is intended, updating the file is a
deliberate act:

    python tests/golden/update_golden.py --check   # shows the first differing metric and week
    python tests/golden/update_golden.py           # rewrites the file

then check that the calibration tests still pass and say in the commit why the numbers moved
(docs/robustness.md, docs/extending.md "Add a parameter", step 4).
"""

from __future__ import annotations

import numpy as np

from rumahan.experiments.rerun import first_series_difference
from rumahan.model.metrics import METRIC_NAMES

from .update_golden import GOLDEN, SEED, WEEKS, golden_run, read_golden


def test_the_status_quo_reproduces_the_golden_output_bit_for_bit() -> None:
    golden = read_golden()
    assert list(golden.columns) == list(METRIC_NAMES), (
        "the metrics changed (added, removed or reordered): update the golden file on purpose, see this "
        "test's docstring")
    assert len(golden) == WEEKS + 1 and golden["week"].tolist() == list(range(WEEKS + 1))
    difference = first_series_difference(f"status_quo seed {SEED}", golden, golden_run())
    assert difference is None, (
        f"{GOLDEN.name}: the model's numbers changed: {difference.describe()}. If this is intended, update "
        "the file with `python tests/golden/update_golden.py` and say why in the commit (see the docstring)")


def test_the_golden_file_is_not_trivial_and_round_trips() -> None:
    """The pinned weeks hold what they should: the rejected 2022 review (week 4) has happened, the
    network is organizing, money flows balance; and the CSV gives back every float exactly."""
    golden = read_golden()
    assert np.isfinite(golden.to_numpy(dtype=float)).all()
    assert (golden["membership_rate"] > 0).all() and (golden["piece_rate_mean"] > 0).all()
    flows = golden["worker_gross_pay"] + golden["subcontractor_margin"]
    np.testing.assert_allclose(golden["value_from_principals"], flows, rtol=1e-9)
    text = GOLDEN.read_text().splitlines()
    assert len(text) == WEEKS + 2 and all(len(line.split(",")) == len(METRIC_NAMES) for line in text)
    value = float(text[10].split(",")[2])            # piece_rate_mean of week 9, as written
    assert value == float(golden["piece_rate_mean"].iloc[9])


def test_a_changed_number_is_caught_with_its_metric_and_week() -> None:
    golden = read_golden()
    changed = golden.copy()
    changed.loc[12, "earnings_to_ump"] = np.nextafter(changed.loc[12, "earnings_to_ump"], np.inf)  # one ulp
    difference = first_series_difference("golden", golden, changed)
    assert difference is not None and (difference.metric, difference.week, difference.count) == ("earnings_to_ump", 12, 1)
    assert "week 12, earnings_to_ump" in difference.describe()
