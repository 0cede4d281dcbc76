"""Phase 8 of the week: the outcome metrics, one value each per week (pinned names, DESIGN §5).

``OUTPUTS`` lists every metric with its unit and meaning; reports and the dashboard take their
labels from it. The Rowlands power indices and the Power Cube counters are defined here and in
docs/ODD.md §3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.calendar import WEEKS_PER_MONTH, poverty_line_monthly, ump_monthly, year_of_week
from rumahan.model.events import Count, WeekLog
from rumahan.model.numerics import clip, dot
from rumahan.model.policy import Policy
from rumahan.model.social_graph import KampungGraph

if TYPE_CHECKING:  # the agents import this module's helpers
    from rumahan.model.agents.network import AdvocacyNetwork
    from rumahan.model.agents.state import State

#: Workers above which the Gini coefficient is computed on a fixed random sample of this size.
GINI_SAMPLE = 20_000
#: Consciousness at which a worker counts as seeing herself as a worker with rights.
CONSCIOUS = 0.5
#: Health below which a worker counts as carrying a health burden (pain, headaches) [brief SF13].
HEALTH_BURDEN = 0.8


@dataclass(frozen=True)
class Output:
    """One weekly metric.

    Attributes:
        name, unit, meaning: as shown on every axis and table.
        better: whether the home workers are better off when it is ``"higher"`` or ``"lower"``
            (robustness analysis and regret use it), or ``"none"`` for a metric that only says when.
        bounds: the range the metric cannot leave, e.g. ``(0, 1)`` for a share; confidence
            intervals are truncated to it. ``None``: unbounded.
        added: the Rumahan version that added it, for a metric added after 0.1.0: output folders
            written before may lack it and still load (``REQUIRED_METRICS`` leaves it out).
    """

    name: str
    unit: str
    meaning: str
    better: str = "higher"
    bounds: tuple[float, float] | None = None
    added: str | None = None


OUTPUTS: tuple[Output, ...] = (
    # week and year say when, not how the workers fare: no direction
    Output("week", "week", "weeks since the first week of January 2023", better="none"),
    Output("year", "year", "calendar year", better="none"),
    Output("piece_rate_mean", "Rp/piece", "piece rate paid, weighted by good pieces"),
    Output("earnings_mean", "Rp/week", "net weekly earnings per worker (pay minus costs)"),
    Output("earnings_to_ump", "share", "mean monthly net earnings / that year's Jakarta UMP"),
    Output("labour_share", "share", "workers' gross pay / value paid by principals", bounds=(0.0, 1.0)),
    Output("membership_rate", "share", "share of workers who are network members", bounds=(0.0, 1.0)),
    Output("participation_rate", "share", "share of workers taking part in collective action", bounds=(0.0, 1.0)),
    Output("consciousness_mean", "0-1", "mean consciousness (power_within counts those at 0.5 or more)",
           bounds=(0.0, 1.0)),
    Output("coverage_rate", "share", "share of workers under a collective agreement or an enforced floor", bounds=(0.0, 1.0)),
    Output("bargaining_power_mean", "0-1", "mean bargaining power beta of workers' pools", bounds=(0.0, 1.0)),
    Output("recognized", "0/1", "home workers legally recognized as workers", bounds=(0.0, 1.0)),
    Output("gini_earnings", "0-1", "Gini coefficient of net weekly earnings (negatives as 0)", better="lower", bounds=(0.0, 1.0)),
    Output("below_poverty_share", "share", "share of workers whose monthly net earnings are below the per-capita poverty line", better="lower", bounds=(0.0, 1.0)),
    Output("rate_cv_subcontractors", "cv", "coefficient of variation of paid rates across subcontractors", better="lower"),
    Output("power_within", "0-1", "Rowlands: share of workers with consciousness >= 0.5", bounds=(0.0, 1.0)),
    Output("power_with", "0-1", "Rowlands: share of social ties that join two members", bounds=(0.0, 1.0)),
    Output("power_to", "0-1", "Rowlands: share of the surplus above the market offer that workers win, piece-weighted", bounds=(0.0, 1.0)),
    Output("power_over", "0-1", "Rowlands: mean of the subcontractors' margin share and the share of workers whose rate is set unilaterally", better="lower", bounds=(0.0, 1.0)),
    Output("value_from_principals", "Rp/week", "principals' payments to subcontractors for good pieces"),
    Output("worker_gross_pay", "Rp/week", "pay to workers after defect penalties"),
    Output("worker_costs", "Rp/week", "production costs workers bear", better="lower"),
    Output("subcontractor_margin", "Rp/week", "value from principals minus workers' gross pay", better="lower"),
    Output("fines_paid", "Rp/week", "fines subcontractors paid for underpaying a floor"),
    Output("pieces_ordered", "pieces/week", "pieces principals ordered locally"),
    Output("pieces_produced", "pieces/week", "pieces workers made (good and spoiled)"),
    Output("ump_monthly", "Rp/month", "Jakarta UMP in force"),
    Output("floor_rate", "Rp/piece", "legal piece-rate floor in force (0: none)"),
    Output("net_to_gross", "share", "workers' net earnings / gross pay"),
    Output("savings_mean", "Rp", "mean savings (negative: debt)"),
    Output("health_mean", "0-1", "mean health", bounds=(0.0, 1.0)),
    Output("health_burden_share", "share", "share of workers with health below 0.8", better="lower", bounds=(0.0, 1.0)),
    Output("blacklisted_share", "share", "share of workers currently blacklisted", better="lower", bounds=(0.0, 1.0)),
    Output("intermediaries_failed_share", "share", "share of intermediaries out of business, their pools without work "
           "(intermediary_failure_rate)", better="lower", bounds=(0.0, 1.0), added="0.2.0"),
    Output("home_work_share", "share", "share of the area's women still taking home work (home_work_exit_rate)",
           bounds=(0.0, 1.0), added="0.2.0"),
    Output("order_share_mean", "share", "share of base orders still placed locally (falls with exit and retaliation)", bounds=(0.0, 1.0)),
    Output("agreements_active", "agreements", "collective agreements in force"),
    Output("policy_level", "rungs", "policy ladder rungs won: statistics, recognition, enforced floor, C177"),
    Output("statistics_inclusion", "0/1", "home workers counted in labour statistics", bounds=(0.0, 1.0)),
    Output("c177_ratified", "0/1", "ILO C177 ratified", bounds=(0.0, 1.0)),
    Output("pressure", "hours per 1,000 workers", "advocacy pressure accumulated on the state"),
    Output("alliance_strength", "0-1", "the network's alliance strength", bounds=(0.0, 1.0)),
    Output("network_capacity", "hours/week", "the network's organizer-hours"),
    Output("pos_ukk_posts", "posts", "Pos UKK posts running"),
    Output("coop_members", "workers", "workers in a cooperative"),
    Output("effort_closed", "hours/week", "Power Cube: network effort in closed spaces (bargaining)"),
    Output("effort_invited", "hours/week", "Power Cube: network effort in invited spaces"),
    Output("effort_claimed", "hours/week", "Power Cube: network effort in claimed spaces"),
    Output("effort_local", "hours/week", "Power Cube: network effort at the local level"),
    Output("effort_national", "hours/week", "Power Cube: network effort at the national level"),
    Output("effort_global", "hours/week", "Power Cube: network effort at the global level"),
    Output("advocacy_absorbed", "hours/week", "advocacy absorbed by tokenistic invited spaces", better="lower"),
    Output("visible_power_acts", "acts/week", "Power Cube, visible power: inspections, fines and policy decisions"),
    Output("hidden_power_acts", "acts/week", "Power Cube, hidden power: exits, retaliations and blacklistings", better="lower"),
    Output("invisible_power_loss", "consciousness/week", "Power Cube, invisible power: consciousness removed by framing, summed", better="lower"),
)
METRIC_NAMES: tuple[str, ...] = tuple(o.name for o in OUTPUTS)
OUTPUT_BY_NAME: dict[str, Output] = {o.name: o for o in OUTPUTS}
#: The metrics every output folder holds: those of Rumahan 0.1.0 (a folder written before a metric
#: was added lacks it and still loads).
REQUIRED_METRICS: tuple[str, ...] = tuple(o.name for o in OUTPUTS if o.added is None)


def gini(values: NDArray[np.float64]) -> float:
    """Gini coefficient of non-negative values, in [0, 1] (0 when all are 0). The formula's rounding
    can give -2e-16 for nearly equal values; that is clamped to 0."""
    x = np.sort(values)
    total = x.sum()
    if x.size == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, x.size + 1)
    return max(0.0, float(2.0 * dot(ranks, x) / (x.size * total) - (x.size + 1) / x.size))


def _share(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator > 0 else 0.0


def _true_share(mask: NDArray[np.bool_]) -> float:
    """Share of ``True`` in a boolean array: the same number as ``float(mask.mean())`` (an exact
    count divided by the length, one rounding), several times faster."""
    return float(np.count_nonzero(mask) / mask.size)


def _mean(values: NDArray[np.float64]) -> float:
    """Mean of a float array: the same number as ``float(values.mean())`` (numpy's sum divided by
    the count), without ``mean``'s Python layers."""
    return float(values.sum() / values.size)


