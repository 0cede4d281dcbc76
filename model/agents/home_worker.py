"""Home workers: their state as columns (one numpy array per variable) and a thin agent view.

Every weekly rule over home workers runs vectorised over ``WorkerColumns`` (DESIGN §8 "Speed");
a ``HomeWorker`` Mesa agent reads and writes one row, for inspection, the dashboard and Mesa's
tools. Units: money in Rp, capacity in pieces/week, hours per week, shares and indices in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from rumahan.model.agents.column_view import ColumnView

FULL_TIME_HOURS = 40.0  # hours/week at which health_strain applies in full


@dataclass
class WorkerColumns:
    """State of all home workers, one array per variable (length N).

    Fixed at set-up: ``pool`` (subcontractor index; changes only when workers switch
    subcontractors, ``switching_rate``, model 0.2), ``productivity`` (pieces/hour),
    ``hours`` (hours/week available), ``helper_factor`` (capacity multiplier from household
    helpers), ``reservation_hourly`` (Rp/hour, value of her time elsewhere), ``threshold``
    (participation threshold, share of neighbours), ``service_draw`` and ``coop_draw`` (fixed
    uniform draws deciding who a Pos UKK post or cooperative of limited size serves first).

    Changing weekly: ``reservation`` (Rp/piece, the lowest rate she accepts this week),
    ``consciousness``, ``member``, ``pos_ukk``, ``coop``, ``savings`` (Rp, >=
    -debt_limit), ``health``, ``blacklisted_until`` (week), ``participating``, ``contacted``
    (approached by organizers this week), ``in_home_work`` (she takes home work; False once she has
    stopped, ``home_work_exit_rate``), ``usual_pieces`` (her pieces a week on average, kept only
    while exit from home work can happen), and last week's ``pieces``, ``defects``, ``pay`` (Rp),
    ``costs`` (Rp), ``net`` (Rp), and this week's ``capacity`` (pieces).
    """

    pool: NDArray[np.int64]
    productivity: NDArray[np.float64]
    hours: NDArray[np.float64]
    helper_factor: NDArray[np.float64]
    reservation_hourly: NDArray[np.float64]
    threshold: NDArray[np.float64]
    service_draw: NDArray[np.float64]
    coop_draw: NDArray[np.float64]
    reservation: NDArray[np.float64]
    consciousness: NDArray[np.float64]
    member: NDArray[np.bool_]
    pos_ukk: NDArray[np.bool_]
    coop: NDArray[np.bool_]
    savings: NDArray[np.float64]
    health: NDArray[np.float64]
    blacklisted_until: NDArray[np.int64]
    participating: NDArray[np.bool_]
    contacted: NDArray[np.bool_]
    in_home_work: NDArray[np.bool_]
    usual_pieces: NDArray[np.float64]
    pieces: NDArray[np.float64]
    defects: NDArray[np.float64]
    pay: NDArray[np.float64]
    costs: NDArray[np.float64]
    net: NDArray[np.float64]
    capacity: NDArray[np.float64]

    @property
    def n(self) -> int:
        return int(self.pool.size)

    def full_capacity(self) -> NDArray[np.float64]:
        """Pieces a week she and her helpers could make in full health with all her hours."""
        return self.hours * self.productivity * self.helper_factor


def draw_workers(
    params: dict[str, Any], pool: NDArray[np.int64], member: NDArray[np.bool_], rng: np.random.Generator
) -> WorkerColumns:
    """Initial draws for all workers (DESIGN §2; distributions and sources in docs/ODD.md §5)."""
    n = pool.size
    productivity = params["productivity_median"] * np.exp(
        params["productivity_dispersion"] * rng.standard_normal(n)
    )
    hours = _gamma_with_mean_cv(params["hours_available_mean"], params["hours_dispersion"], n, rng)
    hours = np.clip(hours, 1.0, 84.0)
    helpers = rng.binomial(2, params["family_helpers_mean"] / 2.0, size=n)
    helper_factor = 1.0 + params["helper_capacity_share"] * helpers
    reservation_hourly = params["reservation_hourly_median"] * np.exp(
        params["reservation_dispersion"] * rng.standard_normal(n)
    )
    threshold = params["threshold_mean"] + params["threshold_sd"] * rng.standard_normal(n)
    spread = params["initial_consciousness_dispersion"]
    consciousness = np.clip(
        params["initial_consciousness_mean"] * np.exp(spread * rng.standard_normal(n) - spread**2 / 2)
        + params["member_consciousness_boost"] * member,
        0.0,
        1.0,
    )
    savings = _gamma_with_mean_cv(params["initial_savings_mean"], 1.0, n, rng)
    health = np.clip(1.0 - params["initial_health_spread"] * rng.random(n), 0.0, 1.0)
    zeros = np.zeros(n)
    return WorkerColumns(
        pool=pool,
        productivity=productivity,
        hours=hours,
        helper_factor=helper_factor,
        reservation_hourly=reservation_hourly,
        threshold=threshold,
        service_draw=rng.random(n),
        coop_draw=rng.random(n),
        reservation=np.zeros(n),
        consciousness=consciousness,
        member=member.copy(),
        pos_ukk=np.zeros(n, dtype=bool),
        coop=np.zeros(n, dtype=bool),
        savings=savings,
        health=health,
        blacklisted_until=np.full(n, -1, dtype=np.int64),
        participating=np.zeros(n, dtype=bool),
        contacted=np.zeros(n, dtype=bool),
        in_home_work=np.ones(n, dtype=bool),
        usual_pieces=zeros.copy(),
        pieces=zeros.copy(),
        defects=zeros.copy(),
        pay=zeros.copy(),
        costs=zeros.copy(),
        net=zeros.copy(),
        capacity=hours * productivity * helper_factor * health,
    )


def _gamma_with_mean_cv(mean: float, cv: float, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """Gamma draws with the given mean and coefficient of variation (the mean itself if cv = 0)."""
    if cv <= 1e-6 or mean <= 0:
        return np.full(n, float(mean))
    shape = 1.0 / cv**2
    return rng.gamma(shape, mean / shape, size=n)


class HomeWorker(ColumnView):
    """One woman home worker (pekerja rumahan): a view onto row ``row`` of ``model.workers``.

    Reading ``worker.consciousness`` returns her current value; assigning it writes the column.
    The weekly rules never go through these objects; they exist so that Mesa's tools, the
    dashboard and users can look at individual workers.
    """

    COLUMNS = "workers"
    FIELDS = frozenset(f.name for f in fields(WorkerColumns))

    @property
    def subcontractor(self) -> mesa.Agent:
        """The Subcontractor agent she takes work from."""
        return self.model.subcontractor_agents[int(self.model.workers.pool[self.row])]

    @property
    def neighbours(self) -> list[int]:
        """Rows of the workers she has ties with."""
        adj = self.model.graph.adjacency
        return adj.indices[adj.indptr[self.row]:adj.indptr[self.row + 1]].tolist()

    def __repr__(self) -> str:
        return (
            f"HomeWorker(row={self.row}, member={self.member}, consciousness={self.consciousness:.2f},"
            f" savings={self.savings:,.0f} Rp)"
        )
