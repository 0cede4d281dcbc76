"""Batch results: open an output folder written by the CLI (a sweep, a comparison, a sensitivity
or robustness analysis, a single run, or a calibration), filter its runs, and see heatmaps over two
swept parameters, outcomes summarised by what the batch varies, sensitivity bars, the regret view,
effects over a calibration's posterior and the tables, with downloads; a calibration shows its fit
to the targets, its posterior and its generations (``dashboard.calibration``). Folders are read by ``experiments.storage.load_output``, summarised by
``experiments.summaries`` and drawn by ``dashboard.group_charts`` (interactive) and
``experiments.plots`` (sensitivity and regret)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from rumahan.dashboard import ablation, calibration, figures, group_charts
from rumahan.dashboard.labels import (
    metric_label,
    metric_option,
    parameter_option,
    parameter_title,
    scenario_option,
    scenario_title,
)
from rumahan.experiments.plots import heatmap_cells
from rumahan.experiments.records import OUTCOME_NAMES, param_column
from rumahan.experiments.report import choose_baseline, significant
from rumahan.experiments.storage import MANIFEST, OutputError, OutputFolder, load_output
from rumahan.experiments.summaries import describe, group_labels, summary_table

REPO = Path(__file__).resolve().parent.parent
#: Folders (under the repository and the working directory) searched for output folders.
SEARCHED = ("runs", "results", "output", "out")
FOLDER_KEY = "batch.folder"
#: Parameters with at most this many distinct values are filtered by picking values.
PICK_VALUES_UP_TO = 12
#: Most groups of runs (scenario x design point) drawn as bars, and as weekly lines.
MAX_GROUPS, MAX_LINES = 40, 8


def found_folders() -> list[str]:
    """Output folders (holding a manifest) up to three levels under the usual places."""
    roots = {REPO / name for name in SEARCHED} | {Path.cwd() / name for name in SEARCHED}
    found: set[Path] = set()
    for root in roots:
        if root.is_dir():
            for depth in ("*", "*/*", "*/*/*"):
                found.update(p.parent for p in root.glob(f"{depth}/{MANIFEST}"))
    return sorted(str(p) for p in found)


@st.cache_data(max_entries=8, show_spinner="Reading the folder…")
def read_folder(path: str, stamp: float) -> OutputFolder:
    """``load_output``, cached until the folder's manifest changes (``stamp``: its mtime)."""
    return load_output(path)


def resolve(path: str) -> Path:
    """``path`` as typed: absolute, or relative to the working directory, else to the repository."""
    typed = Path(path).expanduser()
    if typed.is_absolute() or typed.exists() or not (REPO / typed).exists():
        return typed
    return REPO / typed


def open_folder(path: str) -> OutputFolder:
    """Read ``path``; raises ``OutputError`` with a one-line message."""
    folder = resolve(path)
    manifest = folder / MANIFEST
    stamp = manifest.stat().st_mtime if manifest.is_file() else 0.0
    return read_folder(str(folder), stamp)


def chooser() -> None:
    """Pick a found folder or type a path; the chosen path is remembered in the session."""
    folders = found_folders()
    with st.form("batch_open"):
        cols = st.columns([1, 1])
        picked = cols[0].selectbox(
            "Folders found", folders, index=None, key="batch.found",
            placeholder="none found" if not folders else f"{len(folders)} found",
            help="Output folders under " + ", ".join(f"{n}/" for n in SEARCHED) + " of the repository.")
        typed = cols[1].text_input("Or a folder path", key="batch.typed",
                                   placeholder="e.g. runs/framing_sweep", help="A folder with a manifest.json.")
        if st.form_submit_button("Open folder", type="primary"):
            st.session_state[FOLDER_KEY] = typed.strip() or picked
            if not st.session_state[FOLDER_KEY]:
                st.session_state[FOLDER_KEY] = None


