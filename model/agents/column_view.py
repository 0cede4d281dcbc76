"""A Mesa agent that is a view onto one row of a struct-of-arrays (the model's columns).

Home workers and subcontractors keep their state in numpy columns so that the weekly rules run
vectorised (DESIGN §8 "Speed"); their agent objects read and write one row of those columns.
"""

from __future__ import annotations

from typing import Any, ClassVar

import mesa


class ColumnView(mesa.Agent):
    """Agent whose attributes named in ``FIELDS`` live at ``model.<COLUMNS>.<field>[row]``.

    Reading ``agent.field`` returns the current value (a Python scalar); assigning it writes the
    column. Subclasses set ``COLUMNS`` (the model attribute holding the columns) and ``FIELDS``.
    """

    COLUMNS: ClassVar[str]
    FIELDS: ClassVar[frozenset[str]]

    def __init__(self, model: mesa.Model, row: int) -> None:
        super().__init__(model)
        self.row = row

    def __getattr__(self, name: str) -> Any:
        if name in type(self).FIELDS:
            value = getattr(getattr(self.model, self.COLUMNS), name)[self.row]
            return value.item() if hasattr(value, "item") else value
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).FIELDS:
            getattr(getattr(self.model, self.COLUMNS), name)[self.row] = value
        else:
            super().__setattr__(name, value)
