"""The `rumahan` command line (interim: `rumahan demo` runs the status quo and prints outcomes)."""

from __future__ import annotations

import argparse
import sys

from experiments.runner import run_simulation
from experiments.scenarios import load_scenario
from model.metrics import OUTPUT_BY_NAME

DEMO_OUTCOMES = (
    "piece_rate_mean", "earnings_to_ump", "net_to_gross", "labour_share", "membership_rate",
    "participation_rate", "consciousness_mean", "coverage_rate", "health_burden_share",
    "power_within", "power_with", "power_to", "power_over",
)


def demo(weeks: int = 520, seed: int = 1) -> None:
    scenario = load_scenario("status_quo")
    result = run_simulation(scenario.parameters, seed=seed, weeks=weeks, schedule=list(scenario.schedule))
    ts = result.timeseries
    first, last = ts[ts.week < 52], ts.tail(52)
    print(f"status_quo, {result.params['n_workers']:,} workers, {weeks} weeks, seed {seed} "
          f"({result.wall_time_s:.1f} s)")
    print(f"{'outcome':24s} {'unit':10s} {'2023':>10s} {'final year':>11s}")
    for name in DEMO_OUTCOMES:
        unit = OUTPUT_BY_NAME[name].unit
        print(f"{name:24s} {unit:10s} {first[name].mean():10.3f} {last[name].mean():11.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rumahan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_demo = sub.add_parser("demo", help="run the status quo for 520 weeks and print outcomes")
    p_demo.add_argument("--weeks", type=int, default=520)
    p_demo.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo(args.weeks, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
