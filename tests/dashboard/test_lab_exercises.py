"""Every claim of the answer keys in docs/exercises.md, checked with the lab's own functions (the
model's cascade, graph and threshold formula) and the same settings and seeds as the page; and the
document's links open exactly the exercises' set-ups."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import numpy as np
import pytest

from rumahan.dashboard.cascade_lab import (
    EXERCISES,
    LabSettings,
    degree_values,
    degree_window,
    model_parameters,
    run_lab,
    sweep,
    sweep_summary,
    threshold_shift,
)
from rumahan.experiments.runner import run_simulation

DOC = Path(__file__).resolve().parents[2] / "docs" / "exercises.md"


def _exercise(number: int) -> LabSettings:
    return EXERCISES[number - 1].settings


def _share(settings: LabSettings, seeds=range(1, 6)) -> np.ndarray:
    return np.array([run_lab(replace(settings, seed=s)).participants / settings.nodes for s in seeds])


def test_the_documents_links_open_the_exercises() -> None:
    text = DOC.read_text(encoding="utf-8")
    links = re.findall(r"\[Open exercise (\d)\]\((http://localhost:8501/lab\?[^)]+)\)", text)
    assert [int(n) for n, _ in links] == [e.number for e in EXERCISES]
    for number, url in links:
        query = dict(parse_qsl(urlparse(url).query))
        settings, problems = LabSettings.read_query(query)
        assert not problems and settings == _exercise(int(number))
        assert query == _exercise(int(number)).to_query()  # the page's own link, word for word
    for exercise in EXERCISES:
        assert f"## {exercise.number}. {exercise.title}" in text


# --- 1. Granovetter's ladder --------------------------------------------------------------------
def test_exercise_1_the_ladder_tips_everyone_one_per_round() -> None:
    done = run_lab(_exercise(1))
    assert done.participants == 100 and done.last_round == 100
    assert done.rounds.tolist() == list(range(1, 101))
    assert done.seeds.sum() == 0


def test_exercise_1_moving_one_threshold_leaves_only_the_instigator() -> None:
    ladder = _exercise(1)
    moved = replace(ladder, moved_node=1, moved_threshold=2 / 99)  # what the page's "people" box gives
    done = run_lab(moved)
    assert done.participants == 1 and done.rounds[0] == 1
    assert run_lab(ladder).thresholds.mean() == pytest.approx(0.5)
    assert done.thresholds.mean() == pytest.approx(0.5001, abs=1e-4)


# --- 2. Watts's window --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def watts_sweep():
    settings = _exercise(2)
    runs = sweep(settings, "degree", degree_values(settings), replicates=10)
    return runs, sweep_summary(runs, "degree").set_index("degree")


def test_exercise_2_one_organizer_at_degree_4() -> None:
    done = run_lab(_exercise(2))
    assert done.participants == 977 and done.last_round == 12


def test_exercise_2_watts_window(watts_sweep) -> None:
    runs, summary = watts_sweep
    sparse = runs[runs["degree"] <= 1.0]
    assert sparse["share"].max() < 0.15 and (summary.loc[[0.5, 1.0], "mean"] < 0.05).all()
    assert (summary.loc[[2.5, 3.0, 3.5, 4.0, 4.5], "global_share"] >= 0.7).all()
    assert not runs[runs["degree"] >= 7.0]["global"].any()
    edge = runs[runs["degree"].isin([5.5, 6.0])]
    assert edge["share"].max() > 0.95 and edge["share"].min() < 0.05
    assert degree_window(_exercise(2)) == [(1.05, 5.75)]


# --- 3. Organizers and clustering ---------------------------------------------------------------
def test_exercise_3_organizers_and_clustering() -> None:
    random_graph = _exercise(3)
    assert (_share(random_graph) < 0.10).all()
    best = replace(random_graph, seeding="best")
    assert (_share(best) >= 0.999).all()
    for seed in range(1, 6):  # those left out have no tie to anyone taking part
        done = run_lab(replace(best, seed=seed))
        out = done.rounds < 0
        assert (done.graph.adjacency @ (~out).astype(float))[out].max(initial=0) == 0
    kampung = replace(random_graph, graph="kampung")
    assert run_lab(kampung).graph.degree.mean() == pytest.approx(7.6, abs=0.05)
    assert (_share(kampung) == 1.0).all()


def test_exercise_3_going_further_a_block_of_neighbours_on_a_ring() -> None:
    ring = LabSettings(graph="ring", nodes=2000, degree=8, rule="equal", mean=0.3, organizers=40)
    assert (_share(replace(ring, seeding="rt")) == 1.0).all()
    scattered = _share(replace(ring, seeding="random"))
    assert (scattered < 0.03).sum() == 4 and (scattered == 1.0).sum() == 1


# --- 4. Retaliation risk and savings ------------------------------------------------------------
SEEDS_1_TO_8 = range(1, 9)


def test_exercise_4_savings_tip_the_cascade() -> None:
    afraid = _exercise(4)
    lowered, raised = threshold_shift(afraid)
    assert (lowered, raised) == (pytest.approx(0.075), pytest.approx(0.3))
    assert (_share(afraid, SEEDS_1_TO_8) < 0.05).all()
    two_weeks = replace(afraid, savings_weeks=2.0)
    assert threshold_shift(two_weeks)[1] == pytest.approx(0.1)
    assert (_share(two_weeks, SEEDS_1_TO_8) == 1.0).all()
    one_week = _share(replace(afraid, savings_weeks=1.0), SEEDS_1_TO_8)
    assert (one_week == 1.0).sum() == 0 and (one_week > 0.3).any() and (one_week < 0.05).any()
    assert (_share(replace(afraid, savings_weeks=1.5), SEEDS_1_TO_8) == 1.0).all()


def test_exercise_4_legal_backing_and_consciousness() -> None:
    afraid = _exercise(4)
    backed = replace(afraid, retaliation=0.5)
    assert threshold_shift(backed)[1] == pytest.approx(threshold_shift(replace(afraid, savings_weeks=1.0))[1])
    for seed in SEEDS_1_TO_8:
        np.testing.assert_array_equal(run_lab(replace(backed, seed=seed)).rounds,
                                      run_lab(replace(afraid, savings_weeks=1.0, seed=seed)).rounds)
    conscious = replace(afraid, consciousness=1.0)
    assert threshold_shift(conscious)[0] == pytest.approx(0.15)
    assert (_share(conscious, SEEDS_1_TO_8) < 0.05).all()
    assert (_share(replace(conscious, earnings_to_ump=0.0), SEEDS_1_TO_8) == 1.0).all()


# --- 5. From the lab to the model ---------------------------------------------------------------
@pytest.mark.slow
def test_exercise_5_a_bigger_cascade_is_not_a_better_livelihood() -> None:
    """The model itself, as the exercise runs it from Explore: 1,000 workers, 520 weeks, seeds 0-2."""
    low = model_parameters(_exercise(5))
    assert low["threshold_mean"] == 0.1

    def final_year(params):
        runs = [run_simulation({**params, "n_workers": 1000}, seed=seed, weeks=520).summary for seed in range(3)]
        return {name: float(np.mean([r[name] for r in runs]))
                for name in ("participation_rate", "piece_rate_mean", "earnings_to_ump")}

    lower, higher = final_year(low), final_year({**low, "threshold_mean": 0.4})
    assert lower["participation_rate"] == pytest.approx(0.22, abs=0.02) and higher["participation_rate"] < 0.005
    assert 1.0 < lower["piece_rate_mean"] / higher["piece_rate_mean"] < 1.10
    assert lower["piece_rate_mean"] == pytest.approx(326, abs=2) and higher["piece_rate_mean"] == pytest.approx(317, abs=2)
    assert abs(lower["earnings_to_ump"] - higher["earnings_to_ump"]) < 0.005
    assert lower["earnings_to_ump"] == pytest.approx(0.068, abs=0.002)