def overview(folder: OutputFolder) -> None:
    manifest, plan = folder.manifest, folder.manifest.get("plan", {})
    article = "An" if folder.kind[0] in "aeiou" else "A"
    st.subheader(f"{article} {folder.kind}: {folder.path}")
    if folder.kind != "run" and not folder.complete:
        st.warning(f"This batch has not finished ({manifest.get('runs_done', '?')} of "
                   f"{plan.get('runs_total', '?')} runs); these are the runs finished so far.")
    facts = {
        "created": manifest.get("created"), "command": manifest.get("command"),
        "scenarios": ", ".join(s.get("name", "?") for s in plan.get("scenarios", [])) or None,
        "varied parameters": ", ".join(plan.get("varied", [])) or None,
        "runs": None if folder.runs is None else len(folder.runs), "replicates": plan.get("replicates"),
        "weeks": plan.get("weeks"), "root seed": plan.get("root_seed"),
    }
    st.markdown("  \n".join(f"**{k}**: `{v}`" for k, v in facts.items() if v not in (None, "")))


def varied(folder: OutputFolder) -> list[str]:
    """Bare names of the parameters the batch varied."""
    names = folder.manifest.get("plan", {}).get("varied", [])
    return [n for n in names if folder.runs is not None and param_column(n) in folder.runs.columns]


def filtered_runs(folder: OutputFolder) -> pd.DataFrame:
    """The runs table with the user's filters (scenario and every varied parameter)."""
    runs = folder.runs
    with st.expander("Filter the runs", expanded=False):
        scenarios = list(pd.unique(runs["scenario"]))
        keep = st.multiselect("Scenarios", scenarios, default=scenarios, key=f"batch.f.scenario.{folder.path}",
                              format_func=scenario_option)
        runs = runs[runs["scenario"].isin(keep)]
        for name in varied(folder):
            column = param_column(name)
            values = sorted(pd.unique(folder.runs[column]))
            key = f"batch.f.{name}.{folder.path}"
            if len(values) <= PICK_VALUES_UP_TO or not pd.api.types.is_numeric_dtype(folder.runs[column]):
                chosen = st.multiselect(parameter_option(name), values, default=values, key=key, format_func=_short)
                runs = runs[runs[column].isin(chosen)]
            else:
                low, high = float(min(values)), float(max(values))
                chosen = st.slider(parameter_option(name), low, high, (low, high), key=key)
                runs = runs[runs[column].between(*chosen)]
    st.caption(f"{len(runs)} of {len(folder.runs)} runs selected.")
    return runs


