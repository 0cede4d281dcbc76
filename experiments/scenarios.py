"""Named policy scenarios: TOML files that change parameters, at the start or at given weeks.

A scenario file looks like::

    name = "c177"
    description = "Indonesia ratifies ILO C177 in January 2024."
    source = "[brief §2.12, §6]"

    [parameters]            # set from week 0 (any registry parameter)
    n_workers = 2000

    [[schedule]]            # changes at a given week (registry levers only)
    week = 52
    set = { c177_ratified = true }

    [run]                   # optional: defaults for `rumahan run --scenario FILE`
    seed = 7
    weeks = 520

    [windows]               # optional: named periods whose means summaries report too
    shock = [104, 130]      # weeks 104 to 129: start inclusive, end exclusive

Everything is validated against the parameter registry (model/params.py) when the file is
loaded, so a bad value fails before any simulation runs, naming the file and the parameter.
"""

from __future__ import annotations

import numbers
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rumahan.experiments.seeds import MAX_SEED
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError
from rumahan.model.model import check_schedule

SCENARIO_DIR = Path(__file__).parent / "scenarios"
#: The pinned scenario names (DESIGN §7), in the order reports show them.
PINNED = (
    "status_quo", "no_network", "c177", "national_regulation", "statistics", "end_reframing",
    "genuine_participation", "recommendations", "cooperatives", "demand_shock",
)


class ScenarioError(RumahanInputError):
    """A scenario that cannot be found or does not validate (one-line message)."""


