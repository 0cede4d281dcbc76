"""Figures of experiment results (matplotlib), shared by the CLI reports and the dashboard.

Each function takes tables from ``experiments.compare`` / ``storage.load_output`` and returns a
``matplotlib.figure.Figure`` (built without pyplot, so it is safe in threads and in Streamlit:
``st.pyplot(fig)``; save with ``fig.savefig(path, dpi=...)``). Labels and units come from
``model.metrics.OUTPUT_BY_NAME`` and the parameter registry.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from experiments.compare import t_half_width
from experiments.records import PARAM_PREFIX
from model import params as registry
from model.calendar import START_YEAR, WEEKS_PER_YEAR
from model.errors import RumahanInputError
from model.metrics import OUTPUT_BY_NAME
from model.power_cube import LEVEL_METRICS, SPACE_METRICS

POWER_INDICES = ("power_within", "power_with", "power_to", "power_over")
CUBE_SPACES, CUBE_LEVELS = SPACE_METRICS, LEVEL_METRICS
BASELINE_COLOUR = "0.55"
#: ``boxplot`` lying down: ``orientation`` since Matplotlib 3.10, ``vert`` before (deprecated after).
HORIZONTAL = {"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10) \
    else {"vert": False}


def metric_title(name: str, width: int = 48) -> str:
    """``name``, then its meaning, wrapped for a panel title."""
    meaning = OUTPUT_BY_NAME[name].meaning if name in OUTPUT_BY_NAME else ""
    return "\n".join(textwrap.wrap(f"{name}: {meaning}" if meaning else name, width))


def metric_axis(name: str) -> str:
    """An axis label with the unit: ``"earnings_to_ump (share)"``."""
    unit = OUTPUT_BY_NAME[name].unit if name in OUTPUT_BY_NAME else ""
    return f"{name} ({unit})" if unit else name


def parameter_axis(column: str) -> str:
    """An axis label for a parameter column (``param.x`` or ``x``) with its unit."""
    name = column.removeprefix("param.")
    try:
        unit = registry.get(name).unit
    except registry.ParameterError:
        return metric_axis(name)
    return f"{name} ({unit})" if unit else name


def _colours(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def _grid(n: int, ncols: int, panel: tuple[float, float]) -> tuple[Figure, np.ndarray]:
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def group_labels(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """A label per group: its values joined by " · ", a parameter's as ``name=value`` (4 digits)."""
    def part(key: str) -> pd.Series:
        values = frame[key].map(lambda v: f"{v:.4g}" if isinstance(v, float) else str(v))
        return key.removeprefix(PARAM_PREFIX) + "=" + values if key.startswith(PARAM_PREFIX) else values

    return pd.concat([part(k) for k in keys], axis=1).agg(" · ".join, axis=1)


def _group_keys(table: pd.DataFrame) -> list[str]:
    """The group columns of a comparison table (those before ``metric``)."""
    return list(table.columns[: table.columns.get_loc("metric")])


#: Series up to this many weeks are drawn against the week; longer ones against the calendar year
#: (a year axis over a few months could only label fractions of a year).
WEEK_AXIS_LIMIT = 2 * WEEKS_PER_YEAR


def time_axis(last_week: int) -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    """How model weeks go on a time axis: the function from weeks to positions, and the label.

    Calendar years (2023, 2024, ...) for series longer than ``WEEK_AXIS_LIMIT`` weeks, else weeks.
    """
    if last_week > WEEK_AXIS_LIMIT:
        return (lambda weeks: START_YEAR + np.asarray(weeks, dtype=float) / WEEKS_PER_YEAR), "year"
    return (lambda weeks: np.asarray(weeks, dtype=float)), f"week (week 0 = January {START_YEAR})"


