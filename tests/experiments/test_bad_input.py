"""Bad input: a non-zero exit, one line on stderr that names the problem, no traceback."""

from __future__ import annotations

import json
import time

import pytest

from .conftest import REPO, free_port


def _one_line_error(code: int, err: str, expected_code: int = 2) -> str:
    assert code == expected_code
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("args,message", [
    (("run", "--scenario", "utopia", "--out", "{tmp}/r"),
     "unknown scenario 'utopia'; valid: status_quo, no_network, c177"),
    (("run", "--scenario", "status_quo", "--set", "n_wrokers=100", "--out", "{tmp}/r"),
     "unknown parameter 'n_wrokers'; did you mean n_workers"),
    (("run", "--scenario", "status_quo", "--set", "tokenism=1.5", "--out", "{tmp}/r"),
     "parameter 'tokenism' = 1.5 is out of bounds; accepted: 0 to 1 share"),
    (("run", "--scenario", "status_quo", "--set", "tokenism", "--out", "{tmp}/r"), "--set expects NAME=VALUE"),
    (("run", "--scenario", "status_quo", "--set", "tokenism=0.1", "--set", "tokenism=0.2", "--out", "{tmp}/r"),
     "--set gives 'tokenism' twice"),
    (("run", "--scenario", "status_quo", "--set", "recognition=maybe", "--out", "{tmp}/r"), "accepted: true or false"),
    (("run", "--scenario", "status_quo", "--weeks", "0", "--out", "{tmp}/r"), "weeks = 0"),
    (("sensitivity", "--samples", "2", "--parameters", "tokenism", "relocation_cost", "--out", "{tmp}/s"),
     "'tokenism' is a lever, not an uncertainty"),
    (("sensitivity", "--method", "sobol", "--samples", "6", "--parameters", "principal_price", "relocation_cost",
      "--out", "{tmp}/s"), "must be a power of 2"),
    (("sensitivity", "--samples", "2", "--outcomes", "happiness", "--out", "{tmp}/s"), "unknown outcome(s) happiness"),
    (("compare", "{tmp}", "--scenarios", "status_quo", "--metrics", "membershp", "--weeks", "2"),
     "unknown outcome(s) membershp (did you mean membership_rate, coop_members?); accepted: piece_rate_mean,"),
    (("robustness", "--scenarios", "status_quo", "c177", "--parameters", "tokenism", "principal_price",
      "--out", "{tmp}/b"), "tokenism"),
    (("robustness", "--scenarios", "status_quo", "c177", "--outcomes", "earnings_to_ump:up", "--out", "{tmp}/b"),
     "must be \"max\" or \"min\""),
    (("compare", "{tmp}"), "is not a Rumahan output folder (no manifest.json)"),
    (("compare", "{tmp}", "--scenarios", "status_quo", "--by", "tokenism", "--weeks", "2"),
     "--by: unknown name(s) tokenism; accepted: scenario (the scenario and the parameters this batch varied)"),
    (("sweep", "{repo}/experiments/sweeps/framing_by_tokenism.toml", "--out", "{tmp}/s", "--by", "tokenisn"),
     "--by: unknown name(s) tokenisn; accepted: scenario, framing_intensity, tokenism"),
    (("sweep", "{repo}/experiments/sweeps/framing_by_tokenism.toml", "--out", "{tmp}/s", "--metrics", "wages"),
     "--metrics: unknown outcome(s) wages; accepted: piece_rate_mean,"),
    (("compare", "{tmp}/nothing"), "does not exist"),
])
def test_bad_input_gives_one_line_and_exit_2(cli, tmp_path, args, message):
    code, _, err = cli(*(a.replace("{tmp}", str(tmp_path)).replace("{repo}", str(REPO)) for a in args))
    assert message in _one_line_error(code, err)
    assert not (tmp_path / "s").exists()  # refused before any run


def test_malformed_spec_names_file_and_line(cli, tmp_path):
    spec = tmp_path / "broken.toml"
    spec.write_text('[sweep]\nscenarios = ["status_quo"\nweeks = 3\n')
    line = _one_line_error(*cli("sweep", spec, "--out", tmp_path / "o")[::2])
    assert "broken.toml is not valid TOML" in line and "line 3" in line