class ScheduleWarning(UserWarning):
    """Scheduled changes that fall after a run's last week, so do not happen in it."""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Attributes:
        name: short name (file stem for files in experiments/scenarios/).
        description: what it changes and why, citing the brief.
        parameters: changes from the registry defaults, from week 0.
        schedule: ``(week, {lever: value})`` changes during the run.
        source: citation of the evidence behind it.
        path: file it was read from, if any.
        seed: root seed a single run of this scenario uses by default (``[run]`` table), if any.
        weeks: weeks a single run of this scenario lasts by default (``[run]`` table), if any.
        windows: named periods ``{name: (start, end)}`` (``[windows]`` table): weeks ``start`` to
            ``end - 1`` of the weekly series, whose means summaries report beside the final year's.
    """

    name: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    schedule: tuple[tuple[int, dict[str, Any]], ...] = ()
    source: str = ""
    path: Path | None = None
    seed: int | None = None
    weeks: int | None = None
    windows: dict[str, tuple[int, int]] = field(default_factory=dict)

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A copy with more parameter changes (e.g. from ``--set``), validated."""
        merged = {**self.parameters, **overrides}
        checked = registry.validate(merged, check_memory=False)
        merged = {k: checked[k] for k in merged}
        return replace(self, parameters=merged)

    def with_changes(self, overrides: Mapping[str, Any]) -> Scenario:
        """``with_overrides``, named and described for its changes: ``c177`` with ``tokenism=0.2``
        becomes ``c177 + tokenism=0.2``, its description ending "Changed from c177: tokenism = 0.2."
        (no changes: the scenario itself)."""
        if not overrides:
            return self
        changed = self.with_overrides(overrides)
        listed = ", ".join(f"{k} = {format_change(changed.parameters[k])}" for k in overrides)
        return replace(changed, name=changed_name(self.name, {k: changed.parameters[k] for k in overrides}),
                       description=f"{self.description.rstrip()} Changed from {self.name}: {listed}.")

    def with_run(self, seed: int | None = None, weeks: int | None = None) -> Scenario:
        """A copy whose ``[run]`` defaults are ``seed`` and ``weeks`` (``None`` keeps the current)."""
        _check_run({"seed": seed, "weeks": weeks}, "scenario")
        return replace(
            self, seed=self.seed if seed is None else int(seed), weeks=self.weeks if weeks is None else int(weeks)
        )

    def model_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``PuttingOutModel`` (parameters plus the schedule)."""
        return {**self.parameters, "schedule": [(w, dict(c)) for w, c in self.schedule]}

    def to_toml(self) -> str:
        """This scenario as TOML text that ``load_scenario`` reads back identically."""
        lines = [f"name = {_toml_value(self.name)}", f"description = {_toml_value(self.description)}"]
        if self.source:
            lines.append(f"source = {_toml_value(self.source)}")
        lines += ["", "[parameters]"]
        # None means "derived from the others" (n_subcontractors), which is also what leaving it out does
        lines += [f"{k} = {_toml_value(v)}" for k, v in self.parameters.items() if v is not None]
        for week, changes in self.schedule:
            body = ", ".join(f"{k} = {_toml_value(v)}" for k, v in changes.items())
            lines += ["", "[[schedule]]", f"week = {week}", f"set = {{ {body} }}"]
        if self.seed is not None or self.weeks is not None:
            lines += ["", "[run]"]
            if self.seed is not None:
                lines.append(f"seed = {int(self.seed)}")
            if self.weeks is not None:
                lines.append(f"weeks = {int(self.weeks)}")
        if self.windows:
            lines += ["", "[windows]"]
            lines += [f"{name} = [{start}, {end}]" for name, (start, end) in self.windows.items()]
        return "\n".join(lines) + "\n"


def format_change(value: Any) -> str:
    """A changed value as a name shows it: ``true``, ``0.2``, ``1,000`` -> ``1000``, ``auto``."""
    if value is None:
        return "auto"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def changed_name(base: str, changes: Mapping[str, Any]) -> str:
    """The name of a scenario with changes: ``c177 + tokenism=0.2, n_workers=500``."""
    if not changes:
        return base
    return f"{base} + " + ", ".join(f"{k}={format_change(v)}" for k, v in changes.items())


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return '"' + "".join(_toml_char(c) for c in str(value)) + '"'


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_char(c: str) -> str:
    """One character of a TOML basic string: quotes, backslashes and every control character
    escaped (TOML refuses raw control characters, e.g. a backspace in a pasted description)."""
    if c in _TOML_ESCAPES:
        return _TOML_ESCAPES[c]
    return f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c


#: Parameters that set the week of a change (read by the model at set-up): a demand shock.
WEEK_PARAMETERS = ("demand_shock_week",)


def changes_after_end(schedule: Any, weeks: int, parameters: Mapping[str, Any] | None = None) -> list[int]:
    """Weeks, in order, of the changes that a run of ``weeks`` weeks does not reach: those of
    ``schedule`` (``(week, {lever: value})`` pairs, validated here as the model would) and the
    weeks ``parameters`` give to ``WEEK_PARAMETERS`` (a demand shock)."""
    late = {week for week in check_schedule(schedule) if week > weeks}
    given = (dict(parameters or {}).get(name) for name in WEEK_PARAMETERS)
    # values the registry will refuse (text, NaN...) are left to its clearer error
    late.update(int(w) for w in given if isinstance(w, numbers.Real) and not isinstance(w, bool) and w > weeks)
    return sorted(late)


def warn_if_schedule_after_end(
    schedule: Any, weeks: int, where: str = "", parameters: Mapping[str, Any] | None = None
) -> list[int]:
    """Warn (``ScheduleWarning``) about scheduled changes after a run's last week.

    A run shorter than its scenario's schedule is allowed (the first year of every scenario, say),
    but the changes after its end do not happen in it, and that is said, never left silent.

    Args:
        schedule: ``(week, {lever: value})`` pairs.
        weeks: the weeks the run simulates after week 0.
        where: prefix naming the scenario in the message (``"scenario 'c177': "``).
        parameters: the run's parameters (a demand shock's week is one of its changes).

    Returns:
        ``changes_after_end(schedule, weeks, parameters)``: the weeks of the changes that do not happen.
    """
    late = changes_after_end(schedule, weeks, parameters)
    if late:
        listed = ", ".join(str(week) for week in late)
        what = (f"the change scheduled for week {listed} comes" if len(late) == 1
                else f"the changes scheduled for weeks {listed} come")
        happen = "does not" if len(late) == 1 else "do not"
        warnings.warn(f"{where}{what} after the run's last week ({weeks}) and {happen} happen in this run",
                      ScheduleWarning, stacklevel=3)
    return late


#: What a window's name may be: a TOML bare key that is also a Python identifier (letters, digits,
#: underscores, not starting with a digit), so that it names a column, a file and a CLI choice.
WINDOW_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The name the CLI and the dashboard give the final year beside the windows, so no window may take it.
FINAL_YEAR = "final"


def check_windows(windows: Any, where: str = "scenario") -> dict[str, tuple[int, int]]:
    """A ``[windows]`` table as ``{name: (start, end)}``, or ``ScenarioError`` in one line naming
    ``where`` (the file), the window and its value.

    A window ``name = [start, end]`` covers weeks ``start`` to ``end - 1`` of the weekly series
    (start inclusive, end exclusive, as a demand shock's weeks: ``demand_shock_week`` to
    ``demand_shock_week + demand_shock_weeks - 1``); ``start`` and ``end`` are whole numbers with
    ``0 <= start < end``. The final year of a run of ``W`` weeks is, in these terms, ``[W - 51, W + 1)``.
    """
    if not isinstance(windows, Mapping):
        raise ScenarioError(f"{where}: [windows] must be a table of name = [start, end] (weeks)")
    checked: dict[str, tuple[int, int]] = {}
    for name, value in windows.items():
        if not isinstance(name, str) or not WINDOW_NAME.fullmatch(name):
            raise ScenarioError(f"{where}: window name {name!r} is not an identifier (letters, digits and _, "
                                "not starting with a digit)")
        if name == FINAL_YEAR:
            raise ScenarioError(f"{where}: window name '{FINAL_YEAR}' is kept for the final year; choose another")
        whole = isinstance(value, list | tuple) and len(value) == 2 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)
        if not whole:
            raise ScenarioError(f"{where}: window {name} = {_shown(value)} is not [start, end] with two whole "
                                "numbers of weeks")
        start, end = int(value[0]), int(value[1])
        if start < 0 or end <= start:
            raise ScenarioError(f"{where}: window {name} = [{start}, {end}] needs 0 <= start < end (weeks start "
                                "to end - 1)")
        checked[name] = (start, end)
    return checked


def _shown(value: Any) -> str:
    """A TOML value as a reader wrote it (lists with brackets, text quoted, truth values in lower case)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return _toml_value(value) if isinstance(value, bool | str) else repr(value)