def timeseries_bands(
    timeseries: pd.DataFrame,
    metrics: str | Sequence[str],
    group: str = "scenario",
    events: pd.DataFrame | None = None,
    over: str = "replicates",
) -> Figure:
    """One panel per metric: per group, the mean over runs by week and its 95% confidence band
    (Student t over the group's runs: ``over`` names them in the legend, e.g. "replicates").
    Policy events (``events`` with ``kind`` ``policy_*``) are marked by dotted lines at the first
    week each group saw them."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    fig, axes = _grid(len(metrics), 2, (6.4, 3.6))
    groups = list(pd.unique(timeseries[group])) if group in timeseries else ["all"]
    colours = dict(zip(groups, _colours(len(groups)), strict=True))
    frame = timeseries if group in timeseries else timeseries.assign(**{group: "all"})
    position, time_label = time_axis(int(frame["week"].max()) if len(frame) else 0)
    marked = False  # whether a policy change is drawn
    for ax, metric in zip(axes, metrics, strict=False):
        for name, part in frame.groupby(group, sort=False):
            agg = part.groupby("week")[metric].agg(["mean", "std", "count"])
            x = position(agg.index.to_numpy())
            ax.plot(x, agg["mean"], color=colours[name], lw=1.4, label=str(name))
            half = t_half_width(agg["std"], agg["count"])
            output = OUTPUT_BY_NAME.get(metric)
            low, high = (output.bounds if output and output.bounds else (-np.inf, np.inf))
            ax.fill_between(x, np.clip(agg["mean"] - half, low, high), np.clip(agg["mean"] + half, low, high),
                            color=colours[name], alpha=0.2, lw=0)
        if events is not None and len(events) and group in events:
            policy = events[events["kind"].astype(str).str.startswith("policy_")]
            for name, part in policy.groupby(group, sort=False):
                if name in colours:
                    for week in sorted(set(part["week"]))[:3]:
                        ax.axvline(float(position(week)), color=colours[name], ls=":", lw=1)
                        marked = True
        ax.set_title(metric_title(metric), fontsize=9)
        ax.set_ylabel(OUTPUT_BY_NAME[metric].unit if metric in OUTPUT_BY_NAME else "")
        _zero_share_on_its_scale(ax, metric, frame[metric].to_numpy(dtype=float), axis="y")
        ax.set_xlabel(time_label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")
        ax.grid(alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    if marked:
        handles.append(Line2D([], [], color="0.3", ls=":", lw=1))
        labels.append("a policy change (dotted)")
    if len(groups) > 1 or marked:
        title = f"{group}: mean and 95% confidence band over {over}" if len(groups) > 1 else None
        fig.legend(handles, labels, loc="outside lower center", ncols=min(5, len(labels)), fontsize=8,
                   title=title, title_fontsize=8)
    return fig


def _zero_share_on_its_scale(ax: Axes, metric: str, values: NDArray[np.float64], axis: str) -> None:
    """A bounded metric (a share) that is zero throughout is drawn on its own scale (0-1), not on
    matplotlib's default range around 0."""
    output = OUTPUT_BY_NAME.get(metric)
    if output and output.bounds and output.bounds[0] == 0 and not np.nanmax(np.abs(values), initial=0.0) > 0:
        top = output.bounds[1]
        (ax.set_xlim if axis == "x" else ax.set_ylim)(-0.02 * top, top)  # the zero line off the frame


