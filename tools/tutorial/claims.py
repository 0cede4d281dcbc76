"""Statements of the tutorial's text whose direction depends on the numbers, each checked against
the questions' results; the rendered page ends with the list and whether each holds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tools.tutorial import q3_recommendations
from tools.tutorial.ablations import Ablations
from tools.tutorial.q1_network import Q1
from tools.tutorial.q2_state import Q2
from tools.tutorial.q3_recommendations import Q3
from tools.tutorial.q4_mix import Q4
from tools.tutorial.q5_sensitivity import Q5
from tools.tutorial.q6_calibration import Q6
from tools.tutorial.state_uncertainty import StateUncertainty


@dataclass(frozen=True)
class Findings:
    """Every question's results: what the claims read."""

    q1: Q1
    q2: Q2
    q3: Q3
    q4: Q4
    q5: Q5
    ablations: Ablations
    state: StateUncertainty
    q6: Q6


@dataclass(frozen=True)
class Claim:
    """A statement the tutorial's text makes, and the test of it on the results."""

    text: str
    holds: Callable[[Findings], bool]


def _carried(study, channel: str, outcome: str = "piece_rate_mean"):
    """What ``channel`` carries of ``outcome``'s effect in an ablation of the tutorial."""
    return study.channels[outcome][channel]


def _none_detectable(q: Q3, scenario: str) -> bool:
    return all(q.effect(scenario, m).includes_zero() for m in q3_recommendations.METRICS)


def _overlap(q: Q5, parameters: Sequence[str], outcome: str) -> bool:
    """Whether the 95% intervals of the parameters' Morris mu* share a common stretch."""
    spans = [(q.morris(p, outcome).mu_star - q.morris(p, outcome).mu_star_conf,
              q.morris(p, outcome).mu_star + q.morris(p, outcome).mu_star_conf) for p in parameters]
    return max(lo for lo, _ in spans) <= min(hi for _, hi in spans)


def _st(q: Q5, parameter: str, outcome: str, capped: bool = False) -> float:
    return (q.sobol_capped if capped else q.sobol)[parameter, outcome].ST


