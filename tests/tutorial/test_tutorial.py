"""The tutorial (docs/tutorial.md) cannot drift from the code: its commands are run here at a
reduced size (`python -m tools.tutorial --quick`), every placeholder of its template must be
filled by the questions' results and every value they fill must be used, every output must have
the documented shape, and the committed tutorial must show the commands `tools/tutorial/steps.py`
runs at full size, with every checked statement holding."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rumahan.experiments import storage
from rumahan.experiments.design import uncertainties
from rumahan.model import enforcement
from rumahan.model import params as registry
from tools.tutorial import build, q3_recommendations, q5_sensitivity, steps

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "tutorial.md"
KINDS = {"compare": "comparison", "sweep": "sweep", "robustness": "robustness", "sensitivity": "sensitivity",
         "ablate": "ablation", "calibrate": "calibration"}
FIGURE = re.compile(r"!\[[^\]]*\]\(([^)]+\.png)\)")


def commands_in(markdown: str) -> list[str]:
    """The `rumahan ...` commands of a Markdown text's code blocks, continuation lines joined."""
    blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", markdown, flags=re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip().startswith("rumahan ")]


def expected_commands(markdown: str, out: str, quick: bool) -> list[str]:
    """The commands of ``steps.STEPS`` for the study folder ``out``, with the Sobol parameters
    the page shows (they come from the Morris results)."""
    sobol = next(c for c in commands_in(markdown) if "--method sobol" in c).split()
    start = sobol.index("--parameters") + 1
    top = sobol[start:next(i for i in range(start, len(sobol)) if sobol[i].startswith("--"))]
    context = {"top_parameters": ["--parameters", *top]}
    return [" ".join(["rumahan", *steps.step_argv(step, out, quick=quick, context=context)]) for step in steps.STEPS]


