"""One run's configuration (scenario, parameter changes, seed, weeks) and its two portable forms.

A ``RunConfig`` is what the Explore page runs. It travels as the page URL's query parameters
(``?scenario=c177&seed=3&weeks=260&framing_intensity=0.2``) and as a scenario TOML file with a
``[run]`` table that ``rumahan run --scenario FILE`` reproduces exactly. Every check is the
experiments' own (``load_scenario``, ``Scenario.with_overrides``, ``scenario_from_dict`` and the
parameter registry); this module only translates between the forms. It does not import Streamlit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rumahan.experiments.scenarios import (
    Scenario,
    ScenarioError,
    available,
    changed_name,
    load_scenario,
    scenario_from_dict,
)
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError

#: Query parameters that are not model parameters.
RUN_KEYS = ("scenario", "seed", "weeks", "schedule")
#: Settings of a run's size, left out first when a link's settings do not go together.
SIZE_KEYS = ("n_workers", "n_subcontractors")
#: Query parameters Streamlit itself uses; ignored.
STREAMLIT_KEYS = ("embed", "embed_options")
#: Prefix of query parameters that belong to a page, not to the run (the collective-action
#: lab's ``lab.graph=ring``); the run configuration ignores them.
PAGE_KEY_PREFIX = "lab."
#: Longest run the dashboard offers (50 years of weeks); the CLI has no such limit.
MAX_WEEKS = 2600
#: Largest whole number a browser's number box holds exactly: JavaScript numbers are doubles.
BROWSER_MAX_EXACT_INTEGER = 2**53 - 1
#: Largest seed the dashboard offers: the model's (``model.params.MAX_SEED``), within what the
#: browser holds exactly; larger seeds run from the CLI.
MAX_SEED = min(registry.MAX_SEED, BROWSER_MAX_EXACT_INTEGER)
#: Largest run the dashboard starts, in worker-weeks (n_workers x weeks): about 20 s at the measured
#: 5.7 million worker-weeks per second (docs/performance.md), e.g. 190,000 workers over 520 weeks.
#: A link asking for 5 million workers over 2,600 weeks would otherwise start a run of hours; the
#: CLI (`rumahan run`) has no such limit.
MAX_WORKER_WEEKS = 100_000_000
DEFAULT_SCENARIO = "status_quo"
DEFAULT_SEED = 1
#: Added to the scenario's name in a downloaded file that changes it.
CUSTOM_SUFFIX = "_custom"

Schedule = tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]


class ConfigError(RumahanInputError):
    """A configuration that cannot be run, with a one-line message for the page."""


def format_value(value: Any) -> str:
    """A parameter value as text for a URL or a table (``true``, ``0.25``, ``2000``, ``auto``)."""
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _freeze_schedule(schedule: Any) -> Schedule:
    return tuple((int(week), tuple(sorted(dict(changes).items()))) for week, changes in schedule)


@dataclass(frozen=True)
class RunConfig:
    """What to run: a shipped scenario, parameter changes against it, seed and weeks.

    Attributes:
        scenario: name of a scenario in ``experiments/scenarios/``.
        changes: ``(name, value)`` pairs, sorted by name, that differ from the scenario's values.
        seed: root seed of the run.
        weeks: weeks to simulate after week 0.
        schedule: the policy changes during the run, or ``None`` for the scenario's own.
    """

    scenario: str = DEFAULT_SCENARIO
    changes: tuple[tuple[str, Any], ...] = ()
    seed: int = DEFAULT_SEED
    weeks: int = DEFAULT_WEEKS
    schedule: Schedule | None = None

    # --- building ----------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        scenario: str,
        values: Mapping[str, Any],
        seed: int,
        weeks: int,
        schedule: Any = None,
    ) -> RunConfig:
        """A validated configuration from parameter ``values`` (only those differing from the
        scenario's are kept as changes). Raises ``ConfigError``."""
        base = _load(scenario)
        changes = {
            name: value for name, value in values.items()
            if value != base.parameters.get(name, registry.get(name).default)
        }
        frozen = None if schedule is None else _freeze_schedule(schedule)
        if frozen is not None and frozen == _freeze_schedule(base.schedule):
            frozen = None
        config = cls(scenario, tuple(sorted(changes.items())), seed, weeks, frozen)
        config.validate()
        return config

    def unchanged(self) -> RunConfig | None:
        """The same scenario, seed, weeks and size without the other changes (the run a change is
        measured against), or ``None`` when nothing but the size was changed."""
        same = replace(self, changes=tuple(c for c in self.changes if c[0] in SIZE_KEYS), schedule=None)
        return None if same == self else same

    def changed_name(self) -> str:
        """``c177 + tokenism=0.2``: the scenario named for its changes (not the size; a schedule of
        its own is said as such)."""
        changes = {k: v for k, v in self.changes if k not in SIZE_KEYS}
        name = changed_name(self.scenario, changes)
        return name + (" + its own schedule" if self.schedule is not None else "")

    def with_seed_and_weeks(self, seed: int, weeks: int) -> RunConfig:
        return replace(self, seed=seed, weeks=weeks)

    # --- what it runs ------------------------------------------------------------------------
    def base(self) -> Scenario:
        """The shipped scenario this configuration starts from."""
        return _load(self.scenario)

    def to_scenario(self) -> Scenario:
        """The scenario this configuration runs: the base with the changes (and schedule)."""
        base = self.base()
        try:
            merged = base.with_overrides(dict(self.changes))
        except registry.ParameterError as exc:
            raise ConfigError(str(exc)) from None
        if self.schedule is None and not self.changes:
            return merged
        schedule = base.schedule if self.schedule is None else tuple(
            (week, dict(changes)) for week, changes in self.schedule
        )
        return Scenario(
            name=self.scenario + CUSTOM_SUFFIX,
            description=(base.description + " " + self.describe_changes()).strip(),
            parameters=merged.parameters,
            schedule=schedule,
            source=base.source,
        )

    def parameters(self) -> dict[str, Any]:
        """Parameter values set from week 0 (the scenario's plus the changes)."""
        return dict(self.to_scenario().parameters)

    def run_schedule(self) -> list[tuple[int, dict[str, Any]]]:
        """The ``(week, {lever: value})`` changes during the run."""
        return [(week, dict(changes)) for week, changes in self.to_scenario().schedule]

    def value_of(self, name: str) -> Any:
        """The value ``name`` has at week 0 in this configuration (before ``None`` is resolved)."""
        changes = dict(self.changes)
        if name in changes:
            return changes[name]
        return self.base().parameters.get(name, registry.get(name).default)

    def describe_changes(self) -> str:
        """One sentence naming the changes, for descriptions and captions."""
        parts = [f"{name} = {format_value(value)}" for name, value in self.changes]
        if self.schedule is not None:
            parts.append(f"its own schedule ({encode_schedule(self.schedule) or 'none'})")
        return f"Changed in the Rumahan dashboard: {', '.join(parts)}." if parts else ""

    def validate(self) -> RunConfig:
        """Check everything a run needs, or raise ``ConfigError`` with a one-line message."""
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed <= MAX_SEED:
            raise ConfigError(f"seed = {self.seed!r} is not a whole number from 0 to {MAX_SEED:,}")
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, int) or not 1 <= self.weeks <= MAX_WEEKS:
            raise ConfigError(f"weeks = {self.weeks!r} is not a whole number from 1 to {MAX_WEEKS:,}")
        scenario = self.to_scenario()
        if self.schedule is not None:
            _check_schedule(self.schedule)
        try:
            params = registry.validate(scenario.parameters, check_memory=True)
        except registry.ParameterError as exc:
            raise ConfigError(str(exc)) from None
        if params["n_workers"] * self.weeks > MAX_WORKER_WEEKS:
            raise ConfigError(
                f"n_workers x weeks = {params['n_workers']:,} x {self.weeks:,} is more than the "
                f"{MAX_WORKER_WEEKS:,} worker-weeks the dashboard runs (about 20 s); fewer workers or weeks, "
                "or run it with `rumahan run --scenario FILE` (download the scenario on the Share page)"
            )
        return self

    # --- the URL -----------------------------------------------------------------------------
    def to_query(self) -> dict[str, str]:
        """Query parameters that ``from_query`` reads back into this configuration."""
        query = {"scenario": self.scenario, "seed": str(self.seed), "weeks": str(self.weeks)}
        query.update({name: format_value(value) for name, value in self.changes})
        if self.schedule is not None:
            query["schedule"] = encode_schedule(self.schedule) or "none"
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> RunConfig:
        """Read a configuration from query parameters; raises ``ConfigError`` naming every
        problem (unknown names, bad values, a scenario that does not exist)."""
        config, problems = cls.read_query(query)
        if problems:
            raise ConfigError("; ".join(problems))
        return config

    @classmethod
    def read_query(cls, query: Mapping[str, Any]) -> tuple[RunConfig, list[str]]:
        """Read what can be used of the query parameters: the configuration without the bad
        entries, and a one-line description of each entry left out."""
        def text(key: str) -> str:
            value = query[key]
            return str(value[-1] if isinstance(value, list | tuple) else value)

        problems: list[str] = []
        scenario = text("scenario") if "scenario" in query else DEFAULT_SCENARIO
        if scenario not in available():
            problems.append(f"unknown scenario '{scenario}'; valid: {', '.join(available())}")
            scenario = DEFAULT_SCENARIO
        numbers = {"seed": DEFAULT_SEED, "weeks": DEFAULT_WEEKS}
        for key, (low, high) in {"seed": (0, MAX_SEED), "weeks": (1, MAX_WEEKS)}.items():
            if key in query:
                try:
                    number = int(text(key))
                except ValueError:
                    problems.append(f"{key} = '{text(key)}' is not a whole number")
                    continue
                if low <= number <= high:
                    numbers[key] = number
                else:
                    problems.append(f"{key} = {number} is not a whole number from {low:,} to {high:,}")
        values: dict[str, Any] = {}
        for key in query:
            if key in RUN_KEYS or key in STREAMLIT_KEYS or key.startswith(PAGE_KEY_PREFIX):
                continue
            try:
                values[key] = registry.parse_value(key, text(key))
            except registry.ParameterError as exc:
                problems.append(str(exc))
        schedule = None
        if "schedule" in query:
            try:
                schedule = decode_schedule(text("schedule"))
            except ConfigError as exc:
                problems.append(str(exc))
        try:
            return cls.build(scenario, values, numbers["seed"], numbers["weeks"], schedule), problems
        except ConfigError as exc:  # the values do not go together: leave out the run's size first
            problems.append(str(exc))
        weeks_left_out = [f"weeks = {numbers['weeks']}"] if numbers["weeks"] != DEFAULT_WEEKS else []
        try:
            config = cls.build(scenario, {k: v for k, v in values.items() if k not in SIZE_KEYS}, numbers["seed"],
                               DEFAULT_WEEKS, schedule)
            dropped = [*_listed({k: v for k, v in values.items() if k in SIZE_KEYS}), *weeks_left_out]
        except ConfigError:  # still not: the scenario and the seed alone
            config = cls.build(scenario, {}, numbers["seed"], DEFAULT_WEEKS)
            dropped = [*_listed(values), *weeks_left_out, *(["schedule"] if schedule is not None else [])]
        if dropped:
            problems.append(f"so the link's {', '.join(dropped)} {'is' if len(dropped) == 1 else 'are'} left out")
        return config, problems

    # --- the scenario TOML -------------------------------------------------------------------
    def to_toml(self) -> str:
        """The scenario file, with a ``[run]`` table holding seed and weeks, that
        ``rumahan run --scenario FILE`` reproduces exactly."""
        return self.to_scenario().with_run(seed=self.seed, weeks=self.weeks).to_toml()

    @classmethod
    def from_toml(cls, text: str, filename: str = "the uploaded file") -> RunConfig:
        """Read a scenario TOML (with or without ``[run]``); raises ``ConfigError``."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{filename} is not valid TOML: {exc}") from None
        try:
            scenario = scenario_from_dict(data, default_name="custom")
        except ScenarioError as exc:
            raise ConfigError(f"{filename}: {exc}") from None
        base_name = _base_name(scenario.name)
        base = _load(base_name)
        names = set(scenario.parameters) | set(base.parameters)
        values = {name: scenario.parameters.get(name, registry.get(name).default) for name in names}
        schedule = None if scenario.schedule == base.schedule else scenario.schedule
        seed = DEFAULT_SEED if scenario.seed is None else scenario.seed
        weeks = DEFAULT_WEEKS if scenario.weeks is None else scenario.weeks
        try:
            return cls.build(base_name, values, seed, weeks, schedule)
        except ConfigError as exc:  # e.g. a [run] the dashboard cannot offer: name the file
            raise ConfigError(f"{filename}: {exc}") from None


def _listed(entries: Mapping[str, Any]) -> list[str]:
    """Settings as a link gives them: ``name = value``."""
    return [f"{k} = {format_value(v)}" for k, v in entries.items()]


def encode_schedule(schedule: Schedule) -> str:
    """``52:c177_ratified=true,recognition=true;104:floor_share=0.2`` (empty for no changes)."""
    return ";".join(
        f"{week}:" + ",".join(f"{name}={format_value(value)}" for name, value in changes)
        for week, changes in schedule
    )


def decode_schedule(text: str) -> Schedule:
    """Inverse of ``encode_schedule`` (``none`` is an empty schedule); raises ``ConfigError``."""
    if text.strip().lower() in ("", "none"):
        return ()
    out = []
    for item in text.split(";"):
        week_text, sep, body = item.partition(":")
        try:
            week = int(week_text)
        except ValueError:
            raise ConfigError(f"schedule entry '{item}' does not start with a week number, e.g. 52:recognition=true") from None
        if week > MAX_WEEKS:
            raise ConfigError(f"schedule entry '{item[:40]}': week {week} is after the longest run ({MAX_WEEKS} weeks)")
        if not sep or not body:
            raise ConfigError(f"schedule entry '{item}' has no changes, e.g. 52:recognition=true")
        changes = {}
        for pair in body.split(","):
            name, eq, value = pair.partition("=")
            if not eq:
                raise ConfigError(f"schedule change '{pair}' is not written name=value")
            try:
                changes[name.strip()] = registry.parse_value(name.strip(), value)
            except registry.ParameterError as exc:
                raise ConfigError(f"schedule: {exc}") from None
        out.append((week, changes))
    frozen = _freeze_schedule(out)
    _check_schedule(frozen)
    return frozen


def _check_schedule(schedule: Schedule) -> None:
    data = {"parameters": {}, "schedule": [{"week": w, "set": dict(c)} for w, c in schedule]}
    try:
        scenario_from_dict(data)
    except ScenarioError as exc:
        raise ConfigError(str(exc).removeprefix("scenario: ")) from None


def _base_name(name: str) -> str:
    """The shipped scenario a file's ``name`` starts from (``c177_custom`` -> ``c177``)."""
    for candidate in (name, name.removesuffix(CUSTOM_SUFFIX)):
        if candidate in available():
            return candidate
    return DEFAULT_SCENARIO


def _load(name: str) -> Scenario:
    try:
        return load_scenario(name)
    except ScenarioError as exc:
        raise ConfigError(str(exc)) from None
