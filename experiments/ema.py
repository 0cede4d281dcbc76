"""Bridge to the EMA Workbench (``pip install 'rumahan[ema]'``): Rumahan as an XLRM model, batch
folders as EMA's ``(experiments, outcomes)``, and PRIM scenario discovery on a robustness folder.

Names clash: Rumahan's *scenario* (a set of levers: a policy or strategy) is EMA's **policy**;
Rumahan's *design point* (a state of the world: values of the uncertainties) is EMA's
**scenario**. The functions here translate; their arguments use Rumahan's words.

ema_workbench is imported only when a function needs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.records import OUTCOME_NAMES, PARAM_PREFIX, unknown_outcomes
from rumahan.experiments.scenarios import load_scenario
from rumahan.experiments.seeds import replicate_seeds
from rumahan.experiments.tasks import RunTask
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME

INSTALL = "pip install 'rumahan[ema]'"
#: Outcomes of the model ``ema_model`` builds unless told otherwise.
DEFAULT_OUTCOMES = ("earnings_to_ump", "below_poverty_share", "membership_rate", "power_to")
#: Batch kinds whose runs table can be read as EMA experiments.
BATCH_KINDS = ("sweep", "comparison", "robustness", "sensitivity", "ablation")


class EmaError(RumahanInputError):
    """ema_workbench missing, a folder that is not a batch, an unknown outcome (one line)."""


def require_ema():
    """The ``ema_workbench`` module, or ``EmaError`` saying how to install it."""
    try:
        return importlib.import_module("ema_workbench")
    except ImportError:
        raise EmaError(f"the EMA Workbench bridge needs ema_workbench: {INSTALL}") from None


def _check_outcomes(outcomes: Sequence[str]) -> tuple[str, ...]:
    unknown = [o for o in outcomes if o not in OUTCOME_NAMES]
    if unknown or not outcomes:
        raise EmaError(unknown_outcomes(unknown))
    return tuple(outcomes)


def _kind(ema, name: str) -> int:
    """EMA's ScalarOutcome kind from the registry's ``better``."""
    better = OUTPUT_BY_NAME[name].better
    return {"higher": ema.ScalarOutcome.MAXIMIZE, "lower": ema.ScalarOutcome.MINIMIZE}.get(better, ema.ScalarOutcome.INFO)


def _ema_parameter(ema, p: registry.Parameter):
    """An EMA parameter over ``p``'s plausible range (``sample_range``); a switch is a BooleanParameter."""
    if p.kind == "bool":
        return ema.BooleanParameter(p.name)
    low, high = p.sample_range
    if p.kind == "int":
        return ema.IntegerParameter(p.name, int(low), int(high))
    return ema.RealParameter(p.name, low, high)


@dataclass(frozen=True)
class RumahanFunction:
    """The relation R: one EMA experiment = ``replications`` seeded runs of the scenario with the
    experiment's values, each through the batch engine's run task (``experiments.worker.simulate``);
    returns each outcome's mean over the replicates. Replicate seeds come from ``seed`` as in a
    batch (``experiments.seeds.replicate_seeds``), the same for every experiment (common random
    numbers), so any experiment can be repeated bit for bit."""

    scenario: str = "status_quo"
    weeks: int = 52
    n_workers: int = 100
    replications: int = 2
    seed: int = 1
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    fixed: dict[str, Any] = field(default_factory=dict)

    def __call__(self, **values: Any) -> dict[str, float]:
        from rumahan.experiments.worker import simulate

        base = load_scenario(self.scenario)
        params = {**base.parameters, "n_workers": self.n_workers, **self.fixed,
                  **{k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()}}
        registry.validate(params)
        results = []
        for replicate, seed in enumerate(replicate_seeds(self.seed, self.replications)):
            task = RunTask(index=replicate, run_id=f"{base.name}-ema-r{replicate}", scenario=base.name, point=0,
                           replicate=replicate, seed=seed, weeks=self.weeks, params=params,
                           schedule=tuple(base.schedule), keep_timeseries=False)
            output = simulate(task)
            if output.error:
                raise EmaError(f"run {task.run_id} failed: {output.error}")
            results.append([output.summary[o] for o in self.outcomes])
        means = np.mean(np.asarray(results, dtype=float), axis=0)
        return dict(zip(self.outcomes, means.tolist(), strict=True))