def merge_windows(scenarios: Iterable[Scenario]) -> dict[str, tuple[int, int]]:
    """The windows of several scenarios run together (a comparison, a sweep), in order of first
    declaration; every run of the batch reports all of them, so the baseline has the same windows as
    the scenario that declared them. One name with two different spans is refused (``ScenarioError``)."""
    merged: dict[str, tuple[int, int]] = {}
    owner: dict[str, str] = {}
    for scenario in scenarios:
        for name, span in scenario.windows.items():
            if name in merged and merged[name] != span:
                raise ScenarioError(
                    f"window '{name}' is weeks {list(merged[name])} in scenario '{owner[name]}' and {list(span)} in "
                    f"'{scenario.name}'; give one of them another name")
            merged.setdefault(name, span)
            owner.setdefault(name, scenario.name)
    return merged


def windows_after_end(windows: Mapping[str, tuple[int, int]], weeks: int) -> list[str]:
    """Names of the windows a run of ``weeks`` weeks does not cover whole (its last week is ``weeks``,
    so a window ``[start, end)`` needs ``end <= weeks + 1``): they are reported as absent."""
    return [name for name, (_, end) in windows.items() if end > weeks + 1]


def warn_if_windows_after_end(windows: Mapping[str, tuple[int, int]] | None, weeks: int, where: str = "") -> list[str]:
    """Warn (``ScheduleWarning``, as for changes after the end) about windows a run of ``weeks``
    weeks does not cover whole; returns their names (``windows_after_end``)."""
    late = windows_after_end(windows or {}, weeks)
    if late:
        listed = ", ".join(f"'{name}' (weeks {windows[name][0]} to {windows[name][1] - 1})" for name in late)
        what = f"the window {listed} ends" if len(late) == 1 else f"the windows {listed} end"
        warnings.warn(f"{where}{what} after the run's last week ({weeks}) and {'is' if len(late) == 1 else 'are'} "
                      "reported as absent", ScheduleWarning, stacklevel=3)
    return late


