"""The week's phases are declared once (``PuttingOutModel.PHASES``), read only what their
signatures say, write only what they declare, and docs/architecture.md lists exactly that."""

from __future__ import annotations

import inspect
import re
from dataclasses import fields
from pathlib import Path

import numpy as np

from rumahan.model import PuttingOutModel
from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (\d+) \| `(\w+)` \| `([\w.]+)` \| (.*) \| (.*) \|$")


def _names(cell: str) -> list[str]:
    return re.findall(r"`([\w.]+)`", cell)


def test_the_architecture_table_is_the_phases_signatures_and_declared_writes() -> None:
    rows = [ROW.match(line) for line in (ROOT / "docs" / "architecture.md").read_text().splitlines()]
    table = [row.groups() for row in rows if row]
    assert [name for _, name, *_ in table] == [phase.name for phase in PuttingOutModel.PHASES]
    for (number, name, function, reads, writes), phase in zip(table, PuttingOutModel.PHASES, strict=True):
        signature = [p for p in inspect.signature(phase.function).parameters if p != "self"]
        assert function == f"{phase.function.__module__}.{phase.function.__qualname__}", name
        assert _names(reads) == signature, f"phase {number} {name}: reads in docs/architecture.md"
        assert _names(writes) == list(phase.writes), f"phase {number} {name}: writes in docs/architecture.md"


def test_no_phase_module_imports_the_model_class() -> None:
    for path in sorted((ROOT / "model").rglob("*.py")):
        if path.name in ("model.py", "__init__.py"):
            continue
        imports = re.findall(r"^\s*(?:from|import) (?:rumahan\.)?(?:model\.model\b|model import .*PuttingOutModel)", path.read_text(), re.M)
        assert not imports, (path.relative_to(ROOT), imports)


def _columns(model: PuttingOutModel) -> dict[str, np.ndarray]:
    out = {}
    for kind, columns in (("workers", model.workers), ("subcontractors", model.subcontractors)):
        for f in fields(columns):
            out[f"{kind}.{f.name}"] = np.array(getattr(columns, f.name), copy=True)
    return out


def test_each_phase_writes_only_the_columns_it_declares() -> None:
    """Run weeks in which every rule fires (an organized area that bargains, a floor with
    inspections, a court case, a demand collapse with intermediaries failing, women leaving home work
    and switching) and compare every worker and subcontractor column before and after
    each phase with what the phase declares."""
    schedule = [(3, {"recognition": True, "floor_share": 0.2, "inspection_probability": 0.3}),
                (6, {"effort_bargaining": 0.6})]
    model = PuttingOutModel(seed=11, schedule=schedule, n_workers=400, n_subcontractors=8, initial_membership=0.8,
                            effort_bargaining=0.6, framing_intensity=0.3, retaliation_propensity=0.9,
                            home_work_exit_rate=0.2, intermediary_failure_rate=0.5, switching_rate=0.3,
                            demand_shock_week=10, demand_shock_weeks=5, demand_shock_depth=0.6)
    changed: dict[str, set[str]] = {phase.name: set() for phase in PuttingOutModel.PHASES}
    runs = dict(model.phase_runs)

    def watching(name: str):
        def run() -> None:
            before = _columns(model)
            runs[name]()
            after = _columns(model)
            changed[name] |= {k for k in before if not np.array_equal(before[k], after[k], equal_nan=True)}
        return run

    model.phase_runs.update({name: watching(name) for name in runs})
    for _ in range(30):
        model.step()
    declared = {phase.name: set(phase.writes) for phase in PuttingOutModel.PHASES}
    for name, columns in changed.items():
        assert columns <= declared[name], f"phase {name} wrote {sorted(columns - declared[name])} undeclared"
    # the run exercised the rules: most declared column writes were seen
    seen = set().union(*changed.values())
    wanted = {w for phase in PuttingOutModel.PHASES for w in phase.writes if w.startswith(("workers.", "subcontractors."))}
    assert len(seen) >= 0.9 * len(wanted), sorted(wanted - seen)
    assert {f.name for f in fields(WorkerColumns)} and {f.name for f in fields(SubcontractorColumns)}


def test_levers_move_with_the_schedule_and_the_parameters_stay_the_configuration() -> None:
    model = PuttingOutModel(seed=2, n_workers=200, schedule=[(2, {"tokenism": 0.1, "effort_bargaining": 0.5,
                                                                 "demand_shock_depth": 0.4})])
    for _ in range(3):
        model.step()
    assert model.levers()["tokenism"] == 0.1 == model.policy.tokenism
    assert model.network.levers["effort_bargaining"] == 0.5 and model.principals["demand_shock_depth"] == 0.4
    assert model.params["tokenism"] == 0.8 and model.params["effort_bargaining"] != 0.5
    assert [e["kind"] for e in model.events if e["week"] == 2] == ["policy_scheduled"] * 3
