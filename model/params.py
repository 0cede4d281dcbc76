"""The parameter registry: every model parameter defined once, with its unit, bounds and source.

This registry drives validation, ``PuttingOutModel``'s keyword arguments, the CLI's ``--set`` and
``--help``, the dashboard's widgets, sweep and sensitivity bounds, and the parameter table of
``docs/ODD.md`` (regenerate with ``make odd``, ``tools/odd_table.py``).

Sources cite the project's domain brief as ``[brief §N]`` (or a stylized fact as ``[brief SF N]``),
each label an entry with full citations in ``docs/sources.md``; a value the brief does not give is an
``assumption:`` with the reason. ``role`` follows the XLRM
framing: a **lever** is a policy or strategy choice (the state's, the network's, or a scenario's);
an **uncertainty** is an unknown of the world.

Pinned interface (DESIGN §6): ``PARAMETERS`` is a sequence of entries with attributes ``name``,
``default``, ``bounds`` (``(low, high)`` or the tuple of allowed values of a categorical
parameter), ``unit`` and ``role``.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rumahan.model.errors import RumahanInputError

Role = Literal["lever", "uncertainty"]
Kind = Literal["float", "int", "bool"]


class ParameterError(RumahanInputError):
    """A parameter name, value or combination that the model does not accept (one-line message).

    A ``ValueError`` (DESIGN §6), through ``RumahanInputError``."""


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes:
        name: keyword accepted by ``PuttingOutModel``.
        default: value used when the parameter is not given (``None`` only where ``meaning``
            says how the value is derived).
        bounds: ``(low, high)`` inclusive for numbers, or the tuple of allowed values.
        unit: unit of the value ("Rp/piece", "share", "weeks", ...).
        group: the agent or part of the world it belongs to.
        meaning: one line saying what it is.
        source: ``[brief §N]`` or ``assumption: why``.
        role: ``"lever"`` (policy/strategy choice) or ``"uncertainty"`` (unknown of the world).
        kind: ``"float"``, ``"int"`` or ``"bool"``.
        sampled: whether global sensitivity analysis and Latin-hypercube designs vary it by
            default (sizes and switches are not sampled).
        plausible: ``(low, high)`` that designs sample by default where the brief (or a stated
            assumption) gives a range; ``None`` means the default ± ``PLAUSIBLE_SPREAD``
            (see ``sample_range``). ``bounds`` say what the model accepts, ``plausible`` what
            is believable for Jakarta's home workers.
    """

    name: str
    default: Any
    bounds: tuple
    unit: str
    group: str
    meaning: str
    source: str
    role: Role
    kind: Kind = "float"
    sampled: bool = True
    plausible: tuple | None = None

    @property
    def is_categorical(self) -> bool:
        return self.kind == "bool"

    @property
    def sample_range(self) -> tuple[float, float]:
        """The range designs sample by default: ``plausible`` if given, else the default
        ± ``PLAUSIBLE_SPREAD`` (half of it), clipped to ``bounds``; the whole bounds when the
        default is 0 or that range would be empty (whole numbers are rounded outwards)."""
        if self.kind == "bool":
            raise ParameterError(f"parameter '{self.name}' is a switch and cannot be sampled over a range")
        low, high = (float(b) for b in self.bounds)
        if self.plausible is not None:
            return float(self.plausible[0]), float(self.plausible[1])
        if self.default is None:
            raise ParameterError(
                f"parameter '{self.name}' has no fixed default, so it has no plausible range to sample; give one "
                f"with --range {self.name}=LOW:HIGH (in a sweep spec: [sample] bounds = {{{self.name} = [LOW, HIGH]}})"
            )
        spread = abs(float(self.default)) * PLAUSIBLE_SPREAD
        lo, hi = max(low, self.default - spread), min(high, self.default + spread)
        if self.kind == "int":
            lo, hi = float(math.floor(lo)), float(math.ceil(hi))
        return (lo, hi) if lo < hi else (low, high)

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ``ParameterError``."""
        if self.kind == "bool":
            if _is_bool(value):
                return bool(value)
            if isinstance(value, numbers.Real) and value in (0, 1):
                return bool(value)
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is not a boolean; accepted: true or false"
            )
        # numbers.Real: Python's int and float and numpy's scalars (np.int64, np.float32, ...)
        if _is_bool(value) or not isinstance(value, numbers.Real):
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is not a number; "
                f"accepted: {self.describe_bounds()}"
            )
        value = int(value) if isinstance(value, numbers.Integral) else float(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is not finite; accepted: {self.describe_bounds()}"
            )
        low, high = self.bounds
        if isinstance(value, int) and not low <= value <= high:  # before float(): 10**400 has none
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is out of bounds; accepted: {self.describe_bounds()}"
            )
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ParameterError(
                    f"parameter '{self.name}' = {value!r} is not a whole number; "
                    f"accepted: {self.describe_bounds()}"
                )
            value = int(value)
        else:
            value = float(value)
        if not low <= value <= high:
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is out of bounds; accepted: {self.describe_bounds()}"
            )
        return value

    def describe_bounds(self) -> str:
        if self.kind == "bool":
            return "true or false"
        low, high = self.bounds
        unit = "" if self.unit == "0-1" else self.unit  # "0 to 1 0-1" would say it twice
        return f"{format_number(low)} to {format_number(high)} {unit}".rstrip()


def _is_bool(value: Any) -> bool:
    """Python's ``bool`` or a numpy boolean scalar (``numpy.bool_``)."""
    numpy_bool = getattr(getattr(value, "dtype", None), "kind", None) == "b" and getattr(value, "ndim", 1) == 0
    return isinstance(value, bool) or numpy_bool


def format_number(x: float) -> str:
    """A parameter value as the registry shows it: whole numbers of 1,000 and more with thousands
    separators (``2,000,000``), others in ``:g`` form (``0.15``, ``6e-07``)."""
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1000:
        x = int(x)
    return f"{x:,}" if isinstance(x, int) else f"{x:g}"


def _p(name, default, bounds, unit, group, meaning, source, role="uncertainty", kind="float", sampled=True,
       plausible=None):
    return Parameter(name, default, tuple(bounds), unit, group, meaning, source, role, kind, sampled,
                     None if plausible is None else tuple(plausible))


#: Default plausible range of a sampled parameter without an explicit one: its default ± 50 %.
#: Assumption: most defaults are calibrated guesses (see each source), and half their value either
#: way spans what is believable, while the registry's bounds span what the code accepts. Sampling
#: the whole bounds collapses many runs: in Rumahan 0.1.0's tutorial, 58 % of the Sobol runs ended
#: with almost no members; over plausible ranges none do (docs/tutorial.md, Q5).
PLAUSIBLE_SPREAD = 0.5


_BOOL = (False, True)

