"""Membership over 50 years at the defaults and at every corner of the organizing parameters'
plausible ranges: the figures of docs/ODD.md §7.8 ("Span of care").

    python -m tools.membership_corners                      # defaults: 2,000 workers, seeds 1-3
    python -m tools.membership_corners --corners            # 64 corners, 1,000 workers, seed 1
    python -m tools.membership_corners --corners --jobs 2   # the same on two processes (about 3 min)

For each run: membership in 2023 (first year), 2032 (tenth year), the last decade of 50 years and
the highest week; SF9's slow growth is ``2023 < 2032 < 2 x 2023``.
"""

from __future__ import annotations

import argparse
import itertools
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from rumahan.model import PuttingOutModel
from rumahan.model import params as registry

WEEKS = 2600
CORNER_PARAMETERS = ("join_rate", "leave_rate", "member_turnover", "volunteer_hours_per_member",
                     "network_base_capacity", "member_upkeep_hours")


def membership_path(seed: int, n_workers: int, params: dict[str, float]) -> tuple[float, float, float, float]:
    """(2023, 2032, last decade, highest week) of one run's membership rate."""
    model = PuttingOutModel(seed=seed, n_workers=n_workers, **params)
    model.run_weeks(WEEKS)
    m = model.datacollector.get_model_vars_dataframe()["membership_rate"].to_numpy()
    return float(m[:52].mean()), float(m[468:520].mean()), float(m[-520:].mean()), float(m.max())


def _row(label: str, path: tuple[float, float, float, float]) -> str:
    first, tenth, last, peak = path
    verdict = "SF9 holds" if first < tenth < 2 * first else ("declines" if tenth <= first else "more than doubles")
    return f"{label}  2023 {first:.3f}  2032 {tenth:.3f}  last decade {last:.3f}  max {peak:.3f}  {verdict}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corners", action="store_true", help="the 64 corners instead of the defaults")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.corners:
        for seed in (1, 2, 3):
            print(_row(f"defaults, seed {seed}", membership_path(seed, 2000, {})), flush=True)
        return
    ranges = [registry.get(name).sample_range for name in CORNER_PARAMETERS]
    corners = [dict(zip(CORNER_PARAMETERS, values, strict=True)) for values in itertools.product(*ranges)]
    with ProcessPoolExecutor(args.jobs) as pool:
        paths = list(pool.map(membership_path, [1] * len(corners), [1000] * len(corners), corners))
    for corner, path in zip(corners, paths, strict=True):
        print(_row(" ".join(f"{k}={v:g}" for k, v in corner.items()), path))
    tenth_over_first = np.array([p[1] / p[0] for p in paths])
    print(f"{len(paths)} corners: highest week {max(p[3] for p in paths):.3f}; last decade "
          f"{min(p[2] for p in paths):.3f}-{max(p[2] for p in paths):.3f}; SF9 holds at "
          f"{int(((tenth_over_first > 1) & (tenth_over_first < 2)).sum())}")


if __name__ == "__main__":
    main()
