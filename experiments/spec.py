"""Sweep specs: TOML files that say which scenarios, which parameter points and how many replicates.

A spec (examples in ``experiments/sweeps/``)::

    [sweep]
    name = "framing_by_tokenism"
    description = "What the state's two strategies do to the workers, alone and together."
    scenarios = ["status_quo", "no_network"]   # pinned names, or paths (relative to this file)
    replicates = 3                             # runs per scenario and point, seeds from `seed`
    weeks = 104
    seed = 1                                   # root seed of the batch
    timeseries = true                          # keep weekly series (false: final-year summaries only)
    posterior = "results/calibration"          # optional: every scenario on parameter sets drawn from
    draws = 10                                 # this `rumahan calibrate` folder (by weight; default 10)

    [parameters]                               # set in every run, on top of each scenario
    n_workers = 500

    [grid]                                     # full factorial: every combination of these levels
    framing_intensity = [0.0, 0.35, 0.7]
    tokenism = [0.1, 0.8]

    [sample]                                   # Latin hypercube over plausible ranges
    size = 8
    parameters = ["relocation_cost", "principal_price"]   # or "uncertainties": every sampled one
    span = "plausible"                         # or "bounds": the registry's whole bounds
    bounds = { relocation_cost = [0.0, 200.0] }           # optional: own ranges, within the bounds

    [robustness]                               # `rumahan robustness` only: outcomes and direction
    outcomes = { earnings_to_ump = "max", below_poverty_share = "min" }

With both ``[grid]`` and ``[sample]`` every grid point is crossed with every sample point, and
with ``posterior`` each of those with every draw (the draws vary fastest; a ``[sample]`` of
"uncertainties" leaves the calibrated parameters to the draws). Runs: scenarios x points x
replicates. Everything is validated against the registry before any run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rumahan.experiments.design import cross, grid_design, latin_hypercube, uncertainties
from rumahan.experiments.plan import Plan, build_plan, check_batch_size
from rumahan.experiments.records import unknown_outcomes
from rumahan.experiments.scenarios import Scenario, ScenarioError, load_scenario, read_toml_file
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME

if TYPE_CHECKING:
    from rumahan.experiments.calibration.posterior import PosteriorDraws

SECTIONS = {"sweep", "parameters", "grid", "sample", "robustness"}
SWEEP_KEYS = {"name", "description", "scenarios", "replicates", "weeks", "seed", "timeseries", "posterior", "draws"}
SAMPLE_KEYS = {"size", "parameters", "span", "bounds"}


class SpecError(RumahanInputError):
    """A sweep spec that cannot be read or does not validate (one-line message naming the file)."""


@dataclass
class SweepSpec:
    """A validated sweep spec (see the module docstring for the file format)."""

    name: str
    scenarios: list[Scenario]
    replicates: int = 1
    weeks: int = DEFAULT_WEEKS
    seed: int = 1
    timeseries: bool = True
    parameters: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, list[Any]] = field(default_factory=dict)
    sample: dict[str, Any] | None = None
    outcomes: dict[str, str] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None
    posterior: str | None = None
    draws: int | None = None
    #: whether [sample] said "uncertainties" (every sampled one; those drawn from a posterior are left out)
    sample_all: bool = False

    def design(self) -> pd.DataFrame | None:
        """Design points: the grid crossed with the sample, crossed with the posterior draws
        (``None`` if there is none of them)."""
        grid = grid_design(self.grid) if self.grid else None
        sample = None
        if self.sample is not None:
            names = self.sample["parameters"]
            sample = latin_hypercube(names, self.sample["size"], self.seed, self.sample.get("bounds"),
                                     self.sample.get("span", "plausible"))
        drawn = self.posterior_draws()
        return cross(cross(grid, sample), None if drawn is None else drawn.design)

    def posterior_draws(self) -> PosteriorDraws | None:
        """The parameter sets drawn from the calibration ``posterior`` (weighted, seeded from
        ``seed``; ``experiments.calibration.posterior.draw_posterior``), or ``None`` without one."""
        if self.posterior is None:
            return None
        from rumahan.experiments.calibration.posterior import draw_posterior

        return draw_posterior(self.posterior, self.draws, self.seed)

    def over_posterior(self, folder: str | None, draws: int | None) -> SweepSpec:
        """This spec run on ``draws`` parameter sets drawn from the calibration in ``folder``
        (``None``: on none). The draws set the calibrated parameters, so a ``[sample]`` of every
        uncertainty leaves them out, and a grid, sample or ``[parameters]`` that names one is
        refused (``PosteriorError``, one line), as is a folder that is not a finished calibration
        or fewer particles than draws."""
        spec = replace(self, posterior=folder, draws=draws)
        drawn = spec.posterior_draws()
        if drawn is None:
            return spec
        sample = spec.sample
        if sample is not None and spec.sample_all:
            kept = [n for n in sample["parameters"] if n not in drawn.parameters]
            sample = {**sample, "parameters": kept} if kept else None
        drawn.refuse_overlap(spec.grid, "levels of the [grid]")
        drawn.refuse_overlap(sample["parameters"] if sample else (), "sampled ([sample] or --parameters)")
        drawn.refuse_overlap(spec.parameters, "set to one value ([parameters] or --set)")
        return replace(spec, sample=sample)

    def plan(self, kind: str = "sweep") -> Plan:
        """Every run of this spec."""
        settings = {"spec": None if self.path is None else str(self.path), "name": self.name,
                    "description": self.description, "grid": self.grid, "sample": self.sample}
        drawn = self.posterior_draws()
        if drawn is not None:
            settings["posterior"] = drawn.record()
        if self.outcomes:
            settings["outcomes"] = self.outcomes
        return build_plan(kind, self.scenarios, design=self.design(), overrides=self.parameters,
                          replicates=self.replicates, weeks=self.weeks, root_seed=self.seed,
                          keep_timeseries=self.timeseries, settings=settings)


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec; ``SpecError`` names the file, the line of a TOML error, or
    the parameter and its bounds."""
    path = Path(path)
    data = read_toml_file(path, "sweep spec", SpecError, "a .toml file (examples: experiments/sweeps/)")
    return spec_from_dict(data, path)


