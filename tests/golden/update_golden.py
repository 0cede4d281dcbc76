"""Write the golden output: the first weeks of the status quo at a fixed seed, every metric, in
full precision. Run it only when the model's numbers are meant to change:

    python tests/golden/update_golden.py            # rewrites status_quo_first_weeks.csv
    python tests/golden/update_golden.py --check    # exit 1 (and the first difference) if stale

then look at what changed (``git diff --word-diff tests/golden/``), check that the calibration tests
still pass, and say in the commit message why the numbers moved. See docs/robustness.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "status_quo_first_weeks.csv"
#: The pinned run: the shipped status quo at its default size (2,000 workers), this seed, these weeks.
SCENARIO, SEED, WEEKS = "status_quo", 20230101, 30


def golden_run() -> pd.DataFrame:
    """The pinned run's weekly metrics now: one row per week (0 to ``WEEKS``), every metric."""
    from rumahan.experiments.records import SERIES_TYPES
    from rumahan.experiments.runner import run_simulation
    from rumahan.experiments.scenarios import load_scenario
    from rumahan.model.metrics import METRIC_NAMES

    scenario = load_scenario(SCENARIO)
    result = run_simulation(scenario.parameters, seed=SEED, weeks=WEEKS, schedule=list(scenario.schedule))
    return result.timeseries.reset_index(drop=True)[list(METRIC_NAMES)].astype(SERIES_TYPES)


def read_golden(path: Path = GOLDEN) -> pd.DataFrame:
    """The stored golden table, every float exactly as written (17 significant digits round-trip;
    parsed by Python's ``float``, which is exact, rather than by a CSV reader's fast parser)."""
    from rumahan.experiments.records import SERIES_TYPES

    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame({c: [float(v) for v in text[c]] for c in text.columns}).astype(SERIES_TYPES)


def write_golden(frame: pd.DataFrame, path: Path = GOLDEN) -> None:
    """Write ``frame`` as CSV with 17 significant digits, enough to give back every float64 exactly."""
    frame.to_csv(path, index=False, float_format="%.17g", lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the golden file is stale")
    args = parser.parse_args(argv)
    now = golden_run()
    if args.check:
        from rumahan.experiments.rerun import first_series_difference

        difference = first_series_difference(f"{SCENARIO} seed {SEED}", read_golden(), now)
        print("golden output is current" if difference is None else f"golden output is stale: {difference.describe()}")
        return 0 if difference is None else 1
    write_golden(now)
    written = read_golden()
    assert written.equals(now), "the CSV did not round-trip exactly"
    print(f"wrote {GOLDEN} ({len(now)} weeks x {now.shape[1]} metrics, {SCENARIO}, seed {SEED})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
