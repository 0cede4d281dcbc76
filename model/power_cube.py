"""Gaventa's Power Cube [brief §3.1]: the spaces, levels and forms of power the model counts.

The network's weekly hours are counted by space and by level (metrics ``effort_<space>``,
``effort_<level>``); power exercised over workers is counted by form (``visible_power_acts``,
``hidden_power_acts``, ``invisible_power_loss``).
"""

from __future__ import annotations

SPACES: tuple[str, ...] = ("closed", "invited", "claimed")
LEVELS: tuple[str, ...] = ("local", "national", "global")
FORMS: tuple[str, ...] = ("visible", "hidden", "invisible")
#: The metrics of the network's effort by space and by level (hours/week).
SPACE_METRICS: tuple[str, ...] = tuple(f"effort_{space}" for space in SPACES)
LEVEL_METRICS: tuple[str, ...] = tuple(f"effort_{level}" for level in LEVELS)