def _table(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise SpecError(f"{where}: [{key}] must be a table")
    return dict(value)


def _whole(value: Any, what: str, where: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(f"{where}: {what} = {value!r} is not a whole number >= {low}")
    return value


def spec_from_dict(data: Mapping[str, Any], path: Path | None = None, where: str | None = None) -> SweepSpec:
    """Build and validate a spec from parsed TOML (or any mapping of the same shape). Messages name
    ``where`` it came from (default: the spec file ``path``)."""
    where = where or (f"sweep spec {path}" if path else "sweep spec")
    unknown = set(data) - SECTIONS
    if unknown:
        raise SpecError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}; expected "
                        "[sweep], [parameters], [grid], [sample], [robustness]")
    head = _table(data, "sweep", where)
    unknown = set(head) - SWEEP_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) in [sweep]: {', '.join(sorted(unknown))}; expected "
                        f"{', '.join(sorted(SWEEP_KEYS))}")
    names = head.get("scenarios", ["status_quo"])
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise SpecError(f"{where}: [sweep] scenarios must be a non-empty list of scenario names or paths")
    scenarios = [_scenario(n, path, where) for n in names]
    timeseries = head.get("timeseries", True)
    if not isinstance(timeseries, bool):
        raise SpecError(f"{where}: [sweep] timeseries = {timeseries!r} must be true or false")
    try:
        parameters = _checked_parameters(_table(data, "parameters", where))
        grid = _table(data, "grid", where)
        if grid:
            grid_design(grid)  # validates names and values
        sample = _sample(data, where)
        outcomes = _table(data, "robustness", where).get("outcomes", {})
        if isinstance(outcomes, str) or not isinstance(outcomes, Mapping | list):
            raise SpecError(f"{where}: [robustness] outcomes = {outcomes!r} must be a table of "
                            "outcome = \"max\" or \"min\", or a list of outcome names")
        outcomes = outcome_directions(outcomes)
    except registry.ParameterError as exc:
        raise SpecError(f"{where}: {exc}") from None
    spec = SweepSpec(
        name=str(head.get("name", path.stem if path else "sweep")),
        description=str(head.get("description", "")).strip(),
        scenarios=scenarios,
        replicates=_whole(head.get("replicates", 1), "replicates", where, 1),
        weeks=_whole(head.get("weeks", DEFAULT_WEEKS), "weeks", where, 1),
        seed=_whole(head.get("seed", 1), "seed", where, 0),
        timeseries=timeseries,
        parameters=parameters,
        grid={k: list(v) for k, v in grid.items()},
        sample=sample,
        outcomes=outcomes,
        path=path,
        sample_all=sample is not None and _table(data, "sample", where).get("parameters", "uncertainties") == "uncertainties",
    )
    draws = None if head.get("draws") is None else _whole(head["draws"], "draws", where, 1)
    folder = _posterior_folder(head.get("posterior"), path, where)
    if draws is not None and folder is None:
        raise SpecError(f"{where}: draws = {draws} needs posterior = \"DIR\" (a `rumahan calibrate` folder)")
    try:
        spec = spec.over_posterior(folder, draws)
    except RumahanInputError as exc:  # PosteriorError
        raise SpecError(f"{where}: {exc}") from None
    drawn = spec.posterior_draws()
    points = 1 if drawn is None else drawn.draws
    for values in spec.grid.values():
        points *= len(values)
    if spec.sample is not None:
        points *= spec.sample["size"]
    try:  # before the design is drawn: a huge [sample] size would take all memory
        check_batch_size(len(scenarios) * points * spec.replicates,
                         f"{len(scenarios)} scenario(s) x {points:,} point(s) x {spec.replicates} replicate(s)")
    except RumahanInputError as exc:
        raise SpecError(f"{where}: {exc}") from None
    try:
        spec.design()
    except RumahanInputError as exc:  # ParameterError is one
        raise SpecError(f"{where}: {exc}") from None
    return spec