CLAIMS: tuple[Claim, ...] = (
    # Q1
    Claim("Q1: with the network the piece rate and earnings against the UMP are higher, and the share below "
          "the poverty line lower (95% intervals exclude 0).",
          lambda f: f.q1["piece_rate_mean"].effect.above_zero() and f.q1["earnings_to_ump"].effect.above_zero()
          and f.q1["below_poverty_share"].effect.below_zero()),
    Claim("Q1: power within and power with exist only with the network; power over is lower with it.",
          lambda f: f.q1["power_within"].no_network.mean == 0 and f.q1["power_with"].no_network.mean == 0
          and f.q1["power_within"].status_quo.mean > 0 and f.q1["power_with"].status_quo.mean > 0
          and f.q1["power_over"].effect.below_zero()),
    Claim("Q1: power to is small with the network (below 0.1), and agreements cover under half of the workers.",
          lambda f: f.q1["power_to"].status_quo.mean < 0.1 and f.q1["coverage_rate"].status_quo.mean < 0.5),
    Claim("Q1: membership levels off: every replicate ends between 0.15 and 0.35 of the workers.",
          lambda f: f.q1.membership_min > 0.15 and f.q1.membership_max < 0.35),
    # Q2
    Claim("Q2: framing lowers the piece rate and membership (95% intervals exclude 0); its effect on power with "
          "is within noise.",
          lambda f: f.q2["piece_rate_mean"].framing.below_zero() and f.q2["membership_rate"].framing.below_zero()
          and f.q2["power_with"].framing.includes_zero()),
    Claim("Q2: the effects of tokenism on the piece rate and on membership have 95% intervals that include 0.",
          lambda f: f.q2["piece_rate_mean"].tokenism.includes_zero()
          and f.q2["membership_rate"].tokenism.includes_zero()),
    Claim("Q2: framing costs more than tokenism in piece rate, membership, power within and power to.",
          lambda f: all(f.q2.worse(m) == "framing" for m in ("piece_rate_mean", "membership_rate", "power_to"))
          and f.q2["power_within"].framing.mean < f.q2["power_within"].tokenism.mean),
    Claim("Q2: framing removes consciousness (invisible_power_loss > 0 with it, 0 without) and power within is "
          "higher without it; tokenism absorbs advocacy and lowers the pressure on the state.",
          lambda f: f.q2["invisible_power_loss"].status_quo > 0 and f.q2["invisible_power_loss"].no_framing == 0
          and f.q2["power_within"].no_framing > f.q2["power_within"].status_quo
          and f.q2["advocacy_absorbed"].status_quo > 0 and f.q2["pressure"].tokenism.below_zero()),
    Claim("Q2: without tokenism, the network still wins less than one policy rung on average.",
          lambda f: f.q2["policy_level"].no_tokenism < 1),
    Claim("Q2: framing does not change earnings against the UMP detectably, and lowers the labour share.",
          lambda f: f.q2["earnings_to_ump"].framing.includes_zero() and f.q2["labour_share"].framing.below_zero()),
    Claim("Q2: without the network, framing's effect on the piece rate is under a fifth of its effect with it.",
          lambda f: abs(f.q2["piece_rate_mean"].framing_without_network.mean)
          < 0.2 * abs(f.q2["piece_rate_mean"].framing.mean)),
    # Q3
    Claim("Q3: alone, c177 changes none of the tabulated outcomes detectably, and statistics none but the "
          "orders kept, which fall.",
          lambda f: _none_detectable(f.q3, "c177")
          and all(f.q3.effect("statistics", m).includes_zero() for m in q3_recommendations.METRICS
                  if m != "order_share_mean")
          and f.q3.effect("statistics", "order_share_mean").below_zero()),
    Claim("Q3: national_regulation alone raises the piece rate, covers under three quarters of the workers and "
          "loses orders.",
          lambda f: f.q3.effect("national_regulation", "piece_rate_mean").above_zero()
          and f.q3.level("national_regulation", "coverage_rate") < 0.75
          and f.q3.effect("national_regulation", "order_share_mean").below_zero()),
    Claim("Q3: together the recommendations raise the piece rate and earnings, lower poverty, and keep at least "
          "99% of orders.",
          lambda f: f.q3.effect("recommendations", "piece_rate_mean").above_zero()
          and f.q3.effect("recommendations", "earnings_to_ump").above_zero()
          and f.q3.effect("recommendations", "below_poverty_share").below_zero()
          and f.q3.level("recommendations", "order_share_mean") >= 0.99),
    Claim("Q3: for earnings the recommendations together do more than the sum of their effects alone "
          "(interaction > 0).",
          lambda f: f.q3.synergy["earnings_to_ump"].interaction.above_zero()),
    Claim("Q3: with statistics the floor binds (coverage >= 0.8) at a lower inspection probability than without.",
          lambda f: f.q3.with_statistics.binds() is not None
          and (f.q3.without_statistics.binds() is None
               or f.q3.with_statistics.binds().inspection_probability
               < f.q3.without_statistics.binds().inspection_probability)),
    Claim("Q3: at 2% weekly inspections, coverage is higher with statistics; with statistics but without C177 "
          "less than 95% of orders stay, against at least 99% with all three recommendations.",
          lambda f: f.q3.with_statistics.at(0.02)["coverage_rate"] > f.q3.without_statistics.at(0.02)["coverage_rate"]
          and f.q3.with_statistics.at(0.02)["order_share_mean"] < 0.95
          and f.q3.level("recommendations", "order_share_mean") >= 0.99),
    Claim("Q3: without statistics, fines peak at an intermediate inspection probability.",
          lambda f: f.q3.without_statistics.fines_peak_is_interior()),
    # Q1 and Q3: ablations
    Claim("Q1: collective agreements carry a detectable part of the network's effect on the piece rate (95% "
          "interval above 0), and the entitlement effect carries less than nine tenths of it.",
          lambda f: _carried(f.ablations.network, "channel_agreements").carried.above_zero()
          and (_carried(f.ablations.network, "channel_entitlement").share or 1.0) < 0.9),
    Claim("Q3: the floor and its enforcement carry more than four fifths of the recommendations' effect on the "
          "piece rate.",
          lambda f: (_carried(f.ablations.recommendations, "channel_floor").share or 0.0) > 0.8),
    # Q3: the state's responsiveness
    Claim("Q3: at the default state_responsiveness no status-quo run concedes anything in 2023 (SF12), and at "
          "the largest value of the sweep at least one does.",
          lambda f: f.state.values[min(f.state.values, key=lambda v: abs(v - f.state.default))].consistent
          and not f.state.values[max(f.state.values)].consistent),
    Claim("Q3: over the values consistent with SF12, c177 wins a rung in at least as many runs as the status "
          "quo at every value, and in more at some.",
          lambda f: all(f.state.values[v].wins["c177"] >= f.state.values[v].wins["status_quo"] for v in f.state.consistent())
          and any(f.state.values[v].wins["c177"] > f.state.values[v].wins["status_quo"] for v in f.state.consistent())),
    Claim("Q3: at the default responsiveness none of the three answers raises the final-year rate detectably; "
          "at the largest value consistent with SF12 each does (95% intervals above 0).",
          lambda f: all(f.state.values[min(f.state.values, key=lambda v: abs(v - f.state.default))]
                        .rate_effect[a].includes_zero() for a in ("genuine_participation", "c177", "statistics"))
          and all(f.state.values[max(f.state.consistent())].rate_effect[a].above_zero()
                  for a in ("genuine_participation", "c177", "statistics"))),
    # Q6
    Claim("Q6: the facts narrow reservation_hourly_median most (posterior sd under a third of the prior's), "
          "staff hours and upkeep are positively correlated in the posterior, and every posterior draw gives "
          "the network's and the recommendations' effects on the rate and on earnings the sign they have at "
          "the defaults.",
          lambda f: f.q6.widths.sort_values("width").iloc[0]["parameter"] == "reservation_hourly_median"
          and f.q6.widths.set_index("parameter").loc["reservation_hourly_median", "width"] < 1 / 3
          and f.q6.span_correlation > 0
          and all(f.q6.effect(s, o).same_sign == 1.0
                  and f.q6.effect(s, o).posterior_mean * f.q6.effect(s, o).point.mean > 0
                  for s in ("no_network", "recommendations") for o in ("piece_rate_mean", "earnings_to_ump"))),
    Claim("Q6: over the posterior, framing lowers the piece rate in every draw, and tokenism's effect on the "
          "piece rate does not keep one sign in every draw.",
          lambda f: f.q6.effect("end_reframing", "piece_rate_mean").same_sign == 1.0
          and f.q6.effect("end_reframing", "piece_rate_mean").posterior_mean < 0
          and f.q6.effect("genuine_participation", "piece_rate_mean").same_sign < 1.0),
    # Q4
    Claim("Q4: mix_grassroots is best for membership in every state and has the lowest maximum regret for it; "
          "the status quo mix is best for poverty and for earnings in the most states.",
          lambda f: f.q4["membership_rate"].often == f.q4["membership_rate"].robust == "mix_grassroots"
          and f.q4["below_poverty_share"].often == "status_quo" and f.q4["earnings_to_ump"].often == "status_quo"),
    Claim("Q4: the mixes' mean earnings against the UMP differ by less than half of the 5-95% range the "
          "states of the world give the status quo.",
          lambda f: f.q4["earnings_to_ump"].spread() < 0.5 * (f.q4["earnings_to_ump"].policies["status_quo"].p95
                                                             - f.q4["earnings_to_ump"].policies["status_quo"].p05)),
    Claim("Q4: for earnings another mix than the status quo has the lowest maximum regret, and the best mix is "
          "the same in the low and the high half of principal_price.",
          lambda f: f.q4["earnings_to_ump"].robust != "status_quo"
          and f.q4.best_by_half["principal_price", "earnings_to_ump", "low"]
          == f.q4.best_by_half["principal_price", "earnings_to_ump", "high"]),
    Claim("Q4: mix_advocacy wins more policy rungs on average than the status quo mix, and has the lowest median "
          "power_to and the lowest mean membership.",
          lambda f: f.q4.policy_level["mix_advocacy"] > f.q4.policy_level["status_quo"]
          and min(f.q4["power_to"].policies, key=lambda p: f.q4["power_to"].policies[p].p50) == "mix_advocacy"
          and f.q4["membership_rate"].lowest_mean() == "mix_advocacy"),
    # Q5
    Claim("Q5: both steps sample plausible ranges, and few runs collapse: in the screening under 10% end with no "
          "work and under 15% with (almost) no members, in the Sobol sample under 5% each.",
          lambda f: f.q5.morris_design.span == f.q5.sobol_design.span == "plausible"
          and f.q5.morris_design.no_work < 0.1 and f.q5.morris_design.no_members < 0.15
          and f.q5.sobol_design.no_work < 0.05 and f.q5.sobol_design.no_members < 0.05),
    Claim("Q5: the five largest mu* for earnings are, in order, productivity_median, family_helpers_mean, "
          "principal_price, hours_available_mean and reservation_hourly_median, and the 95% intervals of the "
          "first three overlap.",
          lambda f: f.q5.order("earnings_to_ump")[:5] == ["productivity_median", "family_helpers_mean",
                                                          "principal_price", "hours_available_mean",
                                                          "reservation_hourly_median"]
          and _overlap(f.q5, f.q5.order("earnings_to_ump")[:3], "earnings_to_ump")),
    Claim("Q5: the five largest mu* for membership are alliance_pressure, hours_per_outreach, join_rate, "
          "member_upkeep_hours and outreach_gain.",
          lambda f: set(f.q5.order("membership_rate")[:5]) == {"alliance_pressure", "hours_per_outreach", "join_rate",
                                                               "member_upkeep_hours", "outreach_gain"}),
    Claim("Q5: in the screening's runs membership levels off well below universal (95th percentile below 0.6) "
          "and rarely vanishes (5th percentile above 0.01).",
          lambda f: f.q5.morris_design.p95["membership_rate"] < 0.6
          and f.q5.morris_design.p05["membership_rate"] > 0.01),
    Claim("Q5: in the Sobol sample, productivity_median has the largest total index for earnings and "
          "alliance_pressure for membership; each outcome is higher in the top third of that parameter's range "
          "than in the low third; the first-order indices add up to between 0.5 and 1 for both outcomes.",
          lambda f: max(f.q5.top, key=lambda p: _st(f.q5, p, "earnings_to_ump")) == "productivity_median"
          and max(f.q5.top, key=lambda p: _st(f.q5, p, "membership_rate")) == "alliance_pressure"
          and f.q5.third("productivity_median", "earnings_to_ump", "top")
          > f.q5.third("productivity_median", "earnings_to_ump", "low")
          and f.q5.third("alliance_pressure", "membership_rate", "top")
          > f.q5.third("alliance_pressure", "membership_rate", "low")
          and all(0.5 < f.q5.s1_sum[o] <= 1 for o in ("earnings_to_ump", "membership_rate"))),
)


def check_claims(findings: Findings, claims: Sequence[Claim] = CLAIMS) -> list[tuple[Claim, bool]]:
    """Each claim and whether it holds (a claim that cannot be evaluated, say about a parameter the
    reduced study's Sobol step did not vary, does not hold)."""
    checked = []
    for claim in claims:
        try:
            ok = bool(claim.holds(findings))
        except (KeyError, TypeError, ValueError, IndexError):
            ok = False
        checked.append((claim, ok))
    return checked


def claims_section(checked: Sequence[tuple[Claim, bool]]) -> str:
    """The claims as a Markdown list: ✓ holds, ✗ does not."""
    if not checked:
        return "(no statements are checked)"
    return "\n".join(f"- {'✓' if ok else '✗ **does not hold for these numbers:**'} {claim.text}"
                     for claim, ok in checked)