def ema_model(
    scenario: str = "status_quo",
    weeks: int = 52,
    n_workers: int = 100,
    replications: int = 2,
    seed: int = 1,
    levers: Sequence[str] | None = None,
    uncertainties: Sequence[str] | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    name: str = "rumahan",
):
    """An ``ema_workbench.Model`` of Rumahan built from the registry (XLRM).

    Args:
        scenario: the Rumahan scenario whose parameters and schedule every experiment starts from.
        weeks, n_workers: run length and size of each run (small by default, for trying it out).
        replications, seed: each experiment is the mean over ``replications`` runs with seeds
            ``replicate_seeds(seed, replications)``.
        levers: lever names (role ``lever``; default: every sampled lever), over their plausible ranges.
        uncertainties: uncertainty names (role ``uncertainty``; default: every sampled one).
        outcomes: metrics; each a ``ScalarOutcome`` whose kind (MAXIMIZE, MINIMIZE, INFO) follows
            the metric's ``better``.
    """
    ema = require_ema()
    outcomes = _check_outcomes(outcomes)
    load_scenario(scenario)  # an unknown scenario is refused now, not in the first experiment

    def chosen(names: Sequence[str] | None, role: str) -> list[registry.Parameter]:
        if names is None:
            return [p for p in registry.PARAMETERS if p.role == role and p.sampled and p.name != "n_workers"]
        picked = [registry.get(n) for n in names]
        wrong = [p.name for p in picked if p.role != role]
        if wrong:
            raise EmaError(f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not {role}s in the registry "
                           "(`rumahan params` shows each parameter's role)")
        return picked

    model = ema.Model(name, function=RumahanFunction(scenario, weeks, n_workers, replications, seed, outcomes))
    model.levers = [_ema_parameter(ema, p) for p in chosen(levers, "lever")]
    model.uncertainties = [_ema_parameter(ema, p) for p in chosen(uncertainties, "uncertainty")]
    model.outcomes = [ema.ScalarOutcome(o, kind=_kind(ema, o)) for o in outcomes]
    return model


