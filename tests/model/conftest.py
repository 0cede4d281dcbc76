"""Shared fixtures for the model tests: small runs reused across tests."""

from __future__ import annotations

import pandas as pd
import pytest

from rumahan.model import PuttingOutModel

SMALL = {"n_workers": 400}


def _run_model(weeks: int, seed: int = 1, schedule=None, **params) -> PuttingOutModel:
    """A model stepped ``weeks`` times (400 workers unless given)."""
    model = PuttingOutModel(seed=seed, schedule=schedule, **{**SMALL, **params})
    model.run_weeks(weeks)
    return model


@pytest.fixture(scope="session")
def run_model():
    """``run_model(weeks, seed=1, schedule=None, **params)``: a stepped model."""
    return _run_model


@pytest.fixture(scope="session")
def baseline_run() -> PuttingOutModel:
    """A default-size status-quo run over two years."""
    return _run_model(104, seed=11, n_workers=2000)


def timeseries(model: PuttingOutModel) -> pd.DataFrame:
    """The model's weekly metrics."""
    return model.datacollector.get_model_vars_dataframe()
