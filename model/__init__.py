"""Rumahan's model: bargaining power in a putting-out system of women home workers.

``PuttingOutModel`` is the Mesa model; ``model.params`` is the parameter registry;
``model.bargaining`` and ``model.collective`` hold the pure mechanisms.

``PuttingOutModel`` is imported on first use (PEP 562), so that ``from model import params``
does not import Mesa: the CLI's ``--help`` and parameter listings start at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rumahan.model.model import PuttingOutModel

__all__ = ["PuttingOutModel"]


def __getattr__(name: str) -> Any:
    if name == "PuttingOutModel":
        from rumahan.model.model import PuttingOutModel

        return PuttingOutModel
    raise AttributeError(f"module 'model' has no attribute '{name}'")