PARAMETERS: tuple[Parameter, ...] = (
    # --- Scale --------------------------------------------------------------------------------
    _p("n_workers", 2000, (10, 5_000_000), "workers", "scale",
       "number of women home workers in the simulated area",
       "assumption: the network's area holds a few thousand home workers; 375 were organized in "
       "Dec 2022 and the total is not counted [brief §2.6, §2.11, SF9]", kind="int", sampled=False),
    _p("n_subcontractors", None, (1, 500_000), "subcontractors", "scale",
       "number of subcontractors (perantara); default (None) is n_workers / 100, at least 2",
       "assumption: at least 2 competing intermediaries per locality, about 100 workers each "
       "[brief §2.9, §7]", kind="int", sampled=False),

    # --- The kampung social graph ---------------------------------------------------------------
    _p("rt_size", 40, (5, 500), "workers", "social_graph",
       "home workers per neighbourhood cluster (RT)",
       "assumption: an RT holds 30-50 households in dense kampung [brief §0, §4.3]", kind="int"),
    _p("ties_within_rt", 3, (0, 20), "ties/worker", "social_graph",
       "ties each worker starts with others in her RT (mean degree about twice this)",
       "assumption: a mean degree of about 6-10 in dense kampung [brief §0, §4.3]", kind="int"),
    _p("ties_adjacent_rt", 1, (0, 10), "ties/worker", "social_graph",
       "ties each worker starts with the neighbouring RT (wide bridges)",
       "[brief §4.3]: wide bridges carry complex contagion (Centola & Macy)", kind="int"),
    _p("long_tie_prob", 0.05, (0.0, 1.0), "probability", "social_graph",
       "probability a worker has one long tie to a random worker of the area",
       "[brief §4.3]: long ties matter less for complex contagion"),
    _p("pool_mixing", 0.2, (0.0, 1.0), "share", "social_graph",
       "share of workers who take work from a neighbouring locality's subcontractor",
       "[brief §2.9]: a worker may take work from 2 intermediaries"),
    _p("member_clustering", 0.4, (0.0, 1.0), "0-1", "social_graph",
       "how concentrated initial members are in organized RTs (0 = spread at random)",
       "assumption: organizing proceeds group by group, village by village [brief §2.11]"),

    # --- Home workers -------------------------------------------------------------------------
    _p("productivity_median", 11.0, (4.0, 20.0), "pieces/hour", "home_worker",
       "median pieces (insole pairs) a worker glues per hour working alone",
       "[brief §2.1, §7]: < 100 pairs/day alone; 60-100 pairs in an 8-hour day"),
    _p("productivity_dispersion", 0.15, (0.0, 0.6), "log-sd", "home_worker",
       "spread of productivity between workers (sd of log productivity)",
       "assumption: 15-60 min per shoe across models [brief §2.2] suggests wide spread"),
    _p("hours_available_mean", 48.0, (10.0, 70.0), "hours/week", "home_worker",
       "mean weekly hours a worker can give to homework after care duties",
       "[brief §2.2]: from morning after chores until afternoon, sometimes 8 p.m.; Mon-Fri plus "
       "some weekends"),
    _p("hours_dispersion", 0.3, (0.0, 0.6), "cv", "home_worker",
       "coefficient of variation of available hours (care burden differs)",
       "assumption: care burdens differ between households [brief §2.2]"),
    _p("family_helpers_mean", 1.0, (0.0, 2.0), "helpers", "home_worker",
       "mean number of household members who help (0-2 per worker)",
       "[brief §7, SF7]: 0-2 extra helpers; a family of 3 makes up to 300 pairs/day",
       plausible=(0.0, 2.0)),
    _p("helper_capacity_share", 0.5, (0.0, 1.0), "share", "home_worker",
       "capacity a helper adds, as a share of the worker's own",
       "assumption: helpers (children, husband) help part of the day [brief SF7]"),
    _p("reservation_hourly_median", 2200.0, (300.0, 15000.0), "Rp/hour", "home_worker",
       "median value of a worker's hour in its next-best use (sets her reservation piece rate)",
       "assumption: within the Rp500-2,000/h observed in shoe finishing [brief §2.3]; care duties "
       "leave few alternatives [brief §4.8]; calibrated to Rp275-300 rates (SF2)"),
    _p("reservation_dispersion", 0.15, (0.0, 0.8), "log-sd", "home_worker",
       "spread of reservation values between workers (sd of log)",
       "assumption: households differ in other income [brief §2.8]"),
    _p("reservation_indexation", 0.0, (0.0, 1.0), "elasticity", "home_worker",
       "how far the money value of her hour follows the price level: 1 fully (model 0.1), 0 not at "
       "all (it stays put in rupiah, as the customary pay of the informal work she could do instead)",
       "assumption [brief §4.8, SF2]: her alternatives are few and informal, and piece rates stayed "
       "flat in rupiah for years", sampled=True, plausible=(0.0, 1.0)),
    _p("household_need_weight", 0.2, (0.0, 1.0), "share", "home_worker",
       "how far her household's shortfall below its poverty line lowers the value she puts on her "
       "time: her hour is worth 1 - this x shortfall of itself",
       "[brief §2.8]: home work income is supplementary and survival is a household constraint; "
       "the weight is an assumption (docs/ODD.md §7.3)", sampled=True, plausible=(0.0, 0.5)),
    _p("household_other_income_median", 3_500_000.0, (0.0, 50_000_000.0), "Rp/month (2023)", "home_worker",
       "median income of her household from other earners in 2023, growing with the UMP; each "
       "household's is this times her hour's value over the median hour's (one position, two signs)",
       "assumption: below the Rp4.1-4.6 million poor-household line and the Rp4.9 million UMP of "
       "2023 [brief §2.7, §2.8]", sampled=False, plausible=(2_000_000.0, 5_000_000.0)),
    _p("entitlement_weight", 0.3, (0.0, 2.0), "share", "home_worker",
       "rise of the reservation rate at full consciousness (a worker who knows her rights refuses "
       "more)", "assumption: power within raises the rate a worker accepts as fair [brief §3.2, §3.4]"),
    _p("cost_per_piece", 15.0, (0.0, 150.0), "Rp/piece", "home_worker",
       "production cost the worker bears per piece (electricity, fans, own glue or thread)",
       "[brief §2.4]: electricity, water and fans are borne by workers; amounts not found, assumption"),
    _p("cost_per_week", 8000.0, (0.0, 150000.0), "Rp/week", "home_worker",
       "fixed weekly cost of a worker who works that week (transport of batches, fans)",
       "[brief §2.4]: transport Rp20,000/day for a self-transporting couple; most are delivered to, "
       "assumption"),
    _p("defect_rate", 0.0015, (0.0, 0.02), "share of pieces", "home_worker",
       "probability that a piece is spoiled and penalised",
       "assumption: not found [brief §7]; 0.15% makes penalties ~7% of pay"),
    _p("defect_penalty", 14000.0, (0.0, 30000.0), "Rp/piece", "home_worker",
       "penalty deducted per spoiled piece (never more than the week's pay)",
       "[brief §2.1, §2.4]: Rp14,000 per spoiled pair of sandals (2020)"),
    _p("savings_rate", 0.1, (0.0, 0.5), "share", "home_worker",
       "share of weekly net earnings put into household savings",
       "assumption: homework income is supplementary to a household budget [brief §2.8]"),
    _p("savings_drawdown", 0.02, (0.001, 0.2), "1/week", "home_worker",
       "share of savings spent each week on household needs",
       "assumption: gives a buffer of a few weeks' earnings at the steady state"),
    _p("initial_savings_mean", 200000.0, (0.0, 5_000_000.0), "Rp", "home_worker",
       "mean savings at the start",
       "assumption: a few weeks of earnings; Rp2 million loans are needed in emergencies [brief §2.4]"),
    _p("debt_limit", 2_000_000.0, (0.0, 10_000_000.0), "Rp", "home_worker",
       "the most a worker can owe (savings never fall below minus this)",
       "[brief §2.4]: a Rp2 million emergency loan from the work giver (2013)"),
    _p("health_strain", 0.006, (0.0, 0.05), "1/week", "home_worker",
       "health lost per week of 40 hours of work (glue fumes, strain)",
       "assumption, calibrated so that about half the workers carry a health burden [brief SF13]"),
    _p("health_recovery", 0.02, (0.0, 0.2), "1/week", "home_worker",
       "share of lost health recovered each week",
       "assumption, calibrated with health_strain [brief SF13]"),
    _p("medical_cost", 30000.0, (0.0, 300000.0), "Rp/week", "home_worker",
       "weekly medical spending of a worker in the worst health (scaled by lost health)",
       "assumption: treatment is partly covered by state programmes for the poor [brief §2.5]"),

    # --- Consciousness, membership, collective action ------------------------------------------
    _p("initial_health_spread", 0.1, (0.0, 0.5), "0-1", "home_worker",
       "initial health is drawn uniformly between 1 minus this and 1",
       "assumption: the health burden builds up over years of work [brief SF13]; the starting "
       "spread is not in the brief", sampled=False),
    _p("initial_consciousness_mean", 0.2, (0.0, 1.0), "0-1", "home_worker",
       "mean consciousness (power within) of non-members at the start",
       "[brief §6]: women 'did not consider their status as workers' before training (BITRA); "
       "level is an assumption"),
    _p("member_consciousness_boost", 0.35, (0.0, 1.0), "0-1", "home_worker",
       "extra consciousness of initial members",
       "assumption: members have been through the network's training [brief §1]"),
    _p("initial_consciousness_dispersion", 0.5, (0.0, 1.5), "log-sd", "home_worker",
       "spread of non-members' initial consciousness around its mean (log-normal, mean kept)",
       "assumption: some women already see themselves as workers, most do not [brief §6]; the "
       "shape is not in the brief", sampled=False),
    _p("social_influence", 0.03, (0.0, 0.3), "1/week", "home_worker",
       "weekly pull of a worker's consciousness toward her neighbours' mean",
       "assumption: dense kampung ties [brief §0, §4.3]"),
    _p("experience_gain", 0.01, (0.0, 0.1), "1/week", "home_worker",
       "consciousness gained per week of taking part in collective action (share of the gap to 1)",
       "assumption: Freire's praxis [brief §3.3]"),
    _p("win_gain", 0.05, (0.0, 0.3), "0-1", "home_worker",
       "consciousness gained by members when the network wins (agreement, concession, ruling)",
       "assumption [brief §3.3]"),
    _p("defeat_loss", 0.05, (0.0, 0.3), "0-1", "home_worker",
       "share of consciousness lost by members after a defeat (rejected review)",
       "assumption [brief §2.14]: the 2023 rejection"),
    _p("consciousness_decay", 0.004, (0.0, 0.05), "1/week", "home_worker",
       "share of consciousness that fades each week without reinforcement",
       "assumption: Freire's 'culture of silence' reasserts itself without praxis [brief §3.3]"),
    _p("framing_erosion", 0.005, (0.0, 0.05), "1/week", "state",
       "share of consciousness lost per week under full micro-entrepreneur framing",
       "assumption: invisible power [brief §3.1, §3.4b]"),
    _p("initial_membership", 0.15, (0.0, 1.0), "share of workers", "network",
       "share of workers who are network members at the start",
       "[brief §2.11, SF9]: 375 organized in Dec 2022; the area's total is unknown, assumption"),
    _p("join_rate", 0.03, (0.0, 0.2), "1/week", "home_worker",
       "weekly joining probability of a fully conscious worker whose neighbours are all members",
       "assumption, calibrated with volunteer_hours_per_member to slow growth [brief SF9]", plausible=(0.02, 0.04)),
    _p("home_work_exit_rate", 0.01, (0.0, 1.0), "1/week", "home_worker",
       "weekly probability that a woman who got none of her usual work stops taking home work; "
       "scaled by how far this week's pieces fall short of her usual (home_work_memory)",
       "assumption [brief §2.8, §4.8]: home work is supplementary and women leave it when it dries "
       "up; a shock's lasting effect (docs/ODD.md §7.4)", sampled=True, plausible=(0.005, 0.05)),
    _p("home_work_entry_rate", 0.02, (0.0, 1.0), "1/week", "home_worker",
       "weekly probability that a woman who stopped takes home work again (only matters when "
       "home_work_exit_rate > 0)",
       "assumption: about a year out on average; an intermediary is often a neighbour a few "
       "steps away [brief §2.9]", sampled=False, plausible=(0.005, 0.05)),
    _p("home_work_memory", 26.0, (1.0, 520.0), "weeks", "home_worker",
       "how long a woman's sense of her usual amount of work lasts (the span of the exponential "
       "average that exit from home work compares this week's pieces with)",
       "assumption: about half a year, two seasons of orders [brief §2.2, SF4]", sampled=False,
       plausible=(8.0, 52.0)),
    _p("member_turnover", 0.004, (0.0, 0.05), "1/week", "home_worker",
       "weekly probability that a member leaves for reasons unrelated to her consciousness (moving, "
       "childbirth, illness, leaving home work)",
       "assumption [brief §2.11, SF9]: membership stays small; a floor under leaving bounds it "
       "(docs/ODD.md §7.8)", sampled=True, plausible=(0.002, 0.006)),
    _p("joining_free_riding", 1.0, (0.0, 1.0), "share", "home_worker",
       "how far a pool's membership density takes away the collective motive to join: a non-member's "
       "joining propensity from the collective good is 1 - this x density (selective incentives "
       "stay)",
       "[brief §4.7]: a rate won by a group goes to everyone its intermediary serves, so free riding "
       "is predicted; size assumption", sampled=True, plausible=(0.5, 1.0)),
    _p("switching_rate", 0.0, (0.0, 1.0), "1/week", "home_worker",
       "weekly probability that a worker whose neighbours' subcontractor pays more moves to it, at a "
       "relative rate gap of 1 or more (scaled by the gap below that); 0 in model 0.1",
       "assumption [brief §8 Q1: competition among intermediaries; §4.6: workers compare rates with "
       "their neighbours]: care work keeps exit costly [brief §4.8], so moves are rare (docs/ODD.md §7.1)",
       sampled=False, plausible=(0.0, 0.05)),
    _p("member_upkeep_hours", 0.2, (0.0, 5.0), "organizer-hours/week per member", "network",
       "organizing hours each member needs to stay in touch (group meetings, dues collection, "
       "follow-up); the staff's share of the network's organizing hours serves members first and recruits "
       "with the rest",
       "assumption [brief §2.11, SF9]: a network holds only as many members as its organizers can "
       "keep in touch with (span of care); 0.2 is about 50 minutes a month "
       "(docs/ODD.md §7.8)", sampled=True, plausible=(0.15, 0.3)),
    _p("unserved_leave_rate", 0.05, (0.0, 1.0), "1/week", "home_worker",
       "weekly probability that a member the network's organizers cannot keep in touch with drifts "
       "away (times the unserved share of members)",
       "assumption: a member nobody visits for a few months stops coming [brief §2.11, SF9]",
       sampled=True, plausible=(0.02, 0.1)),
    _p("leave_rate", 0.006, (0.0, 0.2), "1/week", "home_worker",
       "weekly leaving probability of a member with no consciousness",
       "assumption, calibrated to slow growth [brief SF9]"),
    _p("dues_weekly", 1000.0, (0.0, 20000.0), "Rp/week", "network",
       "membership dues",
       "assumption: dues and volunteer time fund the network, with allied NGOs [brief §0]"),
    _p("selective_incentive_weight", 1.0, (0.0, 5.0), "factor", "network",
       "extra joining propensity of workers served by Pos UKK or a cooperative",
       "[brief §4.4, §4.7, §6]: selective incentives (Olson, Oliver)"),
    _p("threshold_mean", 0.25, (0.0, 1.0), "share of neighbours", "home_worker",
       "mean participation threshold (share of neighbours acting before she acts)",
       "[brief §4.1, §7]: Granovetter, normal thresholds with mean 0.25"),
    _p("threshold_sd", 0.12, (0.0, 0.5), "share of neighbours", "home_worker",
       "spread of participation thresholds",
       "[brief §4.1, §7]: near the critical band 0.10-0.12"),
    _p("grievance_weight", 0.3, (0.0, 1.0), "share of neighbours", "home_worker",
       "how far full grievance lowers a member's threshold",
       "[brief §4.5]: Epstein's G = H(1 - L); assumption for the weight"),
    _p("risk_weight", 0.3, (0.0, 1.0), "share of neighbours", "home_worker",
       "how far full retaliation risk raises a member's threshold",
       "[brief §4.5]: Epstein's net risk; thin savings raise it; assumption for the weight"),
    _p("action_hours", 3.0, (0.0, 20.0), "hours/week", "home_worker",
       "working hours a participant gives to collective action in a week",
       "assumption: meetings and actions take time from paid work"),
    _p("organizer_consciousness", 0.75, (0.0, 1.0), "0-1", "network",
       "consciousness at which a member acts as an organizer (always seeds collective action)",
       "assumption: organizers are the most conscious members and seed collective action (ODD §7.7)"),

    # --- Principal firms and subcontractors ------------------------------------------------------
    _p("principal_price", 420.0, (250.0, 2000.0), "Rp/piece", "principal",
       "mean price principal firms pay a subcontractor per piece",
       "assumption: intermediary margin not found [brief §2.9, §7]; ~30% margin at Rp290 rates; plausible: a 10-50% margin",
       plausible=(320.0, 600.0)),
    _p("principal_pass_through", 0.5, (0.0, 1.0), "share", "principal",
       "share of a legally required rate increase that principals add to their price, as far as "
       "the law reaches the whole chain",
       "assumption: the piece rate is 0.13% of the retail price, so principals could absorb it "
       "[brief §2.1]; how much they do is not found"),
    _p("price_dispersion", 0.05, (0.0, 0.3), "log-sd", "principal",
       "spread of prices between subcontractors",
       "[brief §2.1, §7]: two intermediaries pay Rp275 and Rp300 (~10% apart)"),
    _p("price_growth", 0.03, (-0.05, 0.15), "1/year", "principal",
       "annual growth of principals' prices and of the money value of workers' time and costs",
       "assumption: consumer-price inflation of about 3% a year; the brief's rates (Rp300 per pair "
       "in 2020, Rp275-300 in 2023 [brief §2.1]) show at most slow nominal growth"),
    _p("price_contract_weeks", 52, (1, 520), "weeks", "principal",
       "how long principals hold a nominal piece price: prices catch up with the price level only "
       "at each renewal (every this many weeks from January 2023); 1: every week (model 0.1)",
       "assumption: buyers price a season's or a year's contract in rupiah [brief §2.1, SF2: rates "
       "held at Rp275-300 for years]", kind="int", sampled=True, plausible=(26, 104)),
    _p("order_relocation_per_year", 0.0, (0.0, 0.5), "1/year", "principal",
       "share of the area's base orders principals move to cheaper regions each year, whatever "
       "happens in the area (an exogenous trend; orders moved by exit or retaliation come on top); "
       "0 in model 0.1",
       "assumption [brief §4.8, SF11]: moving work is cheap for firms; the trend's size is not "
       "found", sampled=False, plausible=(0.0, 0.05)),
    _p("intermediary_failure_rate", 0.01, (0.0, 1.0), "1/week", "subcontractor",
       "weekly probability that an intermediary goes out of business, times how far its orders fall "
       "short of their normal seasonal level (a collapse of demand)",
       "assumption [brief §2.2, §2.9]: small intermediaries, often neighbours, live from orders that "
       "stopped under COVID-19; failure rates not found", sampled=True, plausible=(0.002, 0.02)),
    _p("intermediary_entry_rate", 0.05, (0.0, 1.0), "1/week", "subcontractor",
       "weekly probability that another intermediary takes over the pool of one that failed (only "
       "matters when intermediary_failure_rate > 0)",
       "assumption: about five months without an intermediary; factory workers and ex-workers "
       "become intermediaries [brief §2.9]", sampled=False, plausible=(0.01, 0.2)),
    _p("order_capacity_ratio", 1.0, (0.1, 2.0), "share", "principal",
       "base weekly orders as a share of the pool's working capacity",
       "[brief SF4]: workers wait for orders; level is an assumption (seasonal and shocked orders "
       "exceed or fall short of capacity)"),
    _p("seasonal_amplitude", 0.2, (0.0, 0.8), "share", "principal",
       "amplitude of seasonal order swings",
       "[brief §2.2, SF4]: seasonal work, peaks December-May"),
    _p("seasonal_peak_week", 9, (0, 51), "week of year", "principal",
       "week of the year when orders peak", "[brief §2.2]: season December-May, centred in March",
       kind="int"),
    _p("order_shock_persistence", 0.9, (0.0, 0.99), "per week", "principal",
       "autocorrelation of each subcontractor's order shock (AR(1) in logs)",
       "assumption: lumpy orders, idle spells [brief SF4]"),
    _p("order_shock_sd", 0.1, (0.0, 0.5), "log-sd", "principal",
       "weekly innovation of the order shock",
       "assumption: 'again unemployed, waiting for new orders' [brief SF4]"),
    _p("demand_shock_week", -1, (-1, 5200), "week", "principal",
       "week a scheduled demand collapse starts (-1: none)",
       "[brief §2.2]: orders stopped under COVID-19 (2020)", role="lever", kind="int", sampled=False),
    _p("demand_shock_weeks", 0, (0, 520), "weeks", "principal",
       "duration of the scheduled demand collapse", "[brief §2.2]", role="lever", kind="int",
       sampled=False),
    _p("demand_shock_depth", 0.0, (0.0, 1.0), "share", "principal",
       "share of orders lost during the scheduled collapse", "[brief §2.2]", role="lever",
       sampled=False),
    _p("rate_revision_band", 0.1, (0.0, 0.5), "share", "subcontractor",
       "a subcontractor revises its nominal offer only when its target is more than this share away "
       "from it (custom, the cost of changing a rate); 0: every week (model 0.1)",
       "[brief SF2, §2.1]: insole rates were Rp300 a pair in 2020 and Rp275-300 in 2023 while the UMP "
       "rose; band size assumption", sampled=True, plausible=(0.05, 0.3)),
    _p("replacement_cost_share", 0.4, (0.0, 2.0), "share of price", "subcontractor",
       "cost per piece of finding, training and waiting for other workers while an organized pool "
       "refuses work, as a share of the principal's price",
       "assumption [brief §4.9: the giver's cost of getting the piece done elsewhere; §4.8]",
       sampled=True, plausible=(0.05, 0.5)),
    _p("late_penalty_share", 0.3, (0.0, 1.0), "share of price", "principal",
       "what principals charge a subcontractor for a piece delivered late or not at all, as a "
       "share of the price; it caps what a refusal can cost it",
       "assumption [brief SF4]: rush orders with fixed deadlines ('24 hours'); size not found",
       sampled=True, plausible=(0.0, 0.5)),
    _p("rate_adjustment_speed", 0.1, (0.01, 1.0), "1/week", "subcontractor",
       "share of the gap to its target offer a subcontractor closes each week (rates are sticky)",
       "assumption: rates stayed near Rp300 from 2020 to 2023 [brief §2.1]"),
    _p("relocation_cost", 60.0, (0.0, 500.0), "Rp/piece", "subcontractor",
       "mean cost per piece of moving work to other workers or places",
       "not found [brief §4.8, §8 Q3]: qualitative evidence of relocation after demands (SF11)"),
    _p("relocation_cost_dispersion", 0.5, (0.05, 2.0), "cv", "subcontractor",
       "coefficient of variation of relocation costs across subcontractors (gamma, mean kept)",
       "assumption: intermediaries differ in their other options [brief §4.8]; the spread is not "
       "in the brief", sampled=False),
    _p("retaliation_propensity", 0.2, (0.0, 1.0), "0-1", "subcontractor",
       "mean propensity of a subcontractor to answer a collective demand by moving work away",
       "[brief SF11]: 'the work giver moved the work elsewhere'; level assumption"),
    _p("retaliation_concentration", 4.0, (0.5, 100.0), "beta a + b", "subcontractor",
       "concentration of the beta distribution of retaliation propensities around their mean "
       "(higher: more alike)", "assumption: some intermediaries retaliate, others do not [brief "
       "SF11]; the spread is not in the brief", sampled=False),
    _p("retaliation_shift", 0.3, (0.0, 1.0), "share of orders", "subcontractor",
       "share of orders moved away in one act of retaliation",
       "assumption [brief SF11, §4.8]"),
    _p("renegotiation_wait", 26, (1, 260), "weeks", "network",
       "weeks before the network tries again with a subcontractor that retaliated",
       "assumption", kind="int"),
    _p("blacklist_probability", 0.05, (0.0, 1.0), "1/week", "subcontractor",
       "weekly probability that a retaliating subcontractor blacklists an organizer who acts",
       "[brief SF11, §4.5]; assumption"),
    _p("blacklist_weeks", 12, (0, 104), "weeks", "subcontractor",
       "weeks a blacklisted worker gets no orders",
       "assumption [brief §4.5]: Epstein's jail as loss of orders", kind="int"),
    _p("order_recovery", 0.05, (0.0, 0.5), "1/week", "subcontractor",
       "share of moved orders that return each week once the cause is gone",
       "assumption"),
    _p("exit_elasticity", 0.2, (0.0, 5.0), "1/week", "subcontractor",
       "share of orders moved per week per unit of relative excess of the required rate over the "
       "alternative cost", "assumption [brief §4.8, §6]: firm exit when a floor exceeds alternatives; "
       "moving work takes months (a 20% excess moves 4% of orders a week)"),
    _p("beta_unorganized", 0.1, (0.0, 0.2), "0-1", "subcontractor",
       "bargaining power of an unorganized pool",
       "[brief §7]: beta 0-0.2 unorganized",
       plausible=(0.0, 0.2)),
    _p("worker_impatience", 0.05, (0.001, 0.5), "1/week", "home_worker",
       "discount rate of a worker with no savings ('we must eat every day')",
       "[brief §4.10]; level assumption"),
    _p("firm_impatience", 0.01, (0.001, 0.5), "1/week", "subcontractor",
       "subcontractor's discount rate while a negotiation lasts",
       "[brief §4.10]; assumption"),
    _p("weight_density", 0.4, (0.0, 1.0), "weight", "network",
       "weight of membership density in a pool's organizational strength",
       "assumption: union density [brief §4.9]"),
    _p("weight_participation", 0.3, (0.0, 1.0), "weight", "network",
       "weight of participation in collective action in organizational strength",
       "assumption [brief §4.9]"),
    _p("weight_legal", 0.2, (0.0, 1.0), "weight", "network",
       "weight of legal backing in organizational strength", "assumption [brief §6]"),
    _p("weight_alliances", 0.1, (0.0, 1.0), "weight", "network",
       "weight of alliances in organizational strength", "assumption [brief §1, §3.1]"),

    # --- The advocacy network (JPRJ) ------------------------------------------------------------
    _p("network_active", True, _BOOL, "", "network",
       "whether the workers' network exists and acts", "[brief §1]", role="lever", kind="bool",
       sampled=False),
    _p("network_base_capacity", 120.0, (0.0, 2500.0), "organizer-hours/week per 1,000 workers", "network",
       "organizer hours from allied NGOs and staff, before members' volunteering",
       "assumption: TURC supports the Jakarta groups [brief §0]", role="lever", plausible=(80.0, 160.0)),
    _p("volunteer_free_riding", 1.0, (0.0, 1.0), "0-1", "network",
       "how far each member's volunteering falls as the network grows: hours per member x (1 - this "
       "x membership share)", "[brief §4.7]: Olson's free riding in large groups; "
       "size assumption", sampled=True, plausible=(0.3, 1.0)),
    _p("volunteer_hours_per_member", 0.2, (0.0, 10.0), "hours/week", "network",
       "organizer hours each member volunteers",
       "assumption, calibrated with join_rate so membership grows slowly [brief SF9] (docs/ODD.md §7.8)", plausible=(0.1, 0.4)),
    _p("effort_consciousness", 0.25, (0.0, 1.0), "weight", "network",
       "weight of consciousness-raising in the capacity allocation (weights are normalized)",
       "[brief §1]: JPRJ cultivates critical consciousness", role="lever"),
    _p("effort_organizing", 0.2, (0.0, 1.0), "weight", "network",
       "weight of organizing (recruiting) in the capacity allocation",
       "[brief §1, §2.11]", role="lever"),
    _p("effort_bargaining", 0.15, (0.0, 1.0), "weight", "network",
       "weight of collective bargaining with subcontractors",
       "[brief SF10]: SPRS negotiated higher piece rates", role="lever"),
    _p("effort_advocacy", 0.2, (0.0, 1.0), "weight", "network",
       "weight of legal and policy advocacy toward the state",
       "[brief §1, §2.14]: judicial review, draft regulation", role="lever"),
    _p("effort_alternatives", 0.15, (0.0, 1.0), "weight", "network",
       "weight of alternative spaces: Pos UKK posts and cooperatives",
       "[brief §1, §2.14]", role="lever"),
    _p("effort_alliances", 0.05, (0.0, 1.0), "weight", "network",
       "weight of alliance building (NGOs, Komnas Perempuan, unions)",
       "[brief §1, §0]", role="lever"),
    _p("hours_per_outreach", 2.0, (0.25, 40.0), "hours/worker", "network",
       "organizer hours to reach one worker with consciousness-raising", "assumption"),
    _p("outreach_gain", 0.1, (0.0, 0.5), "0-1", "network",
       "share of the gap to full consciousness closed by one outreach contact",
       "assumption [brief §6]: training changes self-perception"),
    _p("hours_per_recruitment", 3.0, (0.25, 40.0), "hours/worker", "network",
       "organizer hours to approach one worker about joining", "assumption"),
    _p("recruitment_success", 0.1, (0.0, 1.0), "probability", "network",
       "chance that a fully conscious worker approached by organizers joins that week",
       "assumption, calibrated to slow membership growth [brief SF9]"),
    _p("hours_per_negotiation", 8.0, (1.0, 400.0), "hours/week", "network",
       "organizer hours a week needed to hold one collective negotiation or agreement",
       "assumption: a meeting or two with the intermediary and the group's preparation", plausible=(4.0, 16.0)),
    _p("min_bargaining_density", 0.3, (0.0, 1.0), "share of pool", "network",
       "membership density a pool needs before the network bargains for it",
       "assumption: union recognition thresholds [brief §4.9]"),
    _p("agreement_weeks", 52, (4, 520), "weeks", "network",
       "length of a collective agreement before renegotiation", "assumption", kind="int"),
    _p("invited_space_share", 0.5, (0.0, 1.0), "share", "network",
       "share of advocacy spent in state-invited spaces (the rest in claimed spaces)",
       "[brief §3.1, §3.4a]: hearings, audiences vs. festivals, courts", role="lever"),
    _p("claimed_space_efficacy", 0.5, (0.0, 1.0), "factor", "network",
       "pressure per advocacy hour in claimed spaces, relative to a genuine invited space",
       "assumption [brief §3.1]"),
    _p("participation_pressure", 2.0, (0.0, 10.0), "factor", "network",
       "extra advocacy pressure at full participation in collective action",
       "assumption: power with backs advocacy [brief §1]"),
    _p("pos_ukk_share", 0.5, (0.0, 1.0), "share", "network",
       "share of the alternatives effort given to Pos UKK posts (the rest to cooperatives)",
       "assumption [brief §1]", role="lever"),
    _p("hours_per_pos_ukk", 10.0, (1.0, 100.0), "hours/week", "network",
       "organizer hours a week to run one Pos UKK post",
       "[brief §2.14]: a post run by 3 trained cadres"),
    _p("members_per_pos_ukk", 50, (5, 500), "workers", "network",
       "workers one Pos UKK post serves", "[brief §2.14]: a Cilegon post with 50 members",
       kind="int"),
    _p("pos_ukk_health_protection", 0.4, (0.0, 1.0), "share", "network",
       "share of health strain a Pos UKK avoids (masks, training, early treatment)",
       "[brief §6]: Pos UKK members report PPE use, free treatment; size assumption"),
    _p("hours_per_coop_member", 0.5, (0.05, 10.0), "hours/week", "network",
       "organizer hours a week to keep one worker in a cooperative", "assumption"),
    _p("coop_disagreement_uplift", 0.3, (0.0, 2.0), "share", "network",
       "rise of a cooperative member's value of time while collective talks fail (an outside "
       "option: cooperative work and credit)",
       "[brief §6]: cooperatives raise the worker's disagreement point d_w; size assumption"),
    _p("coop_savings_boost", 2000.0, (0.0, 50000.0), "Rp/week", "network",
       "weekly cooperative credit or savings a member gains",
       "[brief §4.10]: cooperative credit lowers impatience; size assumption"),
    _p("alliance_gain", 0.006, (0.0, 0.1), "per (hour per 1,000 workers)", "network",
       "growth of alliance strength per organizer hour per 1,000 workers (toward 1)", "assumption"),
    _p("alliance_decay", 0.01, (0.0, 0.2), "1/week", "network",
       "weekly decay of alliance strength", "assumption"),
    _p("alliance_pressure", 1.0, (0.0, 5.0), "factor", "network",
       "extra pressure and capacity at full alliance strength",
       "[brief §3.1]: horizontal alliances multiply power"),
    _p("legal_share_of_advocacy", 0.2, (0.0, 1.0), "share", "network",
       "share of advocacy hours that builds legal capacity for a judicial review",
       "[brief §1, §2.14]"),
    _p("judicial_review_cost", 2000.0, (5.0, 50000.0), "organizer-hours per 1,000 workers", "network",
       "legal capacity needed to file a judicial review",
       "assumption: the 2022 petition needed lawyers and experts [brief §2.14]; at the status "
       "quo's advocacy the network can file again every 4-5 years"),
    _p("judicial_review_weeks", 28, (1, 260), "weeks", "state",
       "weeks from filing to the court's decision",
       "[brief §2.14]: filed 21 Jul 2022, decided 31 Jan 2023 (28 weeks)", kind="int"),
    _p("judicial_review_success", 0.1, (0.0, 1.0), "probability", "state",
       "chance a review succeeds without framing and with no legal backing (scaled by 1 - framing "
       "and 1 + legal backing)",
       "assumption [brief §2.14, SF12]: the 2023 review was rejected in full; 3% under the status quo"),
    _p("historical_review_rejected", True, _BOOL, "", "state",
       "the 2022 review (75/PUU-XX/2022) is pending at the start and rejected in week 4 (31 Jan "
       "2023), as happened", "[brief §2.14]", kind="bool", sampled=False),

    # --- The state ----------------------------------------------------------------------------
    _p("framing_intensity", 0.7, (0.0, 1.0), "0-1", "state",
       "intensity of reframing home workers as micro-entrepreneurs (invisible power)",
       "[brief §3.4b, §2.14]: Industri Rumahan programme, PP 36/2021 exemption", role="lever"),
    _p("framing_floor_exemption", 0.5, (0.0, 1.0), "share of work at full framing", "state",
       "share of home work booked as micro-enterprise production, outside a piece-rate floor, at full "
       "framing: a floor covers 1 - this x framing_intensity of each subcontractor's work",
       "[brief §2.14, SF12]: PP 36/2021 Art. 36 exempts micro and small enterprises from the minimum "
       "wage; the share is an assumption (docs/ODD.md §7.5)", sampled=True, plausible=(0.0, 0.6)),
    _p("tokenism", 0.8, (0.0, 1.0), "share", "state",
       "share of advocacy in invited spaces absorbed without effect (0 = genuine participation)",
       "[brief §3.4a]: hearings and audiences with no policy result", role="lever"),
    _p("tokenism_demobilization", 0.003, (0.0, 0.05), "1/week", "state",
       "consciousness members lose per week at full tokenism in invited spaces (disappointment)",
       "[brief §3.4a, §8 Q5]: demobilization vs radicalization unknown; assumption"),
    _p("recognition", False, _BOOL, "", "state",
       "home workers are legally recognized as workers (national regulation)",
       "[brief §2.14, §6]: not the case today", role="lever", kind="bool", sampled=False),
    _p("statistics_inclusion", False, _BOOL, "", "state",
       "home workers are counted in labour statistics and intermediaries registered",
       "[brief §2.6, §2.12 R184 paras 4, 6]", role="lever", kind="bool", sampled=False),
    _p("c177_ratified", False, _BOOL, "", "state",
       "Indonesia has ratified ILO C177 (Home Work Convention)",
       "[brief §2.12]: not ratified", role="lever", kind="bool", sampled=False),
    _p("floor_share", 0.0, (0.0, 1.5), "share of UMP-equivalent", "state",
       "legal piece-rate floor as a share of the UMP's hourly equivalent at the reference "
       "productivity (0 = no floor)",
       "[brief §2.14, §6]: Thailand's Sec. 16 time-equivalent rule", role="lever"),
    _p("floor_reference_productivity", 11.0, (4.0, 20.0), "pieces/hour", "state",
       "productivity used to turn the hourly UMP into a piece-rate floor",
       "[brief §2.14]: as in Thailand's Act; the median gluer [brief §2.1]", role="lever"),
    _p("inspection_probability", 0.0, (0.0, 1.0), "1/week", "state",
       "weekly probability that a subcontractor is inspected", "[brief §6, §8 Q6]", role="lever"),
    _p("fine_multiple", 2.0, (0.0, 20.0), "factor", "state",
       "fine as a multiple of the wages owed over the look-back period",
       "assumption [brief §2.14]: Thai penalties up to THB 50,000", role="lever"),
    _p("back_pay_weeks", 52, (1, 260), "weeks", "state",
       "weeks of underpayment an inspection recovers",
       "assumption: piece-rate wages are averaged over 12 months [brief §2.14]", role="lever",
       kind="int"),
    _p("risk_perception_dispersion", 0.5, (0.0, 1.5), "log-sd", "subcontractor",
       "spread of subcontractors' perception of the expected fine (log-normal around the true "
       "value): who is deterred by a given enforcement",
       "assumption: deterrence differs between firms [brief §6]; the spread is not in the brief",
       sampled=False),
    _p("legal_weight_recognition", 0.6, (0.0, 1.0), "0-1", "state",
       "legal backing that recognition as workers gives workers' claims",
       "assumption: recognition makes home workers subjects of labour law, the core of the 2022 "
       "petition [brief §2.12, §2.14]; legal backing = this x recognition + legal_weight_c177 x C177 "
       "(at most 1); not sampled by default designs, which vary the status quo, where no recognition is in "
       "force: give it with --parameters to vary it under a policy scenario", sampled=False, plausible=(0.3, 0.9)),
    _p("legal_weight_c177", 0.4, (0.0, 1.0), "0-1", "state",
       "legal backing that a ratified ILO C177 adds (equal treatment, the right to organize)",
       "assumption [brief §2.12]: C177 art. 4; see legal_weight_recognition", sampled=False, plausible=(0.2, 0.6)),
    _p("visibility_protection", 0.5, (0.0, 1.0), "share", "state",
       "share of retaliation and blacklisting that counting home workers and registering "
       "intermediaries deters", "[brief §6]: statistics reduce hidden power; size assumption"),
    _p("unregistered_detection", 0.3, (0.0, 1.0), "share", "state",
       "share of violations inspectors can find while home work is not counted or registered",
       "[brief §2.12 R184 para 6, §6]: registration is a precondition for enforcement; size "
       "assumption"),
    _p("state_responsiveness", 6e-7, (0.0, 2e-4), "1/week per pressure unit", "state",
       "hazard of a policy concession per unit of accumulated advocacy pressure",
       "assumption [brief §3.4]: no concession so far (SF12)", role="uncertainty"),
    _p("c177_obligation", 2.0, (0.0, 10.0), "factor", "state",
       "extra willingness to concede the remaining rungs once C177 is ratified",
       "[brief §2.12]: C177 obliges a national policy on home work; size assumption"),
    _p("framing_resistance", 0.8, (0.0, 1.0), "share", "state",
       "how far full framing cuts the state's willingness to concede",
       "[brief §3.4b]: demands reframed as capital and training needs", role="uncertainty"),
    _p("pressure_decay", 0.05, (0.0, 0.5), "1/week", "state",
       "weekly decay of accumulated advocacy pressure", "assumption"),
    _p("concession_floor_premium", 0.15, (0.0, 2.0), "share", "state",
       "how far above the market rate of the time a regulation won under pressure sets its floor "
       "(then indexed to the UMP; used when no floor is scheduled)",
       "assumption: a conceded floor starts near feasible rates, then follows the UMP as in "
       "Thailand's Act [brief §2.14]", role="lever"),
    _p("concession_inspection", 0.02, (0.0, 1.0), "1/week", "state",
       "inspection probability a regulation won under pressure brings",
       "assumption [brief §6]", role="lever"),

    # --- Causal channels (switches for mechanism ablation) --------------------------------------
    _p("channel_entitlement", True, (False, True), "switch", "channels",
       "a worker's consciousness raises her own reservation rate (entitlement_weight); off: it does not",
       "analysis switch: which mechanism carries an effect [brief §3.4]", kind="bool", sampled=False),
    _p("channel_agreements", True, (False, True), "switch", "channels",
       "the network puts collective demands to subcontractors and signs agreements; off: no talks",
       "analysis switch [brief §4.9, SF10]", kind="bool", sampled=False),
    _p("channel_floor", True, (False, True), "switch", "channels",
       "a legal piece-rate floor binds and is enforced (compliance, fines, principals' pass-through); "
       "off: no floor takes effect, whatever the policy", "analysis switch [brief §6]", kind="bool",
       sampled=False),
    _p("channel_retaliation", True, (False, True), "switch", "channels",
       "subcontractors retaliate against demands and blacklist organizers, and the risk deters "
       "action; off: retaliation propensities are 0", "analysis switch [brief SF11]", kind="bool",
       sampled=False),
    _p("channel_cascade", True, (False, True), "switch", "channels",
       "members take part in collective action (the threshold cascade); off: nobody acts",
       "analysis switch [brief §4.1-§4.3]", kind="bool", sampled=False),
    _p("channel_framing", True, (False, True), "switch", "channels",
       "the state's micro-entrepreneur framing erodes consciousness and stiffens its resistance; "
       "off: framing has no effect", "analysis switch [brief §3.4b]", kind="bool", sampled=False),
    _p("channel_tokenism", True, (False, True), "switch", "channels",
       "tokenistic invited spaces absorb advocacy and demobilize members; off: tokenism has no "
       "effect", "analysis switch [brief §3.4a]", kind="bool", sampled=False),
    _p("channel_exit", True, (False, True), "switch", "channels",
       "subcontractors move orders away from a required rate above their alternative cost; off: "
       "they do not", "analysis switch [brief §4.8]", kind="bool", sampled=False),
    _p("channel_switching", True, (False, True), "switch", "channels",
       "workers move to a better-paying subcontractor they hear of (switching_rate; 0 by default, so "
       "at the defaults the channel carries nothing); off: nobody moves",
       "analysis switch [brief §8 Q1: competition among intermediaries]", kind="bool", sampled=False),

    # --- Calendar -------------------------------------------------------------------------------
    _p("ump_growth", 0.05, (0.0, 0.15), "1/year", "calendar",
       "annual growth of the Jakarta UMP after 2026",
       "[brief §2.7]: +3.4% (2024), +6.5% (2025), +6.2% (2026); plausible: that range, widened",
       plausible=(0.03, 0.07)),
    _p("poverty_line_growth", 0.04, (0.0, 0.15), "1/year", "calendar",
       "annual growth of the per-capita poverty line after 2025",
       "[brief §2.8]: Rp792,515 (Mar 2023) to Rp897,768 (Sep 2025)"),
)

_BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
#: Titles of the parameter groups (the agent or part of the world a parameter belongs to), for
#: tables, the dashboard and the ODD.
GROUP_TITLES: dict[str, str] = {
    "scale": "Size of the simulated area",
    "state": "The state",
    "network": "The workers' network (JPRJ)",
    "home_worker": "Home workers",
    "subcontractor": "Subcontractors (perantara)",
    "principal": "Principal firms: orders and prices",
    "social_graph": "Kampung social ties",
    "calendar": "Calendar: minimum wage and poverty line",
    "channels": "Causal channels (switches for ablation)",
}
#: The causal channels ``rumahan ablate`` switches off one at a time (all on by default).
CHANNELS: tuple[str, ...] = tuple(p.name for p in PARAMETERS if p.group == "channels")
EFFORT_PARAMETERS: tuple[str, ...] = (
    "effort_consciousness", "effort_organizing", "effort_bargaining",
    "effort_advocacy", "effort_alternatives", "effort_alliances",
)
STRENGTH_WEIGHTS: tuple[str, ...] = (
    "weight_density", "weight_participation", "weight_legal", "weight_alliances",
)

#: Estimated bytes the model holds per worker (columns, graph, agent view), see ``estimate_memory``.
BYTES_PER_WORKER = 1400
#: Runs whose estimated memory exceeds this share of the machine's RAM are refused.
MEMORY_SHARE_LIMIT = 0.8


