"""Phases 1 and 4 of the week: principals' orders, and subcontractors setting piece rates.

Vectorised over all subcontractors (length-M arrays) and workers (length-N arrays). The rules,
with their sources, are in docs/ODD.md §7 ("Orders", "Rate setting"):

* Unorganized pools get a monopsony offer, moved toward gradually (sticky rates) [brief §4.11].
* Pools the network organizes get the Nash rate [brief §4.9] with bargaining power built from
  density, participation, legal backing and alliances, capped by the members' patience
  (Rubinstein, [brief §4.10]).
* A recognized floor binds where the expected fine exceeds the gain from underpaying [brief §6].
* A subcontractor faced with a collective demand may answer by moving work away instead of
  signing (retaliation, [brief SF11]); one whose required rate exceeds its alternative cost
  moves orders away week by week (exit, [brief §4.8, §6]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rumahan.model import compiled
from rumahan.model import params as registry
from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.bargaining import monopsony_rates_by_pool, nash_piece_rate, patience_share, pool_rate_order
from rumahan.model.calendar import (
    HOUSEHOLD_SIZE,
    WEEKS_PER_MONTH,
    WEEKS_PER_YEAR,
    contract_price_index,
    poverty_line_monthly,
    price_index,
    seasonal_factor,
    ump_monthly,
)
from rumahan.model.consciousness import win
from rumahan.model.enforcement import deterred as is_deterred
from rumahan.model.enforcement import expected_fine_per_rupiah
from rumahan.model.events import Count, Event, WeekLog
from rumahan.model.numerics import clip
from rumahan.model.policy import Policy
from rumahan.model.pools import Pools

#: The principals' levers: the registry's levers of the principal group (the demand shock).
PRINCIPAL_LEVERS: tuple[str, ...] = tuple(
    p.name for p in registry.PARAMETERS if p.role == "lever" and p.group == "principal"
)


@dataclass(frozen=True)
class Bargaining:
    """What the network brings to the rate phase this week: whether it is active, the
    negotiations it can hold (``negotiation_slots``) and its alliance strength (0-1)."""

    active: bool
    negotiation_slots: int
    alliance: float


def place_orders(subcontractors: SubcontractorColumns, principals: Mapping[str, Any], policy: Policy,
                 params: Mapping[str, Any], week: int, rng: np.random.Generator) -> None:
    """Phase 1: each subcontractor's orders this week, in pieces [brief §2.2, SF4].

    ``orders = base_orders * season * exp(shock) / E[exp(shock)] * (1 - collapse) * (1 -
    order_relocation_per_year) ** years * order_share`` where ``shock`` is a stationary AR(1) in
    logs, ``collapse`` the demand shock the ``principals``' levers schedule
    (``demand_shock_week``, ``_weeks``, ``_depth``) and the relocation trend moves orders out of
    the area whatever happens in it [brief §4.8].

    Prices: ``base_price * contract price index + principal_pass_through * legal_backing * floor_reach *
    max(0, floor - last week's market offer)``: principals pay part of a legally required raise, as
    far as the law reaches their other suppliers and the floor covers the work.
    """
    p, subs = params, subcontractors
    rho, sd = p["order_shock_persistence"], p["order_shock_sd"]
    subs.shock[:] = rho * subs.shock + sd * rng.standard_normal(subs.m)
    stationary_var = sd**2 / (1.0 - rho**2)
    season = seasonal_factor(week, p["seasonal_amplitude"], p["seasonal_peak_week"])
    start, length = principals["demand_shock_week"], principals["demand_shock_weeks"]
    collapse = principals["demand_shock_depth"] if 0 <= start <= week < start + length else 0.0
    staying = (1.0 - p["order_relocation_per_year"]) ** (week / WEEKS_PER_YEAR)
    subs.orders[:] = (
        subs.base_orders * season * np.exp(subs.shock - stationary_var / 2) * (1.0 - collapse) * staying
        * subs.order_share
    )
    if p["intermediary_failure_rate"] > 0 or subs.failed.any():
        demand = np.exp(subs.shock - stationary_var / 2) * (1.0 - collapse)
        fail_or_replace_intermediaries(subs, demand, p, week, rng)
    # Before the first offers (week 0) there is no market rate yet, hence no raise to pass on.
    required_raise = np.where(subs.target > 0, floor_gap(subs.target, policy), 0.0)
    # Moving work elsewhere (transport, finding and training workers) costs what it costs at
    # today's prices: every rupiah constant follows the price level (nominal homogeneity).
    np.multiply(subs.base_relocation_cost, price_index(week, p["price_growth"]), out=subs.relocation_cost)
    subs.price[:] = (
        subs.base_price * contract_price_index(week, p["price_growth"], p["price_contract_weeks"])
        + p["principal_pass_through"] * policy.legal_backing * required_raise
    )


def fail_or_replace_intermediaries(subcontractors: SubcontractorColumns, demand: NDArray[np.float64],
                                   params: Mapping[str, Any], week: int, rng: np.random.Generator) -> None:
    """Intermediaries going out of business and being replaced [brief §2.2, §2.9]: one in business
    fails with probability ``intermediary_failure_rate * max(0, 1 - demand)``, ``demand`` being its
    orders over their normal seasonal level (the order shock and any collapse); its collective
    agreement ends with it. A failed intermediary's pool gets no orders until another takes it over,
    with probability ``intermediary_entry_rate`` a week, at the going offer. One uniform draw per
    intermediary, only while the mechanism acts. Its workers' lost work is a shock's lasting
    effect, and with ``home_work_exit_rate`` > 0 some of them stop taking home work."""
    subs, p = subcontractors, params
    draw = rng.random(subs.m)
    shortfall = np.maximum(1.0 - demand, 0.0)
    fails = ~subs.failed & (draw < p["intermediary_failure_rate"] * shortfall)
    replaced = subs.failed & (draw < p["intermediary_entry_rate"])
    subs.failed[fails] = True
    subs.failed[replaced] = False
    subs.agreement_until[fails] = np.minimum(subs.agreement_until[fails], week)
    subs.orders[subs.failed] = 0.0


def reservation_rates(workers: WorkerColumns, params: Mapping[str, Any], week: int,
                      during_talks: bool = False) -> NDArray[np.float64]:
    """Lowest piece rate each worker accepts, Rp/piece.

    ``(value of her hour * (1 + entitlement * consciousness)) / productivity + cost per piece +
    expected defect penalty per piece``: she needs her time, her costs and the penalty risk
    covered, and a sense of her rights makes her refuse more [brief §3.4]. With
    ``during_talks``, a cooperative member's hour is worth ``1 + coop_disagreement_uplift`` times
    more: her disagreement value in collective bargaining [brief §6]. With
    ``household_need_weight`` > 0 her hour is worth ``1 - household_need_weight * shortfall`` of
    itself, ``shortfall`` being her household's (``household_shortfall``) [brief §2.8]. Her hour's
    money value follows the price level to the power ``reservation_indexation`` (1: fully).
    """
    w, p = workers, params
    index = price_index(week, p["price_growth"])
    indexation = p["reservation_indexation"]
    time_index = index if indexation == 1.0 else index**indexation
    entitlement = p["entitlement_weight"] * p["channel_entitlement"]
    if compiled.enabled() and not during_talks:  # the same arithmetic in one compiled pass, to the bit
        return compiled.reservation_rates(
            w.reservation_hourly, w.consciousness, w.productivity, time_index, entitlement,
            p["household_need_weight"], p["household_other_income_median"] * _wage_index(p, week),
            p["reservation_hourly_median"], _household_line(p, week),
            (p["cost_per_piece"] + p["defect_rate"] * p["defect_penalty"]) * index)
    hourly = w.reservation_hourly * time_index * (1.0 + entitlement * w.consciousness)
    if p["household_need_weight"] > 0:
        hourly *= 1.0 - p["household_need_weight"] * household_shortfall(w, p, week)
    if during_talks:
        hourly = hourly * (1.0 + p["coop_disagreement_uplift"] * w.coop)
    return hourly / w.productivity + (p["cost_per_piece"] + p["defect_rate"] * p["defect_penalty"]) * index


def household_shortfall(workers: WorkerColumns, params: Mapping[str, Any], week: int) -> NDArray[np.float64]:
    """How far each worker's household falls short of the poor-household line from its other
    earners, 0-1: ``max(0, 1 - other income / line)``. Other income is
    ``household_other_income_median`` (Rp/month in 2023) times her hour's value over the median's
    (``reservation_hourly / reservation_hourly_median``: a household's position shows in both),
    growing with the UMP (an earner's wage); the line is the per-capita poverty line times
    ``HOUSEHOLD_SIZE`` [brief §2.7, §2.8]."""
    p = params
    other = (p["household_other_income_median"] * _wage_index(p, week)
             * workers.reservation_hourly / p["reservation_hourly_median"])
    return clip(1.0 - other / _household_line(p, week), 0.0, 1.0)


def _wage_index(params: Mapping[str, Any], week: int) -> float:
    """The UMP relative to week 0's: how other earners' wages grow."""
    return ump_monthly(week, params["ump_growth"]) / ump_monthly(0, params["ump_growth"])


def _household_line(params: Mapping[str, Any], week: int) -> float:
    """The poor-household line, Rp/month: the per-capita poverty line times ``HOUSEHOLD_SIZE``."""
    return poverty_line_monthly(week, params["poverty_line_growth"]) * HOUSEHOLD_SIZE


def weekly_capacity(workers: WorkerColumns, params: Mapping[str, Any], week: int) -> NDArray[np.float64]:
    """Pieces each worker (with helpers) can make this week: full capacity scaled by health and
    by the hours last week's collective action took; zero while blacklisted or out of home work."""
    w = workers
    if compiled.enabled():  # the same arithmetic in one compiled pass, to the bit
        return compiled.weekly_capacity(w.hours, w.productivity, w.helper_factor, w.health, w.participating,
                                        w.blacklisted_until, w.in_home_work, params["action_hours"], week)
    action_share = np.minimum(1.0, params["action_hours"] / w.hours) * w.participating
    available = (w.blacklisted_until <= week) & w.in_home_work
    return w.full_capacity() * w.health * (1.0 - action_share) * available


def bargaining_power(workers: WorkerColumns, subcontractors: SubcontractorColumns, pools: Pools, policy: Policy,
                     alliance: float, params: Mapping[str, Any], week: int) -> NDArray[np.float64]:
    """Each pool's bargaining power ``beta`` in [0, 1].

    ``beta = beta_unorganized + strength * (max(patience, beta_unorganized) - beta_unorganized)``
    with ``strength`` the weighted mean of membership density, participation, legal backing and
    alliance strength (weights ``weight_*``), and ``patience = r_f / (r_w + r_f)`` the Rubinstein
    share [brief §4.10] of members whose impatience ``r_w = worker_impatience / (1 + savings in
    weeks of the poverty line)`` falls as they save (a strike fund, cooperative credit).
    """
    p, subs, w = params, subcontractors, workers
    weekly_need = poverty_line_monthly(week, p["poverty_line_growth"]) / WEEKS_PER_MONTH
    members = pools.sum(w.member)
    savings = pools.sum(w.member * np.maximum(w.savings, 0.0))
    savings_weeks = np.divide(savings, members * weekly_need, out=np.zeros(subs.m), where=members > 0)
    patience = patience_share(p["worker_impatience"] / (1.0 + savings_weeks), p["firm_impatience"])
    weights = np.array([p[name] for name in registry.STRENGTH_WEIGHTS])
    strength = (
        weights[0] * subs.density
        + weights[1] * subs.participation
        + weights[2] * policy.legal_backing
        + weights[3] * alliance
    ) / weights.sum()
    beta0 = p["beta_unorganized"]
    return clip(beta0 + strength * (np.maximum(patience, beta0) - beta0), 0.0, 1.0)


def floor_gap(rate: NDArray[np.float64], policy: Policy) -> NDArray[np.float64]:
    """What a floor adds to a piece paid ``rate``, averaged over a subcontractor's work, Rp/piece:
    ``floor_reach * max(0, floor - rate)`` (framing books the rest as exempt micro-enterprise
    production [brief §2.14]). 0 without a floor."""
    return policy.floor_reach * np.maximum(policy.floor - rate, 0.0)


def meet_floor(rate: NDArray[np.float64], policy: Policy) -> NDArray[np.float64]:
    """The rate a subcontractor that complies with the floor pays, Rp/piece: the floor on the work
    it covers, ``rate`` on the exempt rest (``rate + floor_gap``; ``max(rate, floor)`` when the
    floor covers all work)."""
    if policy.floor_reach == 1.0:
        return np.maximum(rate, policy.floor)
    return rate + floor_gap(rate, policy)


def _rate_elsewhere(subs: SubcontractorColumns, policy: Policy) -> NDArray[np.float64]:
    """The unorganized market rate, raised toward the floor as far as the law reaches other
    suppliers (legal backing) and the floor covers the work, Rp/piece."""
    return subs.target + policy.legal_backing * floor_gap(subs.target, policy)


def alternative_cost(subcontractors: SubcontractorColumns, policy: Policy) -> NDArray[np.float64]:
    """What a piece would cost each subcontractor elsewhere, Rp/piece: the rate elsewhere plus
    its relocation cost; never more than its price [brief §4.9]."""
    subs = subcontractors
    return np.minimum(subs.price, _rate_elsewhere(subs, policy) + subs.relocation_cost)


def refusal_cost(subcontractors: SubcontractorColumns, policy: Policy, params: Mapping[str, Any]) -> NDArray[np.float64]:
    """What a piece costs each subcontractor while an organized pool refuses it (its
    alternative cost in collective talks, ``c_alt`` of the Nash rate [brief §4.9]), Rp/piece:
    getting it made elsewhere (the rate elsewhere, relocation, and ``replacement_cost_share`` of
    the price for finding, training and waiting for other workers), but never more than failing
    to deliver (the price forgone plus principals' ``late_penalty_share`` of it)."""
    subs, p = subcontractors, params
    elsewhere = _rate_elsewhere(subs, policy) + subs.relocation_cost + p["replacement_cost_share"] * subs.price
    return np.minimum(subs.price * (1.0 + p["late_penalty_share"]), elsewhere)


def set_rates(workers: WorkerColumns, subcontractors: SubcontractorColumns, pools: Pools, policy: Policy,
              network: Bargaining, params: Mapping[str, Any], week: int, rng: np.random.Generator, log: WeekLog,
              rate_order: NDArray[np.int64] | None = None) -> NDArray[np.int64]:
    """Phase 4: offers, agreements, floor compliance, exit and retaliation (module docstring).

    Reads the workers' ``reservation`` and ``capacity`` for this week (``reservation_rates``,
    ``weekly_capacity``). ``rate_order`` is last week's order of workers by pool and reservation
    rate (``None`` the first time): reservation rates move little from week to week, so
    re-sorting it is much cheaper than a fresh sort and gives exactly the same order
    (model/bargaining.py). Returns this week's order, for next week.
    """
    p, subs, w = params, subcontractors, workers
    order = pool_rate_order(w.reservation, w.pool, rate_order)
    subs.target[:] = monopsony_rates_by_pool(subs.price, w.reservation, w.capacity, subs.orders, w.pool, order,
                                             pools.runs)
    if week == 0:  # the first offers are the targets; from then on offers are sticky
        subs.offer[:] = subs.target
    else:
        gap = subs.target - subs.offer
        revised = np.abs(gap) > p["rate_revision_band"] * subs.offer
        subs.offer += p["rate_adjustment_speed"] * gap * revised
    subs.beta[:] = bargaining_power(w, subs, pools, policy, network.alliance, p, week)
    floor = policy.floor
    c_alt = alternative_cost(subs, policy)
    _negotiate(w, subs, pools, policy, network, p, week, rng, log)

    paid = subs.offer.copy()
    agreed = subs.has_agreement(week)
    np.maximum(paid, subs.agreement_rate, out=paid, where=agreed)  # paid[agreed] = max(paid, agreed rate)
    if floor > 0:
        expected_fine = expected_fine_per_rupiah(
            policy.inspection_probability, policy.detection, policy.fine_multiple, policy.back_pay_weeks
        )
        # Deterred subcontractors pay the floor if their price covers it; above their price they
        # cannot comply without a loss, so they keep underpaying and move orders away (exit).
        deterred = is_deterred(expected_fine, subs.risk_perception)
        lawful = meet_floor(paid, policy)  # once, from the offer: a blended rate is not blended again
        subs.complies[:] = (paid >= floor) | (deterred & (lawful <= subs.price))
        required = np.where(deterred, lawful, paid)
        paid[subs.complies] = lawful[subs.complies]
    else:
        subs.complies[:] = True
        required = paid
    # Never more than its own price: prices can fall under a sticky offer or a standing agreement.
    np.minimum(paid, subs.price, out=paid)
    subs.paid_rate[:] = paid
    subs.covered[:] = agreed | ((floor > 0) & subs.complies)
    _move_orders(subs, required, c_alt, p, log)
    return order


def _negotiate(w: WorkerColumns, subs: SubcontractorColumns, pools: Pools, policy: Policy, network: Bargaining,
               p: Mapping[str, Any], week: int, rng: np.random.Generator, log: WeekLog) -> None:
    """Put collective demands to the densest organized pools the network has slots for.

    A subcontractor answers a demand by moving work away (retaliation, [brief SF11]) with
    probability ``retaliation * (1 - legal_backing) * hidden_power_factor * price / (price +
    relocation_cost)`` (cheaper exit, more retaliation): it moves ``retaliation_shift`` of its
    orders and the network waits ``renegotiation_wait`` weeks. Otherwise they bargain: the rate is
    ``nash_piece_rate(d_w, refusal_cost, beta)`` with ``d_w`` the better of the members' capacity-weighted
    mean reservation rate during talks (a cooperative raises it) and the individual offer (open to
    them while talks last); an agreement is signed if it beats the offer and lasts
    ``agreement_weeks``. Members of pools that sign gain consciousness (a win).
    """
    agreed = subs.has_agreement(week)
    talks = network.active and p["channel_agreements"]
    free = network.negotiation_slots - int(agreed.sum()) if talks else 0
    if free <= 0:
        return
    open_to_talks = ~agreed & (subs.negotiation_blocked_until <= week)
    eligible = np.flatnonzero(open_to_talks & (subs.density >= p["min_bargaining_density"]) & (subs.density > 0))
    if eligible.size == 0:
        return
    chosen = eligible[np.argsort(-subs.density[eligible], kind="stable")[:free]]
    ease = subs.price[chosen] / (subs.price[chosen] + subs.relocation_cost[chosen])
    chance = subs.retaliation[chosen] * (1.0 - policy.legal_backing) * policy.hidden_power_factor * ease
    retaliates = rng.random(chosen.size) < chance
    punished = chosen[retaliates]
    if punished.size:
        subs.order_share[punished] *= 1.0 - p["retaliation_shift"]
        subs.negotiation_blocked_until[punished] = week + p["renegotiation_wait"]
        log.count(Count.RETALIATIONS, punished.size)
        log.record(Event.RETALIATION, f"{punished.size} subcontractor(s) moved work away after a demand")
    chosen = chosen[~retaliates]
    if chosen.size == 0:
        return
    reservation = reservation_rates(w, p, week, during_talks=True)
    weight = w.member * w.capacity
    total = pools.sum(weight)[chosen]
    mean_reservation = pools.sum(weight * reservation)[chosen]
    mean_reservation = np.divide(mean_reservation, total, out=np.zeros(chosen.size), where=total > 0)
    d_w = np.maximum(mean_reservation, subs.offer[chosen])
    rate = nash_piece_rate(d_w, refusal_cost(subs, policy, p)[chosen], subs.beta[chosen])
    better = rate > subs.offer[chosen]
    signed = chosen[better]
    subs.agreement_rate[signed] = rate[better]
    subs.agreement_until[signed] = week + p["agreement_weeks"]
    if signed.size:
        log.record(Event.AGREEMENTS_SIGNED, f"{signed.size} collective agreement(s)")
        win(w, p["win_gain"], pools=signed)


def _move_orders(subs: SubcontractorColumns, required: NDArray[np.float64], c_alt: NDArray[np.float64],
                 p: Mapping[str, Any], log: WeekLog) -> None:
    """Exit [brief §4.8, §6]: a subcontractor required to pay more than its alternative cost (by
    an agreement, or by a floor it is deterred from breaking) moves a share ``exit_elasticity *
    (required - c_alt) / c_alt`` of its orders away this week. Moved orders (by exit or
    retaliation) return at ``order_recovery`` a week while it does not exit."""
    excess = np.maximum(required - c_alt, 0.0) / np.maximum(c_alt, 1e-9)
    exit_share = np.minimum(1.0, p["exit_elasticity"] * p["channel_exit"] * excess)
    subs.order_share[:] = np.where(
        exit_share > 0,
        subs.order_share * (1.0 - exit_share),
        subs.order_share + p["order_recovery"] * (1.0 - subs.order_share),
    )
    log.count(Count.EXITS, np.count_nonzero(exit_share > 0))