def available() -> dict[str, Path]:
    """Scenario names shipped in experiments/scenarios/, pinned ones first."""
    files = {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}
    ordered = {name: files[name] for name in PINNED if name in files}
    ordered.update({k: v for k, v in files.items() if k not in ordered})
    return ordered


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a scenario by pinned name or from a TOML file path, and validate it.

    Raises ``ScenarioError`` naming the scenario (listing the valid ones), the file and line of
    malformed TOML, or the parameter and bounds of a bad value.
    """
    text_name = str(name_or_path)
    if not text_name.strip():
        raise ScenarioError(f"empty scenario name; valid: {', '.join(available())} (or a path to a .toml file)")
    path = Path(text_name)
    if not (path.suffix == ".toml" or path.exists()):
        shipped = available()
        if text_name not in shipped:
            raise ScenarioError(
                f"unknown scenario '{text_name}'; valid: {', '.join(shipped)} (or a path to a .toml file)"
            )
        path = shipped[text_name]
    data = read_toml_file(path, "scenario file", ScenarioError, "a scenario name or a .toml file")
    return scenario_from_dict(data, path=path, default_name=path.stem)


def read_toml_file(path: Path, what: str, error: type[RumahanInputError], expected: str) -> dict[str, Any]:
    """The TOML table in ``path``, or ``error`` in one line: a folder, a missing file, bytes that
    are not UTF-8, a TOML mistake (with its line). A byte-order mark (Windows Notepad) is dropped.
    ``what`` names the file in the message ("scenario file"), ``expected`` says what to give."""
    if path.is_dir():
        raise error(f"{what} {path} is a folder; give {expected}")
    if not path.is_file():
        raise error(f"{what} {path} does not exist")
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path} is not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what} {path} is not valid TOML: {exc}") from None


def scenario_from_dict(data: Mapping[str, Any], path: Path | None = None, default_name: str = "custom") -> Scenario:
    """Build and validate a scenario from parsed TOML (or any mapping of the same shape)."""
    where = f"scenario file {path}" if path else "scenario"
    unknown = set(data) - {"name", "description", "source", "parameters", "schedule", "run", "windows"}
    if unknown:
        raise ScenarioError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected name, description, "
            "source, [parameters], [[schedule]], [run], [windows]"
        )
    windows = check_windows(data.get("windows", {}), where)
    run = data.get("run", {})
    if not isinstance(run, Mapping):
        raise ScenarioError(f"{where}: [run] must be a table with seed and/or weeks")
    _check_run(run, where)
    parameters = data.get("parameters", {})
    if not isinstance(parameters, Mapping):
        raise ScenarioError(f"{where}: [parameters] must be a table of parameter = value")
    raw_schedule = data.get("schedule", [])
    if not isinstance(raw_schedule, list):
        raise ScenarioError(f"{where}: schedule must be written as [[schedule]] tables")
    schedule = []
    for i, item in enumerate(raw_schedule, start=1):
        if not isinstance(item, Mapping) or set(item) != {"week", "set"}:
            raise ScenarioError(f"{where}: [[schedule]] entry {i} needs exactly 'week' and 'set'")
        schedule.append((item["week"], item["set"]))
    try:
        checked = registry.validate(parameters, check_memory=False)
        check_schedule(schedule)
    except registry.ParameterError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    kept = {k: checked[k] for k in parameters}
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{where}: name = {name!r} must be a non-empty text, e.g. name = \"my_scenario\"")
    return Scenario(
        name=name,
        description=str(data.get("description", "")).strip(),
        parameters=kept,
        schedule=tuple((int(w), dict(c)) for w, c in schedule),
        source=str(data.get("source", "")),
        path=path,
        seed=None if run.get("seed") is None else int(run["seed"]),
        weeks=None if run.get("weeks") is None else int(run["weeks"]),
        windows=windows,
    )


def _check_run(run: Mapping[str, Any], where: str) -> None:
    """Validate a ``[run]`` table: ``seed`` a whole number >= 0, ``weeks`` a whole number >= 1."""
    unknown = set(run) - {"seed", "weeks"}
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) in [run]: {', '.join(sorted(unknown))}; expected seed, weeks")
    for key, low in (("seed", 0), ("weeks", 1)):
        value = run.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ScenarioError(f"{where}: [run] {key} = {value!r} is not a whole number >= {low}")
        if key == "seed" and value > MAX_SEED:
            raise ScenarioError(f"{where}: [run] seed = {value!r} is larger than 2**64 - 1 ({MAX_SEED:,})")