def test_spec_with_out_of_bounds_grid_names_parameter_and_bounds(cli, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text("[grid]\nframing_intensity = [0.5, 2.0]\n")
    line = _one_line_error(*cli("sweep", spec, "--out", tmp_path / "o")[::2])
    assert "'framing_intensity' = 2.0 is out of bounds; accepted: 0 to 1" in line


def test_folder_holding_a_different_sweep_is_refused_with_what_to_do(cli, tmp_path, tiny_spec):
    out = tmp_path / "out"
    assert cli("sweep", tiny_spec, "--out", out, "--jobs", 1, "--quiet", "--no-report")[0] == 0
    line = _one_line_error(*cli("sweep", tiny_spec, "--out", out, "--weeks", 31, "--jobs", 1, "--quiet")[::2])
    assert line.endswith(f"{out} holds a finished different sweep (16 runs); choose another output folder "
                         "(or delete this one)")
    line = _one_line_error(*cli("compare", out, "--scenarios", "status_quo", "c177", "--weeks", 3)[::2])
    assert f"{out} holds a finished sweep (16 runs)" in line and "--out" not in line
    # an unfinished one says how to resume it
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "status": "interrupted", "runs_done": 9}))
    line = _one_line_error(*cli("sweep", tiny_spec, "--out", out, "--weeks", 31, "--jobs", 1, "--quiet")[::2])
    assert f"{out} holds an unfinished different sweep (9 of 16 runs done); to resume it rerun " \
           f"`rumahan sweep {tiny_spec} --out {out}" in line and "another output folder" in line
    line = _one_line_error(*cli("run", "--scenario", "status_quo", "--out", out)[::2])
    assert "holds a sweep" in line
    run = tmp_path / "run"
    assert cli("run", "--scenario", "c177", "--set", "n_workers=60", "--weeks", 3, "--out", run, "--quiet")[0] == 0
    line = _one_line_error(*cli("sweep", tiny_spec, "--out", run, "--quiet")[::2])
    assert line.endswith(f"{run} holds a single run ('c177 + n_workers=60'); choose another output folder")
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("mine")
    line = _one_line_error(*cli("sweep", tiny_spec, "--out", tmp_path / "stuff", "--quiet")[::2])
    assert "is not empty and is not a Rumahan output folder" in line


def test_a_finished_run_is_not_overwritten_by_a_different_one(cli, tmp_path):
    out = tmp_path / "run"
    first = ("run", "--scenario", "c177", "--set", "n_workers=60", "--weeks", 4, "--out", out)
    assert cli(*first)[0] == 0
    kept = (out / "timeseries.parquet").read_bytes()
    for other in (("--scenario", "no_network", "--set", "n_workers=60", "--weeks", 4),
                  ("--scenario", "c177", "--set", "n_workers=60", "--weeks", 5),
                  ("--scenario", "c177", "--set", "n_workers=61", "--weeks", 4),
                  ("--scenario", "c177", "--set", "n_workers=60", "--weeks", 4, "--seed", 2)):
        line = _one_line_error(*cli("run", *other, "--out", out)[::2])
        assert f"{out} holds a different run ('c177 + n_workers=60', seed 1, 4 weeks)" in line and "delete it" in line
    assert (out / "timeseries.parquet").read_bytes() == kept
    assert cli(*first)[0] == 0  # the same run again may replace itself
    assert cli("run", "--scenario", out / "scenario.toml", "--out", out)[0] == 0


def test_unknown_baseline_is_refused_before_the_plan_line(cli, tmp_path, tiny_spec):
    code, _, err = cli("sweep", tiny_spec, "--out", tmp_path / "o", "--baseline", "nope")
    assert "baseline 'nope' is not among the scenarios" in _one_line_error(code, err)
    assert not (tmp_path / "o").exists()