def _posterior_folder(value: Any, spec_path: Path | None, where: str) -> str | None:
    """The ``posterior`` folder of a spec, relative to the spec file when not found as given."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{where}: [sweep] posterior = {value!r} must be the folder of a `rumahan calibrate` run")
    folder = Path(value)
    if spec_path is not None and not folder.is_absolute() and not folder.exists():
        folder = spec_path.parent / folder
    return str(folder)


def _scenario(name: str, spec_path: Path | None, where: str) -> Scenario:
    candidate = Path(name)
    if spec_path is not None and name.endswith(".toml") and not candidate.is_absolute() and not candidate.exists():
        candidate = spec_path.parent / name
        name = str(candidate)
    try:
        return load_scenario(name)
    except ScenarioError as exc:
        raise SpecError(f"{where}: {exc}") from None


def _checked_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    checked = registry.validate(parameters, check_memory=False)
    return {k: checked[k] for k in parameters}


def _sample(data: Mapping[str, Any], where: str) -> dict[str, Any] | None:
    if "sample" not in data:
        return None
    sample = _table(data, "sample", where)
    unknown = set(sample) - SAMPLE_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown key(s) in [sample]: {', '.join(sorted(unknown))}; expected "
                        "size, parameters, span, bounds")
    size = _whole(sample.get("size", 0), "[sample] size", where, 1)
    names = sample.get("parameters", "uncertainties")
    if names == "uncertainties":
        names = uncertainties()
    if isinstance(names, str) or not isinstance(names, Sequence) or not names:
        raise SpecError(f"{where}: [sample] parameters must be a list of parameter names or \"uncertainties\"")
    for name in names:
        if registry.get(name).kind == "bool":
            raise registry.ParameterError(f"parameter '{name}' is a switch; put it in [grid] instead of [sample]")
    span = sample.get("span", "plausible")
    if span not in registry.SPANS:
        raise SpecError(f"{where}: [sample] span = {span!r}; expected \"plausible\" (each parameter's "
                        "plausible range) or \"bounds\" (the registry's whole bounds)")
    bounds = sample.get("bounds", {})
    if not isinstance(bounds, Mapping):
        raise SpecError(f"{where}: [sample] bounds must be a table of name = [low, high]")
    out = {"size": size, "parameters": list(names), "span": span}
    if bounds:
        out["bounds"] = {k: list(v) for k, v in bounds.items()}
    return out


def outcome_directions(outcomes: Mapping[str, Any] | Sequence[str]) -> dict[str, str]:
    """``{metric: "max" | "min"}``, checked against the metric list. A list of names takes each
    name's usual direction (``default_direction``) unless written ``"name:min"`` or ``"name:max"``."""
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    if not isinstance(outcomes, Mapping):
        pairs = {}
        for item in outcomes:
            name, _, direction = str(item).partition(":")
            pairs[name] = direction or default_direction(name)
        outcomes = pairs
    out = {}
    for name, direction in outcomes.items():
        if name not in OUTPUT_BY_NAME or name in ("week", "year"):
            raise registry.ParameterError(unknown_outcomes([name]))
        if direction not in ("max", "min"):
            raise registry.ParameterError(f"outcome '{name}' direction {direction!r} must be \"max\" or \"min\"")
        out[name] = direction
    return out


def default_direction(name: str) -> str:
    """Whether more of outcome ``name`` is better ("max") or worse ("min") for the home workers
    (``better`` of its entry in ``model.metrics.OUTPUTS``)."""
    return "min" if OUTPUT_BY_NAME[name].better == "lower" else "max"
