"""Rumahan's dashboard: the entry point that ``rumahan dashboard`` and ``make dashboard`` start
(``streamlit run dashboard/app.py``). It reads the configuration from the URL and hands over to
one of the pages, each a small module in this folder."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from rumahan.dashboard import session

HERE = Path(__file__).parent

#: The pages: file, title, icon, URL path. Explore is the landing page.
PAGES = (
    ("explore.py", "Explore a run", ":material/play_circle:", "explore"),
    ("compare.py", "Compare scenarios", ":material/compare_arrows:", "compare"),
    ("batch.py", "Batch results", ":material/folder_open:", "batch"),
    ("learn.py", "Learn the model", ":material/school:", "learn"),
    ("lab.py", "Collective action lab", ":material/hub:", "lab"),
    ("share.py", "Share and reproduce", ":material/share:", "share"),
)


def main() -> None:
    st.set_page_config(page_title="Rumahan", page_icon=":material/home_work:", layout="wide")
    session.start()
    pages = [
        st.Page(HERE / file, title=title, icon=icon, url_path=path, default=(i == 0))
        for i, (file, title, icon, path) in enumerate(PAGES)
    ]
    page = st.navigation(pages)
    problem = session.take_url_problem()  # on whichever page the link opens
    if problem:
        st.warning(f"Some of the link's settings could not be used and were left out: {problem}")
    try:
        page.run()
    except Exception as exc:  # a safety net: a message in the page, the traceback in the server's log
        logging.getLogger("rumahan.dashboard").exception("page %s failed", page.title)
        st.error(f"Something went wrong on this page ({type(exc).__name__}: {exc}). Earlier results are kept; "
                 "please report this with the link of this page.")
    session.write_url(page.url_path)


main()