def _short(value: object) -> str:
    """A filter value as people read it: 4 significant digits for a float (0.2083, 413.3)."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def heatmap_view(folder: OutputFolder, runs: pd.DataFrame) -> None:
    st.subheader("Heatmap over two swept parameters")
    axes = [*varied(folder), "scenario"]
    if len(axes) < 2:
        st.caption("This batch varied fewer than two things, so there is no heatmap.")
        return
    cols = st.columns(4)
    x = cols[0].selectbox("Across", axes, index=0, key="batch.hx", format_func=parameter_option)
    y = cols[1].selectbox("Up", [a for a in axes if a != x], index=0, key="batch.hy", format_func=parameter_option)
    metric = cols[2].selectbox("Outcome", list(OUTCOME_NAMES), key="batch.hm", format_func=metric_option,
                               index=list(OUTCOME_NAMES).index("earnings_to_ump"))
    cells = heatmap_cells(runs, x, y, metric)
    keys = [c for c in cells.columns if c not in ("mean", "runs")]
    names = group_labels(cells, keys, scenario=scenario_title, parameter=parameter_title).tolist()
    choices = ["the values themselves", *(f"difference from {n}" for n in names)]
    shown = cols[3].selectbox("Colour", choices, key="batch.hcolour",
                              help="The values on one colour scale for every panel, or each cell's difference from "
                                   "one cell, on a diverging scale centred on zero.")
    reference = None
    if shown != choices[0]:
        row = cells.iloc[choices.index(shown) - 1]
        reference = {k: row[k] for k in keys}
    st.caption("A panel per scenario, all on one colour scale; each cell is the mean over its runs."
               if reference is None else f"Each cell minus the cell {shown.removeprefix('difference from ')}: blue is higher, "
                                            "red lower.")
    group_charts.show(group_charts.heatmap_chart(runs, x, y, metric, reference))


def group_columns(folder: OutputFolder) -> list[str]:
    """Columns that make a group of runs: the scenario and the value of every varied parameter."""
    return ["scenario", *(param_column(n) for n in varied(folder))]


def _summary_rows(table: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """A summary table in words: a row per group, a column per outcome (``mean ±half`` to 3
    significant figures, ``*`` where the difference from the baseline's group is significant: q < 0.05,
    Benjamini-Hochberg, as in ``experiments.compare``)."""
    keys = table.attrs["keys"]
    groups = table[keys].drop_duplicates()
    out = pd.DataFrame({"group": table.attrs["labels"]})
    for metric in metrics:
        part = table[table["metric"] == metric].set_index(keys).reindex(
            pd.MultiIndex.from_frame(groups) if len(keys) > 1 else groups[keys[0]])
        half = (part["ci_high"] - part["ci_low"]) / 2
        mark = part["significant"].eq(True).map({True: " *", False: ""})
        out[metric_label(metric)] = [f"{significant(m)} ±{significant(h)}{k}" if pd.notna(h) else significant(m)
                                     for m, h, k in zip(part["mean"], half, mark, strict=True)]
    return out


def comparison_view(folder: OutputFolder, runs: pd.DataFrame) -> None:
    names = varied(folder)
    st.subheader("Outcomes by what the batch varies")
    by = None
    if names:
        kept = st.multiselect(
            "Summarise by", names, default=names, key=f"batch.by.{folder.path}", format_func=parameter_option,
            help="Keep these parameters apart: each row is a scenario at one value of each (all of them: one row "
                 "per design point). The parameters left out are averaged over; none kept pools the whole design, "
                 "and the rows say so.")
        by = kept if kept != names else None
    table = summary_table(runs, _baseline(folder, runs), names, by=["scenario", *by] if by is not None else None,
                          scenario=scenario_title, parameter=parameter_title)
    baseline = table.attrs.get("baseline")
    groups = len(table.attrs["labels"])
    points = runs["point"].nunique() if "point" in runs else 1
    st.caption(describe(names, by, points, int(runs["replicate"].nunique()) if "replicate" in runs else None) + ".")
    metrics = st.multiselect("Outcomes", list(OUTCOME_NAMES), key="batch.metrics", format_func=metric_option,
                             default=["piece_rate_mean", "earnings_to_ump", "membership_rate"])
    if not metrics:
        return
    st.table(_summary_rows(table, metrics).set_index("group"))  # wraps: every column shows at 1,280 px
    st.caption("Final-year means ±95% interval half-width, to 3 significant figures"
               + (f"; * marks a difference from {scenario_title(baseline)} at the same values "
                  f"({table.attrs['significance_note']}); grey "
                  f"in the charts is {scenario_title(baseline)}." if baseline else "."))
    if groups > MAX_GROUPS:
        st.info(f"{groups} groups of runs are too many to draw one bar each; summarise by fewer parameters or "
                f"filter the runs above (at most {MAX_GROUPS}).")
        return
    for metric in metrics:
        group_charts.show(group_charts.final_year_chart(table, metric, baseline))
    if folder.timeseries is not None:
        weekly_lines(folder, runs, table, metrics)


def weekly_lines(folder: OutputFolder, runs: pd.DataFrame, table: pd.DataFrame, metrics: list[str]) -> None:
    """The weekly means of each group of the summary with their bands and policy changes; with more
    groups than lines can be told apart, those of one design point (chosen) at a time."""
    keys, baseline = table.attrs["keys"], table.attrs.get("baseline")
    pooled, where = table.attrs["pooled"], ""
    if len(table.attrs["labels"]) > MAX_LINES and len(keys) > 1:
        points = runs[keys[1:]].drop_duplicates().reset_index(drop=True)
        names = group_labels(points, keys[1:], parameter=parameter_title).tolist()
        at = st.selectbox("Weekly lines at", range(len(names)), format_func=names.__getitem__,
                          key=f"batch.lines_at.{folder.path}",
                          help="The design point whose scenarios are drawn over time (all of them at once would be "
                               "too many lines to tell apart).")
        runs = runs[(runs[keys[1:]] == points.iloc[at]).all(axis=1)]
        keys, pooled, where = ["scenario"], 1, f" at {names[at]}"
    labels = dict(zip(runs["run_id"], group_labels(runs, keys, pooled, scenario_title, parameter_title), strict=True))
    if len(set(labels.values())) > MAX_LINES:
        st.caption(f"Filter or summarise to at most {MAX_LINES} groups to see the weekly lines.")
        return
    series = folder.timeseries[folder.timeseries["run_id"].isin(labels)]
    series = series.assign(group=series["run_id"].map(labels))
    events = folder.tables.get("events")
    if events is not None:
        events = events[events["run_id"].isin(labels)].assign(group=lambda e: e["run_id"].map(labels))
    grey = None
    if baseline is not None:  # the baseline's groups are grey only when it is the one scenario of a row
        grey_groups = {labels[r] for r in runs.loc[runs["scenario"] == baseline, "run_id"]}
        grey = next(iter(grey_groups)) if len(grey_groups) == 1 else None
    st.markdown(f"**Over time{where}**")
    cols = st.columns(2)
    for i, metric in enumerate(metrics):
        with cols[i % 2]:
            group_charts.show(group_charts.bands_chart(series, metric, events, group="group", baseline=grey),
                              stretch=True)
    notes = group_charts.event_notes(series, events, group="group")
    if notes:
        st.markdown("**Policy changes**  \n" + "  \n".join(notes))


def _baseline(folder: OutputFolder, runs: pd.DataFrame) -> str | None:
    baseline = folder.manifest.get("plan", {}).get("baseline") or choose_baseline(
        list(pd.unique(folder.runs["scenario"])))
    return baseline if baseline in set(runs["scenario"]) else None


#: Said under the analyses that use every run of the folder whatever the filter.
WHOLE_FOLDER = "Computed from every run of the folder; the filter above selects the runs of the tables below."


def sensitivity_view(folder: OutputFolder) -> None:
    indices = folder.tables.get("indices")
    st.subheader("Sensitivity: which uncertainties matter")
    if indices is None or indices.empty:
        st.info("This folder holds no sensitivity indices (indices.parquet).")
        return
    st.caption(WHOLE_FOLDER)
    outcomes = list(pd.unique(indices["outcome"]))
    chosen = st.multiselect("Outcomes", outcomes, default=outcomes[:2], key="batch.s_outcomes",
                            format_func=metric_option)
    top = st.slider("Parameters shown per outcome", 3, 30, 12, key="batch.s_top")
    part = indices[indices["outcome"].isin(chosen)]
    if not part.empty:
        figures.show("sensitivity_bars", part, top=top, alt="Sensitivity indices of the most influential parameters")


def robustness_view(folder: OutputFolder) -> None:
    regret = folder.tables.get("regret")
    st.subheader("Robustness: regret of each policy across states of the world")
    if regret is None or regret.empty:
        st.info("This folder holds no regret table (regret.parquet).")
        return
    st.caption("Regret is how far a policy falls short of the best policy in the same state of the world, in "
               "the outcome's unit; 0 is best. A robust policy has a small maximum regret. " + WHOLE_FOLDER)
    figures.show("regret_plot", regret, alt="Regret of each policy across states of the world")


def posterior_view(folder: OutputFolder) -> None:
    """Effects (or sensitivity indices) with calibration uncertainty, for a batch run over a
    calibration's posterior."""
    drawn = folder.manifest.get("plan", {}).get("posterior")
    effects, indices = folder.tables.get("posterior_effects"), folder.tables.get("posterior_indices")
    if not drawn or (effects is None and indices is None):
        return
    st.subheader("Over the calibration's posterior")
    st.caption(f"Every run took one of {drawn.get('draws')} parameter sets drawn from the calibration in "
               f"`{drawn.get('folder')}` ({', '.join(drawn.get('parameters', []))}). " + WHOLE_FOLDER)
    if effects is not None:
        st.markdown("Each policy's effect against the baseline per draw (the mean paired difference over the draw's "
                    "runs), summarised across draws: mean, 5-95% range, and the share of draws in which the effect "
                    "has the same sign.")
        st.dataframe(effects, hide_index=True, width="stretch")
    if indices is not None:
        st.markdown("The sensitivity analysis repeated on each draw alone: each index across draws (mean, 5th and "
                    "95th percentiles); for Morris, the share of draws in which mu (the signed effect) has the same "
                    "sign.")
        st.dataframe(indices, hide_index=True, width="stretch")