def batch_experiments(path: str | Path, outcomes: Sequence[str] | None = None) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A Rumahan batch folder as EMA's ``(experiments, outcomes)``, one experiment per (scenario,
    design point), outcomes averaged over replicates.

    ``experiments`` holds the parameters that vary across the batch (registry names, no
    ``param.`` prefix), ``policy`` (the Rumahan scenario), ``scenario`` (the Rumahan design point)
    and ``model`` (``"rumahan"``); ``outcomes`` maps each outcome (default: every outcome) to a
    numpy array in the same order.
    """
    folder = storage.load_output(path)
    if folder.kind not in BATCH_KINDS or folder.runs is None:
        raise EmaError(f"{folder.path} holds a {folder.kind}, not a batch with a runs table ({', '.join(BATCH_KINDS)})")
    if folder.runs.empty:
        raise EmaError(f"{folder.path} has no finished runs")
    outcomes = OUTCOME_NAMES if outcomes is None else _check_outcomes(outcomes)
    runs = folder.runs
    params = [c for c in runs.columns if c.startswith(PARAM_PREFIX) and runs[c].nunique(dropna=False) > 1]
    grouped = runs.groupby(["scenario", "point"], sort=False)
    means = grouped[list(outcomes)].mean()
    firsts = grouped[params].first()
    experiments = firsts.rename(columns=lambda c: c[len(PARAM_PREFIX):]).reset_index()
    experiments = experiments.rename(columns={"scenario": "policy", "point": "scenario"})
    experiments = experiments[[*(c[len(PARAM_PREFIX):] for c in params), "scenario", "policy"]]
    experiments["policy"] = experiments["policy"].astype(str)
    experiments["model"] = "rumahan"
    return experiments, {o: means[o].to_numpy(dtype=float) for o in outcomes}


@dataclass
class FailureBox:
    """A PRIM box: where in the unknowns a policy fails. ``limits`` has a row per restricted
    uncertainty with its ``low`` and ``high`` and the sampled ``min``/``max``; ``box`` is EMA's
    PrimBox (``box.inspect()`` prints it, ``box.show_tradeoff()`` plots the peeling trajectory)."""

    policy: str
    rule: str
    limits: pd.DataFrame
    coverage: float
    density: float
    mass: float
    failures: int
    states: int
    box: Any = None

    def __str__(self) -> str:
        lines = [f"{self.policy} fails ({self.rule}) in {self.failures} of {self.states} states of the world; box: "
                 f"coverage {self.coverage:.2f}, density {self.density:.2f}, mass {self.mass:.2f}"]
        lines += [f"  {name}: {row['low']:.4g} .. {row['high']:.4g} (sampled {row['min']:.4g} .. {row['max']:.4g})"
                  for name, row in self.limits.iterrows()]
        return "\n".join(lines)


def failure_box(
    path: str | Path,
    policy: str,
    baseline: str = "status_quo",
    outcome: str = "earnings_to_ump",
    threshold: float = 0.6,
    mass_min: float = 0.05,
    peel_alpha: float = 0.1,
) -> FailureBox:
    """PRIM scenario discovery on a robustness folder: the box of uncertainty values in which the
    Rumahan scenario ``policy`` does worse on ``outcome`` than ``baseline`` in the same state of the
    world (below it for an outcome to maximise, above it for one to minimise).

    ``threshold`` is the density PRIM peels towards (the share of failures inside the box);
    the box returned is the densest on the peeling trajectory that reaches it, else the last one.
    """
    require_ema()
    from ema_workbench.analysis import prim

    experiments, outcomes = batch_experiments(path, [outcome])
    policies = set(experiments["policy"])
    missing = [p for p in (policy, baseline) if p not in policies]
    if missing:
        raise EmaError(f"{path} has no scenario {', '.join(missing)}; it has {', '.join(sorted(policies))}")
    roles = {p.name: p.role for p in registry.PARAMETERS}
    uncertain = [c for c in experiments.columns if roles.get(c) == "uncertainty"]
    if not uncertain:
        raise EmaError(f"{path} varies no uncertainty; make it with `rumahan robustness`")
    frame = experiments.assign(value=outcomes[outcome])
    mine = frame[frame["policy"] == policy].set_index("scenario")
    theirs = frame[frame["policy"] == baseline].set_index("scenario")["value"]
    mine = mine[mine.index.isin(theirs.index)]
    sign = -1.0 if OUTPUT_BY_NAME[outcome].better == "lower" else 1.0
    fails = (sign * (mine["value"] - theirs.loc[mine.index]) < 0).to_numpy()
    if not fails.any():
        raise EmaError(f"{policy} never does worse than {baseline} on {outcome} here; there is no failure region")
    x = mine[uncertain].reset_index(drop=True).astype(float)
    finder = prim.Prim(x, fails, threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min)
    box = finder.find_box()
    trajectory = box.peeling_trajectory
    reached = trajectory[trajectory["density"] >= threshold]
    chosen = int(reached.index[0]) if len(reached) else len(trajectory) - 1
    box.select(chosen)
    lims = box.box_lim
    restricted = [c for c in uncertain if lims[c].iloc[0] > x[c].min() or lims[c].iloc[1] < x[c].max()]
    limits = pd.DataFrame({"low": [lims[c].iloc[0] for c in restricted], "high": [lims[c].iloc[1] for c in restricted],
                           "min": [x[c].min() for c in restricted], "max": [x[c].max() for c in restricted]},
                          index=pd.Index(restricted, name="uncertainty"), dtype=float)
    rule = f"{outcome} {'below' if sign > 0 else 'above'} {baseline}'s"
    return FailureBox(policy, rule, limits, float(box.coverage), float(box.density), float(box.mass),
                      int(fails.sum()), len(fails), box)


__all__ = ["EmaError", "FailureBox", "RumahanFunction", "batch_experiments", "ema_model", "failure_box", "require_ema"]
