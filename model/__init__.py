"""Rumahan's model: bargaining power in a putting-out system of women home workers.

``PuttingOutModel`` is the Mesa model; ``model.params`` is the parameter registry;
``model.bargaining`` and ``model.collective`` hold the pure mechanisms.
"""

from model.model import PuttingOutModel

__all__ = ["PuttingOutModel"]
