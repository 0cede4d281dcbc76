"""Share and reproduce: the current configuration as a link and as a scenario TOML that
``rumahan run --scenario FILE`` reproduces exactly; load such a file back; download results as
CSV and Parquet."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from rumahan.dashboard import session
from rumahan.dashboard.labels import scenario_heading, scenario_option
from rumahan.dashboard.run_charts import events_frame
from rumahan.dashboard.run_config import ConfigError, RunConfig, format_value
from rumahan.model import params as registry

UPLOAD_KEY = "share.upload"
LOADED_KEY = "share.loaded_file"


def share_link(config: RunConfig) -> str:
    """The URL that opens the dashboard on this configuration (relative when the app's address
    is unknown)."""
    query = urlencode(config.to_query())
    url = st.context.url
    if not url:
        return f"?{query}"
    base = url.rstrip("/")
    if base.endswith("/share"):
        base = base.removesuffix("/share")
    return f"{base}/?{query}"


def file_stem(config: RunConfig) -> str:
    return f"rumahan_{config.to_scenario().name}_seed{config.seed}_{config.weeks}w"


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def table_downloads(frame: pd.DataFrame, stem: str, what: str, key: str) -> None:
    """CSV and Parquet buttons for one table."""
    cols = st.columns(2)
    cols[0].download_button(f"{what} (CSV)", frame.to_csv(index=False).encode(), f"{stem}.csv",
                            mime="text/csv", key=f"{key}.csv", on_click="ignore", width="stretch")
    cols[1].download_button(f"{what} (Parquet)", parquet_bytes(frame), f"{stem}.parquet",
                            mime="application/vnd.apache.parquet", key=f"{key}.parquet", on_click="ignore",
                            width="stretch")


def _scenario_value(config: RunConfig, name: str) -> str:
    base = config.base().parameters
    if name in base:
        return format_value(base[name])
    return f"{format_value(registry.get(name).default)} (default)"


def configuration(config: RunConfig) -> None:
    st.header("This configuration")
    st.markdown(f"Scenario {scenario_heading(config.scenario)}, seed **{config.seed}**, **{config.weeks}** weeks.")
    if config.changes:
        st.dataframe(
            pd.DataFrame(
                [(name, format_value(value), _scenario_value(config, name)) for name, value in config.changes],
                columns=["parameter", "value", "scenario's value"],
            ),
            hide_index=True,
        )
    else:
        st.caption("No parameter is changed from the scenario.")
    st.subheader("Link")
    st.markdown("The page's address always holds the configuration; copy this link to share it:")
    st.code(share_link(config), language=None, wrap_lines=True)
    st.subheader("Scenario file")
    toml = config.to_toml()
    name = f"{config.to_scenario().name}.toml"
    st.download_button("Download scenario TOML", toml.encode(), name, mime="application/toml",
                       key="share.toml", on_click="ignore", type="primary")
    st.markdown(f"Run it from a terminal; the `[run]` table holds the seed and weeks, so this gives exactly "
                f"the same weekly results:\n\n```bash\nrumahan run --scenario {name} --out runs/{name[:-5]}\n```")
    with st.expander("Show the file"):
        st.code(toml, language="toml")


def load_file() -> None:
    st.header("Load a scenario file")
    upload = st.file_uploader("A scenario TOML (for example one downloaded here)", type=["toml"], key=UPLOAD_KEY)
    if upload is None:
        return
    if st.session_state.get(LOADED_KEY, (None,))[0] == upload.file_id:
        message = st.session_state[LOADED_KEY][1]
    else:
        try:
            loaded = RunConfig.from_toml(upload.getvalue().decode("utf-8-sig"), upload.name)  # -sig: drop a BOM
        except ConfigError as exc:
            detail = str(exc).removeprefix(f"{upload.name}: ")  # the file is named once
            message = ("error", f"{upload.name} cannot be used: {detail}")
        except UnicodeDecodeError as exc:
            message = ("error", f"{upload.name} cannot be used: it is not UTF-8 text (byte {exc.start}); "
                                "save it as UTF-8 and upload it again")
        else:
            session.set_config(loaded, reset_widgets=True)
            message = ("success", f"Loaded {upload.name}: scenario {scenario_option(loaded.scenario)}, seed {loaded.seed}, "
                                  f"{loaded.weeks} weeks. {loaded.describe_changes()}")
        st.session_state[LOADED_KEY] = (upload.file_id, message)
        if message[0] == "success":
            st.rerun()  # so that the sections above show the loaded configuration
    getattr(st, message[0])(message[1])
    if message[0] == "success":
        st.page_link("explore.py", label="Open it on the Explore page", icon=":material/play_circle:")


def run_results() -> None:
    st.header("Results")
    finished = session.finished_run()
    if finished is None:
        st.info("No run yet: run one on the Explore page.")
        st.page_link("explore.py", label="Explore a run", icon=":material/play_circle:")
        return
    config, result = finished.config, finished.result
    st.markdown(f"The last run: {scenario_heading(config.scenario)}, seed {config.seed}, {config.weeks} weeks. "
                f"{config.describe_changes()}")
    if config != session.config():
        st.warning("These results are from a different configuration than the one above; run it on the "
                   "Explore page to get its results.")
    stem = file_stem(config)
    table_downloads(result.timeseries, f"{stem}_timeseries", "Weekly outcomes", "share.timeseries")
    table_downloads(events_frame(result.events), f"{stem}_events", "Events", "share.events")
    summary = json.dumps({"scenario": config.scenario, "seed": result.seed, "weeks": result.weeks,
                          "parameters": result.params, "final_year_means": result.summary}, indent=1)
    st.download_button("Final-year summary and parameters (JSON)", summary.encode(), f"{stem}_summary.json",
                       mime="application/json", key="share.summary", on_click="ignore")
    comparison = session.get(session.COMPARISON)
    if comparison is not None:
        st.subheader("Scenario comparison")
        _, found = comparison
        table_downloads(found.table, "rumahan_comparison_table", "Final-year table", "share.cmp_table")
        table_downloads(found.runs, "rumahan_comparison_runs", "One row per run", "share.cmp_runs")
        table_downloads(found.timeseries, "rumahan_comparison_timeseries", "Weekly outcomes of every run",
                        "share.cmp_series")


def render() -> None:
    st.title("Share and reproduce")
    st.markdown("Everything needed to see the same results again: a link, a scenario file for the command "
                "line, and the results as tables.")
    configuration(session.config())
    load_file()
    run_results()


render()
