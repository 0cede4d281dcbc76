"""Hostile input to every entry point (cases.py): the Python API, the CLI, scenario and sweep
files, output folders, the dashboard's link and uploads. Each refusal is one actionable line that
names the input: a ``ValueError`` (``ParameterError``, ``ScenarioError``...) from Python, a
non-zero exit code and one line on stderr (no traceback) from the CLI. Valid oddities run."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from rumahan.model import params as registry

from .cases import (
    ACCEPTED,
    ALL,
    API,
    CLI,
    LINKS,
    OUTPUTS,
    SCENARIOS,
    SWEEPS,
    UPLOADS,
    Case,
    make_good_folders,
    read_link,
    read_upload,
    run_api,
    run_cli,
    run_cli_case,
    run_file_case,
    run_output_case,
)
from .conftest import one_line_error

DOCS = Path(__file__).resolve().parents[2] / "docs" / "robustness.md"


def _ids(cases: tuple[Case, ...]) -> list[str]:
    return [c.id for c in cases]


def _check_cli(case: Case, code: int, err: str, tmp: Path) -> None:
    if case.expected == ACCEPTED:
        assert code == 0, err
        return
    line = one_line_error(code, err)
    assert code == case.code, (code, line)
    assert case.expected.replace("{tmp}", str(tmp)) in line, line


@pytest.mark.parametrize("case", API, ids=_ids(API))
def test_python_api(case: Case) -> None:
    failed, message = run_api(case)
    if case.expected == ACCEPTED:
        assert not failed, message
        return
    assert failed and "\n" not in message
    assert case.expected in message.partition(": ")[2], message


@pytest.mark.parametrize("case", API, ids=_ids(API))
def test_python_api_errors_are_value_errors(case: Case) -> None:
    """Callers can catch every refusal as ``ValueError`` (``ParameterError`` is one)."""
    if case.expected == ACCEPTED:
        return
    with pytest.raises(ValueError):
        case.data()


@pytest.mark.parametrize("case", CLI, ids=_ids(CLI))
def test_command_line(case: Case, tmp_path: Path) -> None:
    code, err = run_cli_case(case, tmp_path)
    _check_cli(case, code, err, tmp_path)


@pytest.mark.parametrize("case", SCENARIOS + SWEEPS, ids=_ids(SCENARIOS + SWEEPS))
def test_scenario_and_sweep_files(case: Case, tmp_path: Path) -> None:
    code, err = run_file_case(case, tmp_path)
    _check_cli(case, code, err, tmp_path)
    where = f"{tmp_path / case.id}.toml"
    if case.expected != ACCEPTED and "design point" not in case.expected and "used twice" not in case.expected:
        assert where in err, f"the message does not name the file: {err}"


@pytest.fixture(scope="module")
def good_folders(tmp_path_factory) -> dict[str, Path]:
    return make_good_folders(tmp_path_factory.mktemp("good"))


@pytest.mark.parametrize("case", OUTPUTS, ids=_ids(OUTPUTS))
def test_output_folders(case: Case, good_folders: dict[str, Path], tmp_path: Path) -> None:
    code, err = run_output_case(case, good_folders, tmp_path)
    line = one_line_error(code, err)
    assert code == 2 and case.expected in line, line
    assert str(tmp_path / case.id) in line, "the message does not name the folder or file"


def test_good_folders_are_read_and_rerun(good_folders: dict[str, Path]) -> None:
    """The undamaged folders the output cases start from are fine (so each case tests its damage)."""
    for command in (["compare", str(good_folders["sweep"])], ["rerun", str(good_folders["run"])]):
        code, err = run_cli(command)
        assert code == 0, err


@pytest.mark.parametrize("case", LINKS, ids=_ids(LINKS))
def test_dashboard_links(case: Case) -> None:
    problems, text = read_link(case)
    if case.expected == ACCEPTED:
        assert problems == 0, text
    else:
        assert problems >= 1 and case.expected in text and "\n" not in text, text


@pytest.mark.parametrize("case", UPLOADS, ids=_ids(UPLOADS))
def test_dashboard_uploads(case: Case) -> None:
    failed, text = read_upload(case)
    if case.expected == ACCEPTED:
        assert not failed, text
    else:
        assert failed and case.expected in text and "\n" not in text, text


def test_case_ids_are_unique_and_all_in_the_docs_table() -> None:
    ids = [c.id for c in ALL]
    assert len(ids) == len(set(ids))
    table = DOCS.read_text(encoding="utf-8")
    missing = [i for i in ids if f"| `{i}` |" not in table]
    assert not missing, f"docs/robustness.md lacks these cases (regenerate the table, see cases.py): {missing}"


# --- sizes that would not fit in memory are refused before anything is allocated -----------------------
def test_huge_size_is_refused_before_allocating(monkeypatch, tmp_path: Path) -> None:
    """With 4 GB of RAM, 5 million workers (about 7 GB by the estimate) is refused by every entry point,
    before the social graph is built or the output folder is made."""
    import rumahan.model.model
    from rumahan.experiments.plan import build_plan
    from rumahan.experiments.runner import run_simulation
    from rumahan.experiments.scenarios import load_scenario

    monkeypatch.setattr(registry, "total_memory", lambda: 4 * 10**9)

    def never(*args, **kwargs):
        raise AssertionError("the model started building")

    monkeypatch.setattr(rumahan.model.model, "build_kampung_graph", never)
    tracemalloc.start()
    try:
        with pytest.raises(registry.ParameterError, match=r"'n_workers' = 5,000,000 needs about 7\.2 GB, more than "
                                                           r"80% of this machine's 4\.0 GB; accepted here: up to about"):
            run_simulation({"n_workers": 5_000_000}, seed=1, weeks=1)
        with pytest.raises(registry.ParameterError, match=r"needs about 7\.2 GB"):
            build_plan("sweep", [load_scenario("status_quo")], overrides={"n_workers": 5_000_000})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000, f"{peak:,} bytes were allocated before the refusal"
    out = tmp_path / "big"
    code, err = run_cli(["run", "--scenario", "status_quo", "--set", "n_workers=5000000", "--out", str(out)])
    assert "needs about 7.2 GB" in one_line_error(code, err) and code == 2
    assert not out.exists(), "the refused run left an output folder behind"
    spec = tmp_path / "big.toml"
    spec.write_text("[sweep]\nweeks = 2\n[grid]\nn_workers = [100, 5000000]\n")
    code, err = run_cli(["sweep", str(spec), "--out", str(tmp_path / "s"), "--quiet"])
    assert "'n_workers' = 5,000,000 needs about 7.2 GB" in one_line_error(code, err)
    assert not (tmp_path / "s").exists()


def test_a_pool_of_runs_that_together_would_not_fit_is_refused(monkeypatch, tmp_path: Path) -> None:
    """Each run fits alone, but --jobs 2 runs two at once: refused before the folder is made."""
    from rumahan.experiments.batch import run_batch
    from rumahan.experiments.executors import Execution
    from rumahan.experiments.plan import build_plan
    from rumahan.experiments.scenarios import load_scenario

    monkeypatch.setattr(registry, "total_memory", lambda: 4 * 10**9)
    plan = build_plan("sweep", [load_scenario("status_quo")], overrides={"n_workers": 1_500_000},
                      replicates=2, weeks=1)  # 2.3 GB each (1,400 bytes a worker + 200 MB): one fits in 80% of 4 GB, two do not
    with pytest.raises(registry.ParameterError, match=r"'n_workers' = 1,500,000 in each of 2 runs at once "
                                                       r"\(--jobs\) needs about 4\.6 GB.*\(or fewer jobs\)"):
        run_batch(plan, tmp_path / "pool", Execution(jobs=2))
    assert not (tmp_path / "pool").exists()


def test_the_model_class_names_a_bad_seed() -> None:
    from rumahan.model import PuttingOutModel

    for seed in (-1, "abc", 1.5, True, None.__class__):
        with pytest.raises(ValueError, match=r"^seed = .* is not a whole number >= 0$"):
            PuttingOutModel(seed=seed, n_workers=20)
    PuttingOutModel(seed=2**100, n_workers=20)  # numpy's SeedSequence takes any size (fresh entropy: 128 bits)


def test_cli_seed_limit_matches_the_storage_limit() -> None:
    """One largest seed (the registry's); the dashboard's is it, capped where a browser's numbers stop
    being exact."""
    from rumahan.dashboard.run_config import MAX_SEED as BROWSER
    from rumahan.experiments.cli import MAX_SEED
    from rumahan.experiments.seeds import MAX_SEED as STORED

    assert MAX_SEED is STORED is registry.MAX_SEED == 2**64 - 1
    assert BROWSER == 2**53 - 1


def test_the_largest_seed_runs_and_its_folder_reads_back(tmp_path: Path) -> None:
    """Seed 2**64 - 1 (the largest accepted) is stored and read back (2**70 used to be accepted by
    `rumahan run` and then broke every reader of the folder)."""
    from rumahan.experiments.storage import load_output

    out = tmp_path / "run"
    code, err = run_cli(["run", "--scenario", "status_quo", "--set", "n_workers=20", "--weeks", "2",
                         "--seed", str(2**64 - 1), "--out", str(out), "--quiet"])
    assert code == 0, err
    assert int(load_output(out).runs["seed"].iloc[0]) == 2**64 - 1