def get(name: str) -> Parameter:
    """Return the registry entry for ``name`` or raise ``ParameterError`` with close matches."""
    try:
        return _BY_NAME[name]
    except KeyError:
        close = difflib.get_close_matches(name, _BY_NAME, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see `rumahan run --help`"
        raise ParameterError(f"unknown parameter '{name}'{hint}") from None


def names(role: Role | None = None, sampled_only: bool = False) -> list[str]:
    """Names of the registry's parameters, optionally only one role or only sampled ones."""
    return [
        p.name for p in PARAMETERS
        if (role is None or p.role == role) and (not sampled_only or p.sampled)
    ]


def defaults() -> dict[str, Any]:
    """A fresh dict of every parameter's default value."""
    return {p.name: p.default for p in PARAMETERS}


def validate(overrides: Mapping[str, Any] | None = None, *, check_memory: bool = True) -> dict[str, Any]:
    """Return the full parameter set: defaults updated with ``overrides``, each checked.

    Raises ``ParameterError`` (a ``ValueError``) naming the parameter, the value and what is
    accepted, for unknown names, wrong types, NaN/inf, values out of bounds, inconsistent
    combinations, and sizes whose estimated memory exceeds the machine's.
    """
    params = defaults()
    for name, value in (overrides or {}).items():
        entry = get(name)
        params[name] = None if (value is None and entry.default is None) else entry.check(value)
    if params["n_subcontractors"] is None:
        params["n_subcontractors"] = max(2, round(params["n_workers"] / 100))
        params["n_subcontractors"] = min(params["n_subcontractors"], params["n_workers"])
    _check_combinations(params)
    if check_memory:
        check_memory_fits(params["n_workers"])
    return params


def _check_combinations(params: Mapping[str, Any]) -> None:
    n, m = params["n_workers"], params["n_subcontractors"]
    if m > n:
        raise ParameterError(
            f"parameter 'n_subcontractors' = {m} exceeds n_workers = {n}; accepted: 1 to n_workers"
        )
    if params["network_active"] and sum(params[e] for e in EFFORT_PARAMETERS) <= 0:
        raise ParameterError(
            "parameters effort_* are all 0 while network_active is true; give at least one "
            "strategy a positive weight, or set network_active = false"
        )
    legal = params["legal_weight_recognition"] + params["legal_weight_c177"]
    if legal > 1.0:
        raise ParameterError(
            f"parameters legal_weight_recognition + legal_weight_c177 = {legal:g} exceed 1; legal backing "
            "is a share: accepted sums 0 to 1"
        )
    if sum(params[w] for w in STRENGTH_WEIGHTS) <= 0:
        raise ParameterError(
            "parameters weight_* are all 0; at least one source of bargaining strength needs a "
            "positive weight"
        )


#: Largest root seed: seeds are stored as unsigned 64-bit integers (``runs.parquet``).
MAX_SEED = 2**64 - 1


def check_seed(value: object, what: str = "seed", largest: int | None = MAX_SEED) -> int:
    """``value`` as an int from 0 to ``largest`` (``None``: no upper limit, as numpy's
    ``SeedSequence`` takes any size; a fresh one has 128 bits), or ``RumahanInputError`` naming ``what``
    and the range."""
    too_big = largest is not None and isinstance(value, numbers.Integral) and value > largest
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0 or too_big:
        accepted = "a whole number >= 0" if largest is None else f"a whole number from 0 to 2**64 - 1 ({largest:,})"
        raise RumahanInputError(f"{what} = {value!r} is not {accepted}")
    return int(value)


def estimate_memory(n_workers: int) -> int:
    """Estimated peak bytes a run of ``n_workers`` needs (measured: see docs/performance.md)."""
    return 200_000_000 + BYTES_PER_WORKER * int(n_workers)


def total_memory() -> int | None:
    """Physical memory of this machine in bytes, or ``None`` where it cannot be read."""
    try:
        import os

        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory_fits(n_workers: int, runs_at_once: int = 1) -> None:
    """Refuse, before allocating, a size whose estimated memory exceeds the machine's:
    ``runs_at_once`` runs of ``n_workers`` each (a local pool of that many jobs)."""
    total = total_memory()
    need = runs_at_once * estimate_memory(n_workers)
    if total is not None and need > MEMORY_SHARE_LIMIT * total:
        most = int((MEMORY_SHARE_LIMIT * total / runs_at_once - 200_000_000) / BYTES_PER_WORKER)
        at_once = f" in each of {runs_at_once} runs at once (--jobs)" if runs_at_once > 1 else ""
        raise ParameterError(
            f"parameter 'n_workers' = {n_workers:,}{at_once} needs about {need / 1e9:.1f} GB, more than "
            f"{MEMORY_SHARE_LIMIT:.0%} of this machine's {total / 1e9:.1f} GB; accepted here: up to "
            f"about {max(most, 0):,} workers" + (" (or fewer jobs)" if runs_at_once > 1 else "")
        )


def parse_value(name: str, text: str) -> Any:
    """Parse a ``--set name=value`` string into the parameter's type, then check it."""
    entry = get(name)
    raw = text.strip()
    if entry.kind == "bool":
        lowered = raw.lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise ParameterError(f"parameter '{name}' = {text!r} is not a boolean; accepted: true or false")
    if entry.default is None and raw.lower() in {"none", "auto"}:
        return None
    try:
        value: Any = float(raw.replace("_", ""))
    except ValueError:
        raise ParameterError(
            f"parameter '{name}' = {text!r} is not a number; accepted: {entry.describe_bounds()}"
        ) from None
    return entry.check(value)


def groups() -> dict[str, list[Parameter]]:
    """Parameters by group (agent), in registry order."""
    out: dict[str, list[Parameter]] = {}
    for p in PARAMETERS:
        out.setdefault(p.group, []).append(p)
    return out


#: What designs sample over: each parameter's plausible range, or the whole registry bounds.
SPANS = ("plausible", "bounds")


def sampled_bounds(names_: Iterable[str], span: str = "plausible") -> list[tuple[float, float]]:
    """Ranges of numeric parameters for SALib problems and Latin-hypercube designs:
    ``Parameter.sample_range`` (``span="plausible"``) or ``Parameter.bounds`` (``"bounds"``)."""
    if span not in SPANS:
        raise ParameterError(f"span = {span!r} is not one of {', '.join(SPANS)}")
    out = []
    for name in names_:
        entry = get(name)
        if entry.kind == "bool":
            raise ParameterError(f"parameter '{name}' is a switch and cannot be sampled over a range")
        out.append(entry.sample_range if span == "plausible" else (float(entry.bounds[0]), float(entry.bounds[1])))
    return out


def schedulable() -> list[str]:
    """Levers a scenario may change at a given week (not sizes or the graph, fixed at set-up)."""
    return [p.name for p in PARAMETERS if p.role == "lever" and p.group not in ("scale", "social_graph")]
