"""A calibration folder on the Batch page (``rumahan calibrate``): what was calibrated against what,
the fit to each target, the posterior against the priors, and the generations.

The tables come from ``experiments.calibration.posterior`` (``fit_table``, ``posterior_summary``,
``target_misses``); the folder's own ``fit.png`` and ``posterior.png`` are shown beside them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from rumahan.dashboard import group_charts
from rumahan.experiments.calibration.posterior import fit_table, posterior_summary, target_misses, targets_of
from rumahan.experiments.report import significant
from rumahan.experiments.storage import OutputFolder

PRIOR_GREY = "#9e9e9e"
POSTERIOR_BLUE = "#1f77b4"
BAND_GREEN = "#2ca02c"


def fit_chart(misses: pd.DataFrame) -> alt.LayerChart:
    """Every target on one scale: each particle's signed miss in tolerances (0 inside the band,
    negative below, positive above), the calibration sample from the priors in grey and the
    posterior in blue (dot size by weight), with the band and one tolerance either side shaded."""
    targets = list(dict.fromkeys(misses["target"]))
    y = alt.Y("target:N", sort=targets, title=None, axis=alt.Axis(labelLimit=220))
    band = alt.Chart(pd.DataFrame({"low": [-1.0], "high": [1.0]})).mark_rect(color=BAND_GREEN, opacity=0.12).encode(
        x="low:Q", x2="high:Q")
    inside = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=BAND_GREEN, strokeWidth=3).encode(x="x:Q")
    shown = misses.assign(value=misses["value"].round(6))
    offset = alt.YOffset("source:N", sort=["prior", "posterior"], scale=alt.Scale(paddingOuter=0.3))
    colour = alt.Color("source:N", title="Particles", scale=alt.Scale(domain=["prior", "posterior"],
                                                                         range=[PRIOR_GREY, POSTERIOR_BLUE]),
                       legend=alt.Legend(labelExpr="datum.label == 'prior' ? 'calibration sample (priors)' : "
                                                   "'posterior (size: weight)'"))
    # grey dots weigh 1/P each: a posterior dot of average weight is drawn at their size
    points = alt.Chart(shown).mark_circle(opacity=0.6).encode(
        x=alt.X("miss:Q", title="Miss in tolerances (0: inside the observed band; the shade: within one tolerance)"),
        y=y, yOffset=offset, color=colour,
        size=alt.Size("weight:Q", scale=alt.Scale(range=[25, 300]), legend=None),
        tooltip=[alt.Tooltip("target:N"), alt.Tooltip("source:N"), alt.Tooltip("value:Q", title="statistic"),
                 alt.Tooltip("miss:Q", format=".2f", title="miss (tolerances)"),
                 alt.Tooltip("weight:Q", format=".3f")],
    )
    height = 60 + 48 * len(targets)
    return group_charts.sized(alt.layer(band, inside, points).properties(width=group_charts.WIDTH, height=height),
                              height + 90)


def epsilon_chart(generations: pd.DataFrame) -> alt.Chart:
    """Epsilon (the acceptance threshold, in tolerances) per generation."""
    chart = alt.Chart(generations).mark_line(point=True, color=POSTERIOR_BLUE).encode(
        x=alt.X("generation:O", title="Generation", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("epsilon:Q", title="Epsilon (tolerances)", scale=alt.Scale(zero=True)),
        tooltip=["generation", alt.Tooltip("epsilon:Q", format=".3f"), "simulations", "accepted",
                 alt.Tooltip("acceptance_rate:Q", format=".2f")],
    ).properties(width=group_charts.WIDTH // 2, height=220)
    return group_charts.sized(chart, 300)


def _numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of ``frame`` as text to 3 significant figures (the other columns as they are)."""
    return frame.assign(**{c: frame[c].map(significant) for c in columns})