def final_year_bars(
    table: pd.DataFrame, metrics: str | Sequence[str], baseline: str | None = None, over: str = "replicates"
) -> Figure:
    """One panel per metric: the final-year mean of each group with its 95% confidence interval over
    the group's runs (``over`` names them in the title). The baseline (``baseline``, else the one
    ``comparison_table`` noted in ``table.attrs``) is grey."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    baseline = baseline if baseline is not None else table.attrs.get("baseline")
    keys = _group_keys(table)
    first = table[table["metric"] == metrics[0]]
    n_groups = len(first)
    fig, axes = _grid(len(metrics), 2, (6.4, 1.3 + 0.34 * n_groups))
    for ax, metric in zip(axes, metrics, strict=False):
        rows = table[table["metric"] == metric].reset_index(drop=True)
        labels = group_labels(rows, keys)
        y = np.arange(len(rows))[::-1]
        is_base = (rows[keys[0]].astype(str) == str(baseline)).to_numpy()
        colours = [BASELINE_COLOUR if b else "tab:blue" for b in is_base]
        err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]])
        ax.barh(y, rows["mean"], color=colours, xerr=np.nan_to_num(err), capsize=2, ecolor="0.2")
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_title(metric_title(metric, 40), fontsize=9)
        ax.set_xlabel(f"final-year mean ({OUTPUT_BY_NAME[metric].unit})")
        _zero_share_on_its_scale(ax, metric, rows[["mean", "ci_high"]].to_numpy(dtype=float), axis="x")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Final-year outcomes: mean and 95% confidence interval over {over} (grey: baseline)",
                 fontsize=10)
    return fig


def power_indices(table: pd.DataFrame) -> Figure:
    """Rowlands' four powers per group (0-1): power within, with, to, and over (the last is the
    subcontractors' power over workers: lower is better for them)."""
    present = [m for m in POWER_INDICES if m in set(table["metric"])]
    keys = _group_keys(table)
    groups = group_labels(table[table["metric"] == present[0]].reset_index(drop=True), keys).tolist()
    fig = Figure(figsize=(9.5, 1.2 + 0.42 * len(groups)), layout="constrained")
    ax = fig.subplots()
    height = 0.8 / len(present)
    colours = _colours(len(present))
    y0 = np.arange(len(groups))[::-1]
    for i, metric in enumerate(present):
        rows = table[table["metric"] == metric].reset_index(drop=True)
        err = np.nan_to_num(np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]]))
        ax.barh(y0 + 0.4 - (i + 0.5) * height, rows["mean"], height=height, color=colours[i], xerr=err,
                capsize=1.5, ecolor="0.3", label=f"{metric}: {OUTPUT_BY_NAME[metric].meaning}")
    ax.set_yticks(y0, groups, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("final-year mean (0-1) with 95% confidence interval")
    ax.set_title("Power indices (Rowlands): within, with, to (workers'); over (subcontractors' over workers)",
                 fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", fontsize=7, ncols=1)
    return fig


def power_cube(runs: pd.DataFrame, group: str = "scenario") -> Figure:
    """Gaventa's Power Cube: the network's effort by space (closed, invited, claimed) and by level
    (local, national, global), final-year mean per group, hours/week."""
    fig = Figure(figsize=(11, 1.4 + 0.4 * runs[group].nunique()), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    means = runs.groupby(group, sort=False)[[*CUBE_SPACES, *CUBE_LEVELS]].mean()
    y = np.arange(len(means))[::-1]
    for ax, parts, title in ((axes[0], CUBE_SPACES, "spaces"), (axes[1], CUBE_LEVELS, "levels")):
        left = np.zeros(len(means))
        for colour, name in zip(_colours(len(parts)), parts, strict=True):
            ax.barh(y, means[name], left=left, color=colour, label=name.removeprefix("effort_"))
            left = left + means[name].to_numpy()
        ax.set_title(f"Network effort by {title}", fontsize=10)
        ax.set_xlabel(f"final-year mean ({OUTPUT_BY_NAME[parts[0]].unit})")
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, [str(i) for i in means.index], fontsize=8)
    fig.suptitle("Power Cube (Gaventa): where and at which level the workers' network spends its hours",
                 fontsize=10)
    return fig


def sensitivity_bars(indices: pd.DataFrame, top: int = 12) -> Figure:
    """Per method and outcome, the ``top`` most influential parameters: Morris ``mu_star`` (bars,
    with confidence) and ``sigma`` (dots), or Sobol total ``ST`` and first-order ``S1`` indices."""
    panels = list(indices.groupby(["method", "outcome"], sort=False))
    fig, axes = _grid(len(panels), 2, (6.4, 0.9 + 0.3 * top))
    for ax, ((method, outcome), part) in zip(axes, panels, strict=False):
        if method == "morris":
            part = part.sort_values("mu_star", ascending=False).head(top)
            y = np.arange(len(part))[::-1]
            ax.barh(y, part["mu_star"], xerr=np.nan_to_num(part["mu_star_conf"].to_numpy()), color="tab:blue",
                    capsize=2, label="mu* (mean |elementary effect|)")
            ax.plot(part["sigma"], y, "o", color="tab:orange", ms=4, label="sigma (interactions, non-linearity)")
            ax.set_xlabel(f"effect on {outcome} ({OUTPUT_BY_NAME[outcome].unit}) over the parameter's range")
        else:
            part = part.sort_values("ST", ascending=False).head(top)
            y = np.arange(len(part))[::-1]
            ax.barh(y + 0.2, part["ST"], height=0.4, xerr=np.nan_to_num(part["ST_conf"].to_numpy()),
                    color="tab:blue", capsize=2, label="ST (total)")
            ax.barh(y - 0.2, part["S1"], height=0.4, xerr=np.nan_to_num(part["S1_conf"].to_numpy()),
                    color="tab:orange", capsize=2, label="S1 (first order)")
            ax.set_xlabel(f"share of the variance of {outcome}")
        ax.set_yticks(y, part["parameter"], fontsize=8)
        ax.set_title(f"{method.capitalize()}: {metric_title(outcome, 44)}", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8,
               title="error bars: 95% bootstrap confidence intervals", title_fontsize=8)
    return fig


def regret_plot(regret: pd.DataFrame) -> Figure:
    """Per outcome, the distribution of each policy's regret over the states of the world (box:
    quartiles, whiskers: 5-95%, diamond: maximum regret). Regret is how far a policy falls short
    of the best policy in the same state, in the outcome's unit; 0 is best."""
    outcomes = list(pd.unique(regret["outcome"]))
    policies = list(pd.unique(regret["scenario"]))
    fig, axes = _grid(len(outcomes), 2, (6.0, 1.0 + 0.4 * len(policies)))
    for ax, outcome in zip(axes, outcomes, strict=False):
        part = regret[regret["outcome"] == outcome]
        data = [part.loc[part["scenario"] == p, "regret"].to_numpy() for p in policies]
        y = np.arange(len(policies))[::-1]
        ax.boxplot(data, positions=y, whis=(5, 95), widths=0.6, showfliers=False, **HORIZONTAL)
        ax.plot([d.max() if d.size else np.nan for d in data], y, "D", color="tab:red", ms=4, label="maximum regret")
        ax.set_yticks(y, policies, fontsize=8)
        direction = part["direction"].iloc[0] if "direction" in part else "max"
        ax.set_title(metric_title(outcome, 44) + f"\n(best = {'highest' if direction == 'max' else 'lowest'})",
                     fontsize=9)
        ax.set_xlabel(f"regret ({OUTPUT_BY_NAME[outcome].unit})")
        ax.grid(axis="x", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", fontsize=8,
               title="regret over the states of the world: box = quartiles, whiskers = 5-95%, 0 = best policy",
               title_fontsize=8)
    return fig


def _column(runs: pd.DataFrame, name: str) -> str:
    if name in runs.columns:
        return name
    if f"param.{name}" in runs.columns:
        return f"param.{name}"
    raise RumahanInputError(f"column '{name}' is not in the runs table")


#: Heatmap cells per axis above which tick labels are thinned (a grid sweep rarely has more).
MAX_LABELLED_LEVELS = 25


def _levels(values: pd.Index) -> list[str]:
    return [f"{v:g}" if isinstance(v, float) else str(v) for v in values]


def heatmap(runs: pd.DataFrame, x: str, y: str, metric: str) -> Figure:
    """Mean of ``metric`` over runs for each (x, y) pair of values; ``x`` and ``y`` are columns
    of the runs table (a bare parameter name means its ``param.`` column). Meant for grid
    sweeps; with many distinct values (a sample) the figure keeps a bounded size."""
    xc, yc = _column(runs, x), _column(runs, y)
    pivot = runs.pivot_table(index=yc, columns=xc, values=metric, aggfunc="mean").sort_index(ascending=False)
    width = min(14.0, 1.6 + 0.9 * pivot.shape[1])
    height = min(10.0, 1.4 + 0.6 * pivot.shape[0])
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(pivot.to_numpy(), aspect="auto", cmap="viridis", interpolation="nearest")
    for levels, set_ticks in ((pivot.columns, ax.set_xticks), (pivot.index, ax.set_yticks)):
        step = max(1, int(np.ceil(len(levels) / MAX_LABELLED_LEVELS)))
        positions = range(0, len(levels), step)
        set_ticks(list(positions), [_levels(levels)[i] for i in positions])
    ax.set_xlabel(parameter_axis(xc))
    ax.set_ylabel(parameter_axis(yc))
    values = pivot.to_numpy()
    if values.size <= 150:
        middle = np.nanmean(values)
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7, color="white" if v < middle else "black")
    fig.colorbar(image, ax=ax, label=metric_axis(metric))
    ax.set_title(f"{metric_title(metric)}\nmean over replicates", fontsize=9)
    return fig


def percent(share: float) -> str:
    """``share`` as a whole percentage, with no minus sign on a share that rounds to 0."""
    return f"{round(float(share), 2) + 0.0:.0%}"


def ablation_bars(table: pd.DataFrame) -> Figure:
    """Mechanism ablation (``experiments.ablation``): one panel per outcome, a horizontal bar per
    channel for the part of the scenario's effect (its difference from the comparison scenario) that
    the channel carries, with its 95% confidence interval; the effect with every channel on is the
    dashed line, its interval the shaded band. A channel's share of the effect, where that effect's
    interval excludes 0, follows its name."""
    outcomes = list(pd.unique(table["outcome"]))
    channels = list(pd.unique(table["channel"]))
    fig, axes = _grid(len(outcomes), 2, (6.4, 1.6 + 0.34 * len(channels)))
    first = table.iloc[0]
    scenario, against = first["scenario"], first["against"]
    clear, unclear = "tab:blue", "0.72"
    for ax, outcome in zip(axes, outcomes, strict=False):
        rows = table[table["outcome"] == outcome].reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        excludes = ((rows["carried_ci_low"] > 0) | (rows["carried_ci_high"] < 0)).to_numpy()
        err = np.vstack([rows["carried"] - rows["carried_ci_low"], rows["carried_ci_high"] - rows["carried"]])
        ax.barh(y, rows["carried"], color=[clear if e else unclear for e in excludes], xerr=np.nan_to_num(err),
                capsize=2, ecolor="0.2")
        effect = rows.loc[0, ["effect_all", "effect_all_ci_low", "effect_all_ci_high"]].to_numpy(dtype=float)
        ax.axvspan(effect[1], effect[2], color="tab:red", alpha=0.12, lw=0, zorder=0)
        ax.axvline(effect[0], color="tab:red", ls="--", lw=1.2)
        ax.axvline(0, color="0.2", lw=0.8)
        labels = [name.removeprefix("channel_") + ("" if np.isnan(share) else f" ({percent(share)})")
                  for name, share in zip(rows["channel"], rows["share"], strict=True)]
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_title(metric_title(outcome, 44), fontsize=9)
        ax.set_xlabel(f"difference {scenario} − {against} ({OUTPUT_BY_NAME[outcome].unit})", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    from matplotlib.patches import Patch

    handles = [
        Patch(color=clear, label="carried by the channel, 95% CI excludes 0"),
        Patch(color=unclear, label="carried by the channel, 95% CI includes 0"),
        Line2D([], [], color="0.2", marker="|", ms=8, lw=1, label="95% confidence interval of what it carries"),
        Line2D([], [], color="tab:red", ls="--", lw=1.2, label="effect with every channel on"),
        Patch(color="tab:red", alpha=0.12, label="95% CI of the effect with every channel on"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8,
               title="(n%) after a channel: its share of the effect, where the effect's CI excludes 0",
               title_fontsize=8)
    fig.suptitle(f"Mechanism ablation: how much of {scenario} − {against} each causal channel carries\n"
                 f"(effect with every channel on minus the effect with that channel off in both; final-year "
                 f"means, paired over {int(first['n'])} replicates)", fontsize=10)
    return fig