# --- the reduced study: every command run, the template rendered ----------------------------------------
@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("tutorial")
    out, docs = root / "study", root / "docs"
    assert build.main(["--quick", "--out", str(out), "--docs", str(docs)]) == 0
    return out, docs, (docs / "tutorial.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_command_ran_and_wrote_a_complete_output_folder(quick):
    out, _, _ = quick
    for step in steps.STEPS:
        folder = storage.load_output(out / step.key)
        assert folder.complete, step.key
        assert folder.kind == KINDS[step.args[0]], step.key
        assert folder.manifest["command"].startswith(f"rumahan {step.args[0]} "), step.key
        assert (out / "logs" / f"{step.key}.log").is_file()


@pytest.mark.slow
def test_every_placeholder_is_filled_and_every_figure_exists(quick):
    _, docs, text = quick
    assert "{{" not in text and "}}" not in text
    figures = FIGURE.findall(text)
    assert len(figures) >= len(build.QUESTIONS)  # every question draws at least one (Q6 two)
    for figure in figures:
        assert (docs / figure).is_file() and (docs / figure).stat().st_size > 10_000, figure
    # the commands shown are the ones that ran, at the reduced size
    shown = commands_in(text)
    for expected in expected_commands(text, str(quick[0]), quick=True):
        assert expected in shown, expected


@pytest.mark.slow
def test_the_questions_fill_every_result_placeholder_and_nothing_else(quick, tmp_path):
    out = quick[0]
    template = set(build.PLACEHOLDER.findall(build.TEMPLATE.read_text(encoding="utf-8")))
    filled = set(build.placeholders(build.analyse(out, tmp_path)))
    study = set(build.run_placeholders(build.run_study(out, quick=True, log=lambda _: None)))
    study |= set(build.study_provenance(out)) | {"study.size", "claims", "claims.held"}
    assert not filled & study
    assert sorted(template - filled - study) == [], "placeholders of the template that nothing fills"
    assert sorted((filled | study) - template) == [], "values the template never uses"


@pytest.mark.slow
def test_outputs_have_the_documented_shape(quick):
    out = quick[0]
    load = lambda key: storage.load_output(out / key)  # noqa: E731
    q1 = load("q1_network")
    assert q1.runs.groupby("scenario").size().to_dict() == {"status_quo": 2, "no_network": 2}
    assert q1.timeseries.groupby("run_id").size().eq(79).all()  # weeks 0..78
    q2 = load("q2_state")
    assert len(q2.runs) == 2 * 9 * 2
    assert sorted(q2.runs["param.framing_intensity"].unique()) == [0.0, 0.35, 0.7]
    assert sorted(q2.runs["param.tokenism"].unique()) == [0.0, 0.4, 0.8]
    assert q2.runs["invisible_power_loss"].notna().all() and q2.runs["advocacy_absorbed"].notna().all()
    q3 = load("q3_recommendations")
    assert set(q3.runs["scenario"]) == set(q3_recommendations.SCENARIOS) and len(q3.runs) == 5 * 2
    enforcement = load("q3_enforcement")
    assert len(enforcement.runs) == 7 * 2 * 2
    assert enforcement.runs["param.recognition"].all() and set(enforcement.runs["param.statistics_inclusion"]) == {
        False, True}
    q4 = load("q4_mix")
    assert len(q4.runs) == 6 * 20 * 1
    assert q4.tables["robustness"].groupby("outcome").size().eq(6).all()
    assert len(q4.tables["robustness"]) == 6 * 4
    assert len(q4.tables["regret"]) == 6 * 20 * 4 and (q4.tables["regret"]["regret"] >= 0).all()
    morris, sobol = load("q5_morris"), load("q5_sobol")
    d = morris.tables["indices"]["parameter"].nunique()
    assert d >= 100 and len(morris.runs) == 2 * (d + 1)
    # every sampled uncertainty, each over its plausible range
    problem = morris.manifest["plan"]["problem"]
    assert problem["names"] == uncertainties() and problem["span"] == "plausible"
    assert [tuple(b) for b in problem["bounds"]] == registry.sampled_bounds(uncertainties())
    assert set(morris.tables["indices"]["outcome"]) == set(steps.Q5_OUTCOMES)
    top = q5_sensitivity.top_parameters(morris.tables["indices"])
    assert sorted(sobol.tables["indices"]["parameter"].unique()) == sorted(top)
    assert len(sobol.runs) == 8 * (len(top) + 2)


@pytest.mark.slow
def test_a_second_run_reuses_every_finished_run(quick, capsys):
    out, docs, text = quick
    assert build.main(["--quick", "--out", str(out), "--docs", str(docs)]) == 0
    assert capsys.readouterr().out.count("(finished before: reused)") == len(steps.STEPS)
    # same results, same text (the figures are redrawn from the same numbers)
    assert (docs / "tutorial.md").read_text(encoding="utf-8") == text


# --- the committed tutorial -------------------------------------------------------------------------------
def test_committed_tutorial_shows_the_full_size_commands():
    text = COMMITTED.read_text(encoding="utf-8")
    shown = commands_in(text)
    for expected in expected_commands(text, str(build.FULL_OUT), quick=False):
        assert expected in shown, f"docs/tutorial.md does not show `{expected}`: run `make tutorial`"


def test_committed_tutorial_is_filled_and_its_statements_hold():
    text = COMMITTED.read_text(encoding="utf-8")
    assert "{{" not in text and "}}" not in text
    for figure in FIGURE.findall(text):
        assert (COMMITTED.parent / figure).is_file(), figure
    assert "✗" not in text, "a statement of docs/tutorial.md does not hold for its numbers"
    assert "reduced (`--quick`)" not in text, "docs/tutorial.md was rendered from the quick study"
    template = build.TEMPLATE.read_text(encoding="utf-8")
    used = set(build.PLACEHOLDER.findall(template))
    assert {f"cmd.{s.key}" for s in steps.STEPS} <= used


# --- the pieces -------------------------------------------------------------------------------------------
def test_quick_commands_are_the_full_ones_with_smaller_sizes():
    context = {"top_parameters": ["--parameters", "a"]}
    size_flags = {"--set", "--weeks", "--replicates", "--samples", "--population", "--generations", "--draws"}
    for step in steps.STEPS:
        full = steps.step_argv(step, "OUT", quick=False, context=context)
        small = steps.step_argv(step, "OUT", quick=True, context=context)

        def strip(argv: list[str]) -> list[str]:
            kept, skip = [], False
            for arg in argv:
                if skip:
                    skip = False
                elif arg in size_flags:
                    skip = True
                else:
                    kept.append(arg)
            return kept

        assert strip(full) == strip(small), step.key
        assert small.count("--set") <= max(1, full.count("--set"))


def test_with_options_replaces_a_flag_or_the_same_parameter_and_appends_the_rest():
    args = ["sweep", "spec.toml", "--replicates", "5", "--set", "n_workers=1000"]
    assert steps.with_options(args, [("--replicates", "2"), ("--set", "n_workers=200"), ("--weeks", "78")]) == [
        "sweep", "spec.toml", "--replicates", "2", "--set", "n_workers=200", "--weeks", "78"]
    assert steps.with_options(args, [("--set", "tokenism=0.1")])[-2:] == ["--set", "tokenism=0.1"]


def test_shell_command_round_trips():
    argv = ["sensitivity", "--method", "morris", "--parameters", *[f"p{i}_long_parameter_name" for i in range(30)],
            "--out", "results/x y", "--jobs", "2"]
    text = steps.shell_command(argv)
    assert all(len(line) <= 110 for line in text.splitlines())
    assert shlex.split(text.replace("\\\n", " ")) == ["rumahan", *argv]


def test_the_deterred_share_is_the_models_closed_form_of_its_draws():
    # the tutorial calls model.enforcement.deterred_share with the registry's dispersion; that closed
    # form is the share of subcontractors whose risk perception, exp(dispersion * N(0, 1)) as the model
    # draws it, makes the expected fine reach 1
    dispersion = registry.get("risk_perception_dispersion").default
    assert enforcement.deterred_share(1 / 104, 1.0, 2, 52, dispersion) == pytest.approx(0.5)
    assert enforcement.deterred_share(0.0, 1.0, 2, 52, dispersion) == 0.0
    rng = np.random.default_rng(0)
    risk = np.exp(dispersion * rng.standard_normal(200_000))
    p = 0.02
    assert enforcement.deterred_share(p, 0.3, 2, 52, dispersion) == pytest.approx(
        np.mean(p * 0.3 * 2 * 52 * risk >= 1), abs=0.005)
    assert not hasattr(q3_recommendations, "RISK_PERCEPTION_LOG_SD")


@pytest.mark.parametrize("undeterred", [0.5, 0.1, 0.01])
def test_compliance_probability_inverts_the_models_deterred_share(undeterred):
    dispersion = registry.get("risk_perception_dispersion").default
    p = q3_recommendations.compliance_probability(undeterred, 0.3, 2, 52, dispersion)
    assert enforcement.deterred_share(p, 0.3, 2, 52, dispersion) == pytest.approx(1 - undeterred)


def test_render_fills_placeholders_and_names_the_missing_and_the_unused_ones():
    assert build.render("a {{ x.y }} b {{z}}", {"x.y": "1", "z": "2"}) == "a 1 b 2"
    with pytest.raises(steps.TutorialError, match=r"without values: q9\.missing"):
        build.render("{{ q9.missing }}", {})
    with pytest.raises(steps.TutorialError, match=r"never uses: q9\.unused"):
        build.render("{{ x }}", {"x": "1", "q9.unused": "2"})


def test_top_parameters_weighs_outcomes_alike():
    indices = pd.DataFrame({
        "method": "morris", "outcome": ["a"] * 3 + ["b"] * 3, "parameter": ["x", "y", "z"] * 2,
        "mu_star": [100.0, 50.0, 1.0, 0.001, 0.002, 0.010],
    })
    assert q5_sensitivity.top_parameters(indices, k=2) == ["x", "z"]


def test_morris_screens_every_sampled_uncertainty_over_its_plausible_range():
    argv = steps.step_argv(steps.STEP_BY_KEY["q5_morris"], "OUT", quick=False, context={})
    assert argv[:3] == ["sensitivity", "--method", "morris"]
    assert not {"--parameters", "--span", "--range"} & set(argv)