def run_view(folder: OutputFolder) -> None:
    st.subheader("Weekly outcomes")
    metrics = st.multiselect("Outcomes", list(OUTCOME_NAMES), key="batch.run_metrics", format_func=metric_option,
                             default=["piece_rate_mean", "membership_rate"])
    if metrics and folder.timeseries is not None:  # a panel per outcome: each on its own scale and unit
        series = folder.timeseries.assign(scenario=folder.manifest.get("scenario", {}).get("name", "run"))
        figures.show("timeseries_bands", series, metrics, alt="Weekly outcomes of the run, a panel each")


def tables_view(folder: OutputFolder, runs: pd.DataFrame) -> None:
    st.subheader("Tables")
    tables: dict[str, pd.DataFrame] = {"runs (selected)": runs, **folder.tables}
    name = st.selectbox("Table", list(tables), key="batch.table")
    frame = tables[name]
    # seeds reach 2**64, beyond the 2**53 a browser's numbers hold exactly: shown as text
    shown = frame.astype({c: str for c in ("seed", "root_seed") if c in frame.columns})
    st.dataframe(shown, hide_index=True, width="stretch", height=300)
    stem = f"{folder.path.name}_{name.split(' ')[0]}"
    st.download_button(f"Download {name} (CSV)", frame.to_csv(index=False).encode(), f"{stem}.csv",
                       mime="text/csv", key="batch.download", on_click="ignore")
    if folder.figures:
        with st.expander(f"Figures saved in the folder ({len(folder.figures)})"):
            for figure in folder.figures:
                try:
                    st.image(str(figure), caption=figure.name)
                except (OSError, ValueError) as exc:  # PIL's UnidentifiedImageError is an OSError
                    st.caption(f"{figure} is not a readable image ({type(exc).__name__}); skipped.")


