"""The collective-action lab's set-ups, cascades and sweeps, without Streamlit.

A ``LabSettings`` says which graph (complete, ring lattice, random, or the model's kampung graph),
which thresholds (all equal, uniform, normal, Granovetter's ladder, optionally moved by grievance
and retaliation risk as the model moves them) and which organizers (seeds). ``run_lab`` builds
them and runs the model's own cascade, ``model.collective.cascade_rounds`` (the same cascade as
``threshold_cascade``, round by round); the thresholds come from
``model.collective.effective_thresholds`` and the kampung graph from
``model.social_graph.build_kampung_graph``. Nothing here is a second implementation of the model.

Settings travel in the page's URL as ``lab.NAME=value`` query parameters (``to_query`` /
``read_query``), so that a link, or an exercise in docs/exercises.md, opens the lab pre-set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra
from scipy.stats import poisson

from rumahan.dashboard.run_config import PAGE_KEY_PREFIX
from rumahan.model.collective import cascade_rounds, effective_thresholds
from rumahan.model.social_graph import build_kampung_graph

#: Prefix of the lab's query parameters (the run configuration's reader leaves them alone).
PREFIX = PAGE_KEY_PREFIX
GRAPHS: dict[str, str] = {
    "complete": "Complete graph (everyone knows everyone)",
    "ring": "Ring lattice (each knows her nearest neighbours)",
    "random": "Random graph (ties at random)",
    "kampung": "Kampung graph (the model's RT clusters)",
}
#: The rules as the page's description of the picture says them.
RULE_WORDS: dict[str, str] = {
    "equal": "all equal", "uniform": "drawn uniformly", "normal": "drawn from a normal law",
    "ladder": "on Granovetter's ladder",
}
THRESHOLD_RULES: dict[str, str] = {
    "equal": "All equal",
    "uniform": "Uniform (mean ± spread)",
    "normal": "Normal (as the model draws them)",
    "ladder": "Granovetter's ladder (0, 1/(N-1), 2/(N-1), …)",
}
SEED_RULES: dict[str, str] = {
    "none": "None (only thresholds of 0 start)",
    "random": "Random organizers",
    "best": "The best-connected",
    "rt": "One whole RT (neighbourhood)",
}
#: Largest graphs the lab builds (a complete graph has N x N ties).
MAX_NODES = 3000
MAX_COMPLETE = 500
#: Settings a link always names, so that it reads on its own.
ALWAYS_IN_LINKS = ("graph", "nodes", "rule", "seeding")
#: The range of each number of the set-up (the page's widgets use the same).
BOUNDS: dict[str, tuple[float, float]] = {
    "degree": (0.0, 20.0), "rt_size": (2, 500), "ties_within_rt": (0, 20), "ties_adjacent_rt": (0, 10),
    "long_tie_prob": (0.0, 1.0), "mean": (0.0, 1.0), "spread": (0.0, 0.5), "moved_threshold": (-1.0, 2.0),
    "consciousness": (0.0, 1.0), "earnings_to_ump": (0.0, 1.5), "retaliation": (0.0, 1.0),
    "savings_weeks": (0.0, 20.0), "grievance_weight": (0.0, 1.0), "risk_weight": (0.0, 1.0), "seed": (0, 2**32 - 1),
}
#: A cascade is "global" when it reaches more than this share of the nodes (Watts 2002).
GLOBAL = 0.5


@dataclass(frozen=True)
class LabSettings:
    """One set-up of the lab. Thresholds are shares of a node's neighbours, as in the model.

    Attributes:
        graph: a key of ``GRAPHS``; ``nodes`` people; ``degree`` the mean degree of a ring or
            random graph; the kampung graph's ties come from ``rt_size``, ``ties_within_rt``,
            ``ties_adjacent_rt`` and ``long_tie_prob`` (the model's parameters of those names).
        rule: a key of ``THRESHOLD_RULES``; ``mean`` and ``spread`` (a standard deviation) of
            the equal, uniform and normal rules (``threshold_mean``, ``threshold_sd``).
        moved_node, moved_threshold: one person's threshold set by hand (-1: nobody).
        derive: move every threshold by grievance and retaliation risk as the model does
            (``effective_thresholds``) from ``consciousness``, ``earnings_to_ump``,
            ``retaliation``, ``savings_weeks``, ``grievance_weight`` and ``risk_weight``.
        seeding: a key of ``SEED_RULES``; ``organizers`` how many (random or best-connected).
        seed: the random seed of the graph, thresholds and organizers.
    """

    graph: str = "random"
    nodes: int = 400
    degree: float = 4.0
    rt_size: int = 40
    ties_within_rt: int = 3
    ties_adjacent_rt: int = 1
    long_tie_prob: float = 0.05
    rule: str = "equal"
    mean: float = 0.18
    spread: float = 0.1
    moved_node: int = -1
    moved_threshold: float = 0.0
    derive: bool = False
    consciousness: float = 0.5
    earnings_to_ump: float = 0.5
    retaliation: float = 0.6
    savings_weeks: float = 1.0
    grievance_weight: float = 0.3
    risk_weight: float = 0.3
    seeding: str = "random"
    organizers: int = 1
    seed: int = 1

    def problems(self) -> dict[str, str]:
        """Each setting the lab cannot use, with a one-line reason."""
        out = {}
        for name, choices in (("graph", GRAPHS), ("rule", THRESHOLD_RULES), ("seeding", SEED_RULES)):
            if getattr(self, name) not in choices:
                out[name] = f"{PREFIX}{name} = '{getattr(self, name)}' is not one of {', '.join(choices)}"
        limits = {**BOUNDS, "nodes": (2, MAX_COMPLETE if self.graph == "complete" else MAX_NODES),
                  "moved_node": (-1, self.nodes - 1), "organizers": (0, self.nodes)}
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high):
                out[name] = f"{PREFIX}{name} = {value} is not between {low} and {high}"
        return out

    def check(self) -> LabSettings:
        """Raise ``ValueError`` with a one-line message for a set-up the lab cannot build."""
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems.values()))
        return self

    # --- the URL ----------------------------------------------------------------------------
    def to_query(self) -> dict[str, str]:
        """The settings as ``lab.NAME`` query parameters: the graph, its size, the threshold rule,
        the organizers, and the mean, degree and number of organizers where they apply; the
        others where they differ from the defaults."""
        default = LabSettings()
        named = {*ALWAYS_IN_LINKS, *(("mean",) if self.rule != "ladder" else ()),
                 *(("degree",) if self.graph in ("ring", "random") else ()),
                 *(("organizers",) if self.seeding in ("random", "best") else ())}
        return {f"{PREFIX}{f.name}": _text(getattr(self, f.name)) for f in fields(self)
                if f.name in named or getattr(self, f.name) != getattr(default, f.name)}

    @classmethod
    def read_query(cls, query: Mapping[str, Any]) -> tuple[LabSettings, list[str]]:
        """Settings from ``lab.NAME`` query parameters (others are ignored), and a line for each
        one left out. Numbers may be written as fractions (``lab.moved_threshold=2/99``)."""
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        problems: list[str] = []
        for key, raw in query.items():
            if not key.startswith(PREFIX):
                continue
            name, text = key.removeprefix(PREFIX), str(raw[-1] if isinstance(raw, list | tuple) else raw)
            if name not in types:
                problems.append(f"unknown lab setting '{key}'")
                continue
            try:
                values[name] = _parse(types[name], text)
            except ValueError as exc:
                problems.append(f"{key} = '{text}' is not {exc}")
        for _ in range(2):  # what the size rules out (a moved node, organizers) goes in the second pass
            bad = replace(cls(), **values).problems()
            problems += [message for name, message in bad.items() if name in values]
            values = {name: value for name, value in values.items() if name not in bad}
        return replace(cls(), **values).check(), problems


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _parse(kind: str, text: str) -> Any:
    text = text.strip()
    if kind == "bool":
        if text.lower() in ("true", "1", "yes", "on"):
            return True
        if text.lower() in ("false", "0", "no", "off"):
            return False
        raise ValueError("true or false")
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(Fraction(text)) if "/" in text else float(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError("a number" if kind == "float" else "a whole number") from None
    return text


# --- building a set-up --------------------------------------------------------------------------
@dataclass(frozen=True)
class LabGraph:
    """A graph of the lab: a symmetric 0/1 CSR adjacency, and the RT of each node (kampung only)."""

    adjacency: sp.csr_array
    rt: NDArray[np.int64] | None

    @property
    def degree(self) -> NDArray[np.float64]:
        return np.diff(self.adjacency.indptr).astype(float)


def _symmetric(n: int, a: NDArray[np.int64], b: NDArray[np.int64]) -> sp.csr_array:
    keep = a != b
    rows, cols = np.concatenate([a[keep], b[keep]]), np.concatenate([b[keep], a[keep]])
    adjacency = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0
    return adjacency


def build_graph(settings: LabSettings, rng: np.random.Generator) -> LabGraph:
    """The set-up's graph. A ring lattice ties each node to its ``round(degree / 2)`` nearest
    neighbours on each side; a random graph draws ``nodes x degree / 2`` ties between random
    pairs (self-ties and repeats dropped, so the mean degree is a little lower when dense); the
    kampung graph is the model's own."""
    n = settings.nodes
    if settings.graph == "complete":
        return LabGraph(sp.csr_array(np.ones((n, n)) - np.eye(n)), None)
    if settings.graph == "kampung":
        kampung = build_kampung_graph(n, settings.rt_size, settings.ties_within_rt, settings.ties_adjacent_rt,
                                      settings.long_tie_prob, rng)
        return LabGraph(kampung.adjacency, kampung.rt)
    nodes = np.arange(n, dtype=np.int64)
    if settings.graph == "ring":
        reach = min(max(round(settings.degree / 2), 0), (n - 1) // 2)
        a = np.tile(nodes, reach)
        b = (a + np.repeat(np.arange(1, reach + 1), n)) % n
        return LabGraph(_symmetric(n, a, b), None)
    ties = round(n * settings.degree / 2)
    return LabGraph(_symmetric(n, rng.integers(0, n, ties), rng.integers(0, n, ties)), None)


def base_thresholds(settings: LabSettings, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """Each person's own threshold by the set-up's rule (before grievance and risk): the ladder
    gives person ``i`` the threshold ``i / (n - 1)``."""
    if settings.rule == "ladder":
        return np.arange(n) / max(n - 1, 1)
    if settings.rule == "uniform":
        half = settings.spread * math.sqrt(3.0)  # the uniform law with this standard deviation
        return settings.mean + rng.uniform(-half, half, n)
    if settings.rule == "normal":
        return settings.mean + settings.spread * rng.standard_normal(n)
    return np.full(n, settings.mean)


def thresholds_for(settings: LabSettings, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """The thresholds the cascade uses: the rule's, moved by grievance and retaliation risk when
    ``derive`` is on (the model's formula), and then the hand-moved one."""
    theta = base_thresholds(settings, n, rng)
    if settings.derive:
        theta = effective_thresholds(theta, settings.consciousness, settings.earnings_to_ump, settings.retaliation,
                                     settings.savings_weeks, settings.grievance_weight, settings.risk_weight)
    if 0 <= settings.moved_node < n:
        theta[settings.moved_node] = settings.moved_threshold
    return theta


def threshold_shift(settings: LabSettings) -> tuple[float, float]:
    """How far grievance lowers and retaliation risk raises every threshold (both >= 0)."""
    lowered = settings.mean - float(effective_thresholds(settings.mean, settings.consciousness,
                                                         settings.earnings_to_ump, 0.0, 0.0,
                                                         settings.grievance_weight, settings.risk_weight))
    raised = float(effective_thresholds(0.0, 0.0, 1.0, settings.retaliation, settings.savings_weeks,
                                        settings.grievance_weight, settings.risk_weight))
    return lowered, raised


def organizers(settings: LabSettings, graph: LabGraph, rng: np.random.Generator) -> NDArray[np.bool_]:
    """The seeds: random people, the best-connected (ties broken by number), or one whole RT (the
    middle one of a kampung graph; on other graphs a block of ``rt_size`` neighbours by number)."""
    n = graph.adjacency.shape[0]
    seeds = np.zeros(n, dtype=bool)
    if settings.seeding == "random":
        seeds[rng.choice(n, size=min(settings.organizers, n), replace=False)] = True
    elif settings.seeding == "best":
        seeds[np.argsort(-graph.degree, kind="stable")[: settings.organizers]] = True
    elif settings.seeding == "rt":
        if graph.rt is not None:
            seeds[graph.rt == graph.rt[n // 2]] = True
        else:
            start = (n - min(settings.rt_size, n)) // 2
            seeds[start: start + settings.rt_size] = True
    return seeds


@dataclass(frozen=True)
class LabRun:
    """A cascade of the lab: the set-up, its graph, thresholds, seeds and the round each joined
    (0 seeds, -1 never)."""

    settings: LabSettings
    graph: LabGraph
    thresholds: NDArray[np.float64]
    seeds: NDArray[np.bool_]
    rounds: NDArray[np.int64]

    @property
    def n(self) -> int:
        return self.rounds.size

    @property
    def last_round(self) -> int:
        return int(self.rounds.max()) if self.rounds.size else 0

    @property
    def participants(self) -> int:
        return int((self.rounds >= 0).sum())

    def per_round(self) -> pd.DataFrame:
        """One row per round 0..last: new participants and the running total (also as a share)."""
        counts = np.bincount(self.rounds[self.rounds >= 0], minlength=self.last_round + 1)
        total = np.cumsum(counts)
        return pd.DataFrame({"round": np.arange(counts.size), "joined": counts, "total": total,
                             "share": total / max(self.n, 1)})


def run_lab(settings: LabSettings) -> LabRun:
    """Build the set-up and run the model's cascade on it."""
    settings.check()
    graph_rng, threshold_rng, seed_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(settings.seed).spawn(3))
    graph = build_graph(settings, graph_rng)
    theta = thresholds_for(settings, settings.nodes, threshold_rng)
    seeds = organizers(settings, graph, seed_rng)
    return LabRun(settings, graph, theta, seeds, cascade_rounds(graph.adjacency, theta, seeds))


# --- sweeps -------------------------------------------------------------------------------------
Progress = Callable[[float, str], None]


def sweep(settings: LabSettings, name: str, values: Sequence[float], replicates: int,
          progress: Progress | None = None) -> pd.DataFrame:
    """Final participation for each value of the setting ``name`` (``degree`` or ``mean``), with
    ``replicates`` runs each (replicate ``r`` has seed ``settings.seed + r``: new graph,
    thresholds and organizers). One row per run: the value, replicate, the graph's measured mean
    degree, participants and their share, and whether the cascade was global (> half)."""
    rows = []
    for i, value in enumerate(values):
        for r in range(replicates):
            done = run_lab(replace(settings, **{name: value}, seed=settings.seed + r, moved_node=-1))
            rows.append({name: value, "replicate": r, "mean_degree": float(done.graph.degree.mean()),
                         "participants": done.participants, "share": done.participants / done.n})
        if progress is not None:
            progress((i + 1) / len(values), f"{name} = {value:g}: {i + 1} of {len(values)} points done")
    frame = pd.DataFrame(rows)
    frame["global"] = frame["share"] > GLOBAL
    return frame


def sweep_summary(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Per swept value: mean share, the 10th-90th percentile band, and how often it went global."""
    grouped = frame.groupby(name)["share"]
    return pd.DataFrame({
        "mean": grouped.mean(), "low": grouped.quantile(0.1), "high": grouped.quantile(0.9),
        "global_share": frame.groupby(name)["global"].mean(), "mean_degree": frame.groupby(name)["mean_degree"].mean(),
    }).reset_index()


def degree_values(settings: LabSettings) -> list[float]:
    """The mean degrees a degree sweep visits: 0.5 to 12 by 0.5 (a ring lattice: even degrees)."""
    if settings.graph == "ring":
        return [float(d) for d in range(2, 25, 2)]
    return [d / 2 for d in range(1, 25)]


def threshold_values() -> list[float]:
    """The thresholds a threshold sweep visits: 0 to 0.5 by 0.025."""
    return [round(t / 40, 3) for t in range(21)]


def watts_vulnerable(thresholds: NDArray[np.float64], kmax: int = 200) -> NDArray[np.float64]:
    """rho_k, k = 0..kmax: the share of nodes one active neighbour tips when they have k ties
    (threshold <= 1/k; for k = 0, threshold <= 0)."""
    k = np.arange(kmax + 1)
    limit = np.where(k > 0, 1.0 / np.maximum(k, 1), 0.0)
    return (np.sort(thresholds)[None, :] <= limit[:, None]).mean(axis=1)


def watts_condition(thresholds: NDArray[np.float64], degrees: Sequence[float]) -> NDArray[np.bool_]:
    """Watts's (2002) cascade condition on a random graph with Poisson degrees of mean z:
    ``sum_k k (k - 1) rho_k p_k(z) > z`` (the vulnerable nodes percolate, so one seed can start a
    global cascade). ``thresholds`` is a sample of the threshold distribution."""
    rho = watts_vulnerable(thresholds)
    k = np.arange(rho.size)
    z = np.asarray(degrees, dtype=float)
    pk = poisson.pmf(k[None, :], z[:, None])
    return (k * (k - 1) * rho * pk).sum(axis=1) > z


def windows(xs: NDArray[np.float64], inside: NDArray[np.bool_]) -> list[tuple[float, float]]:
    """The stretches of ``xs`` where ``inside`` holds, as ``(first, last)`` pairs."""
    out, start = [], None
    for x, flag, nxt in zip(xs, inside, [*inside[1:], False], strict=True):
        if flag and start is None:
            start = x
        if flag and not nxt:
            out.append((float(start), float(x)))
            start = None
    return out


def threshold_sample(settings: LabSettings, size: int = 20_000) -> NDArray[np.float64]:
    """A large sample of the set-up's thresholds (for Watts's condition)."""
    return thresholds_for(replace(settings, moved_node=-1), size, np.random.default_rng(0))


def degree_window(settings: LabSettings) -> list[tuple[float, float]]:
    """Mean degrees (0 to 15, by 0.05) where Watts's condition holds for these thresholds."""
    z = np.arange(1, 301) / 20
    return windows(z, watts_condition(threshold_sample(settings), z))


def threshold_window(settings: LabSettings) -> list[tuple[float, float]]:
    """Mean thresholds (0 to 0.5, by 0.005) where Watts's condition holds at this mean degree."""
    means = np.arange(101) / 200
    inside = np.array([watts_condition(threshold_sample(replace(settings, mean=m)), [settings.degree])[0]
                       for m in means])
    return windows(means, inside)


# --- bridges to the model -----------------------------------------------------------------------
def model_parameters(settings: LabSettings) -> dict[str, Any]:
    """The model parameters the set-up corresponds to (the Explore page's inputs): the mean and
    spread of thresholds, and, when thresholds are derived, the two weights and the retaliation
    propensity; for the kampung graph, its ties."""
    if settings.rule == "ladder":
        ladder = base_thresholds(settings, settings.nodes, np.random.default_rng(0))
        mean, sd = float(ladder.mean()), float(ladder.std())
    else:
        mean, sd = settings.mean, 0.0 if settings.rule == "equal" else settings.spread
    values: dict[str, Any] = {"threshold_mean": round(min(max(mean, 0.0), 1.0), 4),
                              "threshold_sd": round(min(sd, 0.5), 4)}
    if settings.derive:
        values.update(grievance_weight=settings.grievance_weight, risk_weight=settings.risk_weight,
                      retaliation_propensity=settings.retaliation)
    if settings.graph == "kampung":
        values.update(rt_size=settings.rt_size, ties_within_rt=settings.ties_within_rt,
                      ties_adjacent_rt=settings.ties_adjacent_rt, long_tie_prob=settings.long_tie_prob)
    return values


# --- layouts for the drawing --------------------------------------------------------------------
def positions(graph: LabGraph, seeds: NDArray[np.bool_], kind: str) -> NDArray[np.float64]:
    """Where to draw each node. A kampung graph: its RTs on a grid (each a small disc, in the
    kampung's order, snaking row by row, so that neighbouring RTs touch). A random graph: rings
    by the number of steps from the nearest organizer (from person 0 without organizers), each
    node next to the one it is reached from; people out of reach on an outer ring. Otherwise a
    circle in node order (a ring lattice shows as a ring)."""
    n = graph.adjacency.shape[0]
    if graph.rt is not None:
        return _rt_grid(graph.rt)
    if kind == "random" and n:
        return _rings_from(graph.adjacency, seeds if seeds.any() else np.arange(n) == 0)
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    return np.column_stack([np.cos(angle), np.sin(angle)])


def _rt_grid(rt: NDArray[np.int64]) -> NDArray[np.float64]:
    n, n_rt = rt.size, int(rt.max()) + 1
    cols = math.ceil(math.sqrt(n_rt * 1.5))
    rt_row, rt_col = np.divmod(rt, cols)
    rt_col = np.where(rt_row % 2 == 1, cols - 1 - rt_col, rt_col)
    within = np.arange(n) - np.searchsorted(rt, rt)  # nodes of an RT are consecutive
    size = np.bincount(rt)[rt]
    radius = 0.42 * np.sqrt((within + 0.5) / size)  # a sunflower disc
    turn = within * np.pi * (3 - math.sqrt(5))
    return np.column_stack([rt_col + radius * np.cos(turn), -(rt_row + radius * np.sin(turn))])


def _rings_from(adjacency: sp.csr_array, start: NDArray[np.bool_]) -> NDArray[np.float64]:
    n = adjacency.shape[0]
    distance, parent, _ = dijkstra(adjacency, directed=False, unweighted=True, indices=np.flatnonzero(start),
                                   min_only=True, return_predecessors=True)
    reached = np.isfinite(distance)
    ring = np.where(reached, distance, (distance[reached].max() if reached.any() else 0) + 1.5)
    angle = np.zeros(n)
    order = np.argsort(ring, kind="stable")
    for value in np.unique(ring):
        members = order[ring[order] == value]
        if value > 0 and np.isfinite(value) and value == int(value):  # next to whoever reached them
            members = members[np.argsort(angle[parent[members]], kind="stable")]
        angle[members] = 2 * np.pi * (np.arange(members.size) + 0.5) / members.size
    return np.column_stack([ring * np.cos(angle), ring * np.sin(angle)])


# --- classroom exercises (docs/exercises.md) ----------------------------------------------------
@dataclass(frozen=True)
class Exercise:
    """A seminar exercise: its title, the question, and the set-up its link opens."""

    number: int
    title: str
    question: str
    settings: LabSettings


EXERCISES: tuple[Exercise, ...] = (
    Exercise(1, "Granovetter's ladder",
             "100 people, thresholds 0, 1, 2, ..., 99 of the others: who acts? And if one threshold moves?",
             LabSettings(graph="complete", nodes=100, rule="ladder", seeding="none")),
    Exercise(2, "Watts's window",
             "One organizer on a random graph, every threshold 0.18: for which mean degrees does she start a "
             "global cascade?",
             LabSettings(graph="random", nodes=1000, degree=4.0, rule="equal", mean=0.18, seeding="random",
                         organizers=1)),
    Exercise(3, "Organizers and clustering",
             "40 organizers, thresholds 0.25: does it matter who they are, and how the ties are arranged?",
             LabSettings(graph="random", nodes=2000, degree=7.5, rule="equal", mean=0.25, seeding="random",
                         organizers=40)),
    Exercise(4, "Retaliation risk and savings",
             "A subcontractor who always retaliates: how many weeks of savings does it take before people act?",
             LabSettings(graph="kampung", nodes=2000, rule="normal", mean=0.25, spread=0.12, derive=True,
                         consciousness=0.5, earnings_to_ump=0.5, retaliation=1.0, savings_weeks=0.0,
                         seeding="random", organizers=20)),
    Exercise(5, "From the lab to the model",
             "Lower thresholds make bigger cascades here. Do they make better piece rates and earnings in the model?",
             LabSettings(graph="kampung", nodes=1000, rule="normal", mean=0.1, spread=0.12, seeding="random",
                         organizers=20)),
)