def render(folder: OutputFolder) -> None:
    """The calibration in ``folder``: facts, then (once finished) fit, posterior and generations."""
    manifest = folder.manifest
    setup = manifest["calibration"]
    priors = {name: tuple(bounds) for name, bounds in setup["priors"].items()}
    targets = targets_of(setup)
    st.subheader(f"A calibration: {folder.path}")
    facts = {
        "created": manifest.get("created"), "command": manifest.get("command"),
        "calibrated": ", ".join(f"{n} ({lo:g} to {hi:g})" for n, (lo, hi) in priors.items()),
        "targets": len(targets), "scenario": setup.get("scenario"),
        "fixed (--set)": ", ".join(f"{k}={v}" for k, v in (setup.get("overrides") or {}).items()) or None,
        "particles": setup.get("population"), "generations": setup.get("generations"),
        "each particle": f"{setup.get('replicates')} run(s) of {setup.get('weeks')} weeks",
        "simulations": manifest.get("simulations"),
        "final epsilon": None if manifest.get("final_epsilon") is None else significant(manifest["final_epsilon"]),
    }
    st.markdown("  \n".join(f"**{k}**: `{v}`" for k, v in facts.items() if v not in (None, "")))
    generations = folder.tables.get("generations")
    if manifest.get("status") != "complete":
        done = [g for s in manifest.get("sessions", []) for g in s.get("generations", [])
                if not g.get("calibration_sample")]
        st.warning(f"This calibration has not finished ({len(done)} of {setup.get('generations')} generations so far, "
                   f"status {manifest.get('status')!r}); rerun its command to go on. The posterior is written when "
                   "it finishes.")
        if done:
            st.dataframe(pd.DataFrame(done), hide_index=True, width="stretch")
        return
    particles = folder.tables["posterior"]
    prior = folder.tables.get("prior_predictive")
    figures = {f.name: f for f in folder.figures}

    st.markdown("**Fit to the targets**")
    st.caption("Each target's statistic for every particle, as its miss in tolerances so that all targets share "
               "one scale: 0 is inside the observed band, the shade within one tolerance of it. Grey: the "
               "calibration sample drawn from the priors; blue: the posterior (larger dots weigh more). Hover "
               "for the statistic itself.")
    group_charts.show(fit_chart(target_misses(particles, targets, prior)))
    fit = fit_table(particles, targets, prior)
    table = _numbers(fit, ["tolerance", "prior_median"])[["target", "measures", "weeks", "band", "tolerance",
                                                         "prior_median"]]
    table["posterior (5-95%)"] = [f"{significant(m)} ({significant(lo)} to {significant(hi)})" for m, lo, hi in
                                  zip(fit["posterior_mean"], fit["posterior_p05"], fit["posterior_p95"], strict=True)]
    table["inside band"] = (fit["inside"] * 100).round().astype(int).astype(str) + "%"
    table["source"] = fit["source"]
    st.dataframe(table.rename(columns={"prior_median": "prior median"}), hide_index=True, width="stretch")
    st.caption("Prior median: of the calibration sample. Posterior: its weighted mean and 5-95% range. Inside band: "
               "the posterior weight of particles inside the observed band.")
    if "fit.png" in figures:
        with st.expander("fit.png: each target on its own scale (the file the command wrote)"):
            st.image(str(figures["fit.png"]))

    st.markdown("**Posterior against the priors**")
    st.caption("Weighted over the final generation's particles. Width: the posterior's standard deviation over the "
               "uniform prior's; near 1 the facts leave the parameter as open as the prior, near 0 they pin it down.")
    summary = posterior_summary(particles, priors)
    st.dataframe(_numbers(summary, ["prior_low", "prior_high", "mean", "p05", "p95", "sd"]).assign(
        width=summary["width"].round(2)), hide_index=True, width="stretch")
    if "posterior.png" in figures:
        st.image(str(figures["posterior.png"]), caption="posterior.png: marginal and pairwise posteriors (blue) "
                                                        "against the uniform priors (grey)")

    st.markdown("**Generations**")
    if generations is not None:
        cols = st.columns([1, 1])
        with cols[0]:
            st.dataframe(generations, hide_index=True, width="stretch")
        with cols[1]:
            group_charts.show(epsilon_chart(generations))
    st.download_button("Download the posterior (CSV)", particles.to_csv(index=False).encode(),
                       f"{folder.path.name}_posterior.csv", mime="text/csv", key="batch.calibration.download",
                       on_click="ignore")