def test_unreachable_scheduler_fails_within_seconds(cli, tmp_path, tiny_spec):
    started = time.monotonic()
    code, _, err = cli("sweep", tiny_spec, "--out", tmp_path / "o", "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                       "--connect-timeout", "2", "--quiet")
    assert time.monotonic() - started < 15
    line = _one_line_error(code, err, expected_code=1)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in line and "within 2 s" in line


def test_malformed_scheduler_address_is_refused(cli, tmp_path, tiny_spec):
    code, _, err = cli("sweep", tiny_spec, "--out", tmp_path / "o", "--scheduler", "127.0.0.1 8786")
    assert "is not of the form tcp://HOST:PORT" in _one_line_error(code, err)


def test_usage_errors_are_one_line(capsys):
    from rumahan.experiments.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", "--scenario", "status_quo"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--out" in err and "rumahan run --help" in err


def test_output_piped_into_a_reader_that_stops_early_is_not_an_error():
    import subprocess
    import sys

    from .conftest import REPO

    # `true` exits at once, long before the CLI has imported the model and prints: a certain broken pipe
    shell = f"{sys.executable} -m rumahan.experiments params | true"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""


def test_debug_shows_the_traceback(tmp_path):
    from rumahan.experiments.cli import main
    from rumahan.experiments.scenarios import ScenarioError

    with pytest.raises(ScenarioError):
        main(["run", "--scenario", "utopia", "--out", str(tmp_path / "r"), "--debug"])


def _raises(exc: BaseException):
    def runner(*args, **kwargs):
        raise exc

    return runner


@pytest.mark.parametrize("raised,code,one_line", [
    (ValueError("boom"), 1, False),
    (KeyError("scenario"), 1, False),
    (TypeError("run_sweep() got an unexpected keyword argument 'jobz'"), 1, False),
    (RuntimeError("internal"), 1, False),
    ("input", 2, True),
    ("run", 1, True),
    (OSError(28, "No space left on device"), 1, True),
], ids=["ValueError", "KeyError", "TypeError", "RuntimeError", "input-error", "run-error", "OSError"])
def test_errors_say_whose_fault_they_are(cli, tmp_path, tiny_spec, monkeypatch, raised, code, one_line):
    """A bug (any exception Rumahan does not raise on purpose, a bare ValueError included) keeps its
    traceback, exits 1 and asks for a report; it is not reported as bad input. Bad input is one
    line and exit 2; a failure while running (or of the machine) one line and exit 1."""
    import rumahan.experiments.sweep
    from rumahan.model.errors import RumahanInputError, RumahanRunError

    if raised == "input":
        raised = RumahanInputError("replicates = 0 is not a whole number >= 1")
    elif raised == "run":
        raised = RumahanRunError("a worker process died; 3 of 16 runs are saved")
    monkeypatch.setattr(rumahan.experiments.sweep, "run_sweep", _raises(raised))
    got, _, err = cli("sweep", tiny_spec, "--out", tmp_path / "o", "--quiet")
    if one_line:
        assert _one_line_error(got, err, expected_code=code) == f"rumahan sweep: error: {raised}"
        return
    assert got == 1
    assert "Traceback (most recent call last)" in err and f"{type(raised).__name__}: " in err
    assert "rumahan sweep: error:" not in err  # not the one line of bad input
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"rumahan sweep: internal error ({type(raised).__name__}): this is a bug in Rumahan")
    assert f"please report it with the command (`rumahan sweep {tiny_spec} --out" in last and "traceback" in last


def test_the_error_classes_say_whose_fault():
    """Every error for bad input is a RumahanInputError (and so a ValueError, as DESIGN pins for
    parameters); failures while running are RumahanRunErrors; both are RumahanErrors."""
    from rumahan.dashboard.run_config import ConfigError
    from rumahan.experiments.batch import BatchError
    from rumahan.experiments.cli import CliError
    from rumahan.experiments.executors import ExecutorError
    from rumahan.experiments.scenarios import ScenarioError
    from rumahan.experiments.spec import SpecError
    from rumahan.experiments.storage import OutputError
    from rumahan.model.errors import RumahanError, RumahanInputError, RumahanRunError
    from rumahan.model.params import ParameterError
    from tools.tutorial.steps import TutorialError

    for bad_input in (ParameterError, ScenarioError, SpecError, OutputError, CliError, ConfigError):
        assert issubclass(bad_input, RumahanInputError) and issubclass(bad_input, ValueError), bad_input
    for failure in (BatchError, ExecutorError, TutorialError):
        assert issubclass(failure, RumahanRunError) and not issubclass(failure, ValueError), failure
    assert issubclass(RumahanInputError, RumahanError) and issubclass(RumahanRunError, RumahanError)


def test_the_model_imports_its_errors_without_the_experiments():
    import subprocess
    import sys

    from .conftest import REPO

    probe = ("import sys, rumahan.model.params, rumahan.model.errors\n"
             "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['rumahan', 'experiments'], ['rumahan', 'dashboard'])))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