def _cv(values: NDArray[np.float64]) -> float:
    """Coefficient of variation ``values.std() / values.mean()`` of a float array, 0 for fewer than
    two values or a mean <= 0. numpy's ``std`` and ``mean`` written out operation by operation
    (sum / count, deviations from that mean squared, their sum / count, square root): the same
    number, without their Python layers (tests/benchmarks/test_fast_paths.py compares them)."""
    if values.size < 2:
        return 0.0
    mean = values.sum() / values.size
    if not mean > 0:
        return 0.0
    deviations = np.subtract(values, mean)
    np.square(deviations, out=deviations)
    return float(np.sqrt(deviations.sum() / values.size) / mean)


def compute_metrics(workers: WorkerColumns, subcontractors: SubcontractorColumns, graph: KampungGraph,
                    member_exposure: NDArray[np.float64], policy: Policy, state: State, network: AdvocacyNetwork,
                    log: WeekLog, framing_loss: float, gini_sample: NDArray[np.int64] | None,
                    params: Mapping[str, Any], week: int) -> dict[str, float]:
    """This week's metrics (see ``OUTPUTS``); ``framing_loss`` is the consciousness framing
    removed this week, ``gini_sample`` the fixed sample of workers the Gini is computed on
    (``None``: all)."""
    p, w, subs, net = params, workers, subcontractors, network
    n = w.n
    ump = ump_monthly(week, p["ump_growth"])
    poverty = poverty_line_monthly(week, p["poverty_line_growth"])
    good = w.pieces - w.defects
    good_total = float(good.sum())
    value = float(subs.value.sum())
    gross = float(w.pay.sum())
    costs = float(w.costs.sum())
    monthly_net = w.net * WEEKS_PER_MONTH
    if good_total > 0:
        rate_mean = float(dot(subs.paid_rate, subs.good_pieces) / subs.good_pieces.sum())
    else:
        rate_mean = _share(float(dot(subs.paid_rate, subs.pool_size)), float(subs.pool_size.sum()))
    working = subs.orders > 0
    rates = subs.paid_rate[working]
    rate_cv = _cv(rates)
    covered_workers = float(subs.pool_size[subs.covered].sum())
    labour_share = min(1.0, _share(gross, value))  # gross <= value; min() absorbs rounding
    surplus = subs.price - subs.target
    won = np.divide(subs.paid_rate - subs.target, surplus, out=np.zeros(subs.m), where=surplus > 0)
    power_to = min(1.0, _share(float(dot(clip(won, 0.0, 1.0), subs.good_pieces)), float(subs.good_pieces.sum())))
    coverage = covered_workers / n
    member_ties = float(dot(w.member, member_exposure * graph.degree))
    sample = w.net if gini_sample is None else w.net[gini_sample]
    cube_space, cube_level = net.effort_by_space, net.effort_by_level
    return {
        "week": week,
        "year": year_of_week(week),
        "piece_rate_mean": rate_mean,
        "earnings_mean": _mean(w.net),
        "earnings_to_ump": float(monthly_net.sum() / n / ump),
        "labour_share": labour_share,
        "membership_rate": _true_share(w.member),
        "participation_rate": _true_share(w.participating),
        "consciousness_mean": _mean(w.consciousness),
        "coverage_rate": coverage,
        "bargaining_power_mean": _share(float(dot(subs.beta, subs.pool_size)), float(subs.pool_size.sum())),
        "recognized": int(bool(policy.recognition)),
        "gini_earnings": gini(np.maximum(sample, 0.0)),
        "below_poverty_share": _true_share(monthly_net < poverty),
        "rate_cv_subcontractors": rate_cv,
        "power_within": _true_share(w.consciousness >= CONSCIOUS),
        "power_with": _share(member_ties, float(graph.degree.sum())),
        "power_to": power_to,
        "power_over": 0.5 * ((1.0 - labour_share if value > 0 else 1.0) + (1.0 - coverage)),
        "value_from_principals": value,
        "worker_gross_pay": gross,
        "worker_costs": costs,
        "subcontractor_margin": value - gross,
        "fines_paid": float(subs.fines.sum()),
        "pieces_ordered": float(subs.orders.sum()),
        "pieces_produced": float(w.pieces.sum()),
        "ump_monthly": ump,
        "floor_rate": policy.floor,
        "net_to_gross": _share(gross - costs, gross),
        "savings_mean": _mean(w.savings),
        "health_mean": _mean(w.health),
        "health_burden_share": _true_share(w.health < HEALTH_BURDEN),
        "blacklisted_share": _true_share(w.blacklisted_until > week),
        "intermediaries_failed_share": _true_share(subs.failed),
        "home_work_share": _true_share(w.in_home_work),
        "order_share_mean": _mean(subs.order_share),
        "agreements_active": int(np.count_nonzero(subs.has_agreement(week))),
        "policy_level": policy.policy_level,
        "statistics_inclusion": int(bool(policy.statistics_inclusion)),
        "c177_ratified": int(bool(policy.c177_ratified)),
        "pressure": float(state.pressure),
        "alliance_strength": float(net.alliance),
        "network_capacity": float(sum(net.hours.values())),
        "pos_ukk_posts": int(net.pos_ukk_posts),
        "coop_members": int(np.count_nonzero(w.coop)),
        "effort_closed": cube_space["closed"],
        "effort_invited": cube_space["invited"],
        "effort_claimed": cube_space["claimed"],
        "effort_local": cube_level["local"],
        "effort_national": cube_level["national"],
        "effort_global": cube_level["global"],
        "advocacy_absorbed": float(net.absorbed),
        "visible_power_acts": log.get(Count.INSPECTIONS) + log.get(Count.FINES) + log.get(Count.DECISIONS),
        "hidden_power_acts": log.get(Count.EXITS) + log.get(Count.RETALIATIONS) + log.get(Count.BLACKLISTED),
        "invisible_power_loss": framing_loss,
    }