def render() -> None:
    st.title("Batch results")
    st.markdown("Open a folder written by `rumahan sweep`, `rumahan sensitivity`, `rumahan robustness`, "
                "`rumahan compare --out`, `rumahan ablate`, `rumahan run --out` or `rumahan calibrate` to browse its results.")
    chooser()
    path = st.session_state.get(FOLDER_KEY)
    if not path:
        st.info("Choose or type a folder, then press **Open folder**.")
        return
    try:
        folder = open_folder(path)
    except OutputError as exc:
        st.error(f"This folder cannot be opened: {exc}")
        return
    except OSError as exc:
        st.error(f"This folder cannot be read: {exc}")
        return
    if folder.kind == "calibration":
        calibration.render(folder)
        return
    overview(folder)
    if folder.runs is None or folder.runs.empty:
        st.info("No run has finished in this folder yet.")
        return
    runs = filtered_runs(folder)
    if runs.empty:
        st.info("No run matches the filter; widen it above.")
    elif folder.kind == "sweep":
        heatmap_view(folder, runs)
        comparison_view(folder, runs)
        posterior_view(folder)
    elif folder.kind == "comparison":
        comparison_view(folder, runs)
        posterior_view(folder)
    elif folder.kind == "sensitivity":
        sensitivity_view(folder)
        posterior_view(folder)
    elif folder.kind == "ablation":
        ablation.render(folder)
        comparison_view(folder, runs)
    elif folder.kind == "robustness":
        robustness_view(folder)
        comparison_view(folder, runs)
        posterior_view(folder)
    else:
        run_view(folder)
    tables_view(folder, runs)


render()
