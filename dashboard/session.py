"""What the dashboard remembers between reruns and pages (``st.session_state``), and the URL.

The current run configuration is the single source of truth: the Explore page's widgets are
filled from it, the URL's query parameters mirror it, and the Share page downloads it. Results
are kept with the configuration that produced them, so a failed run never erases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from rumahan.dashboard.parameter_widgets import forget_all
from rumahan.dashboard.run_config import PAGE_KEY_PREFIX, RunConfig
from rumahan.experiments.runner import RunResult

CONFIG = "config"
URL_READ = "url_read"
URL_PROBLEM = "url_problem"
RUN = "run"
RUN_ERROR = "run_error"
COMPARISON = "comparison"
COMPARE_ERROR = "compare_error"
PAGE_QUERY = "page_query"


@dataclass(frozen=True)
class FinishedRun:
    """A run's result with the configuration that produced it."""

    config: RunConfig
    result: RunResult


def start() -> None:
    """On a session's first script run, read the configuration from the URL (what cannot be
    used is left out, with a message for the Explore page); afterwards keep the URL in step."""
    if not st.session_state.get(URL_READ):
        st.session_state[URL_READ] = True
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        config, problems = RunConfig.read_query(query) if query else (RunConfig(), [])
        if problems:
            st.session_state[URL_PROBLEM] = "; ".join(problems)
        st.session_state[CONFIG] = config
    write_url()


def config() -> RunConfig:
    return st.session_state.get(CONFIG) or RunConfig()


def set_config(new: RunConfig, *, reset_widgets: bool = False) -> None:
    """Make ``new`` the current configuration (and the URL); ``reset_widgets`` refills the
    Explore widgets from it."""
    st.session_state[CONFIG] = new
    if reset_widgets:
        forget_all()
    write_url()


def write_url(page: str | None = None) -> None:
    """Mirror the current configuration in the page's query parameters, with the settings of
    ``page`` (its URL path) if that page gave some with ``set_page_query`` in this run. Without
    ``page`` (before a page has run), the URL's own page settings are kept as they are."""
    wanted = config().to_query()
    current = {key: st.query_params.get(key) for key in st.query_params}
    if page is None:
        wanted.update({key: value for key, value in current.items() if key.startswith(PAGE_KEY_PREFIX)})
    else:
        owner, extra = st.session_state.pop(PAGE_QUERY, (None, {}))
        if owner == page:
            wanted.update(extra)
    if current != wanted:
        st.query_params.from_dict(wanted)


def set_page_query(page: str, query: dict[str, str]) -> None:
    """Settings of the page at URL path ``page`` to keep in the URL (keys starting with
    ``run_config.PAGE_KEY_PREFIX``) at the end of this run, next to the run configuration."""
    st.session_state[PAGE_QUERY] = (page, dict(query))


def take_url_problem() -> str | None:
    """The message about a URL that could not be read, once."""
    return st.session_state.pop(URL_PROBLEM, None)


def finished_run() -> FinishedRun | None:
    return st.session_state.get(RUN)


def keep_run(config_: RunConfig, result: RunResult) -> None:
    st.session_state[RUN] = FinishedRun(config_, result)
    st.session_state.pop(RUN_ERROR, None)


def run_error() -> tuple[RunConfig, str] | None:
    return st.session_state.get(RUN_ERROR)


def keep_run_error(config_: RunConfig, message: str) -> None:
    st.session_state[RUN_ERROR] = (config_, message)


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value
