"""Optional parts of Rumahan (pip extras): check that one is installed before a command needs it.

The core install (model, experiments, CLI, Parquet, SALib, plots) does not need the extras'
packages; each command that does asks ``require_extra`` first, which refuses in one line naming
what to install (``RumahanInputError``: the CLI prints it and exits with 2, no traceback).
"""

from __future__ import annotations

import importlib.util

from rumahan.model.errors import RumahanInputError

#: Each extra and the top-level modules it provides (as imported).
EXTRAS: dict[str, tuple[str, ...]] = {
    "dashboard": ("streamlit", "altair"),
    "dask": ("dask", "distributed"),
    "calibrate": ("pyabc",),
    "ema": ("ema_workbench",),
}


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here (empty when the extra is installed)."""
    if extra not in EXTRAS:
        raise RumahanInputError(f"extra {extra!r} is not one of {', '.join(sorted(EXTRAS))}")
    missing = []
    for name in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def require_extra(extra: str, what: str) -> None:
    """Raise a one-line ``RumahanInputError`` if ``extra`` is not installed, e.g.
    ``rumahan dashboard needs the [dashboard] extra (streamlit is not installed): pip install 'rumahan[dashboard]'``.
    ``what`` names the feature that needs it."""
    missing = missing_modules(extra)
    if missing:
        raise RumahanInputError(
            f"{what} needs the [{extra}] extra ({', '.join(missing)} not installed): "
            f"pip install 'rumahan[{extra}]'"
        )
