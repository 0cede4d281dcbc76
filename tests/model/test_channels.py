"""Each causal channel switch (``model.params.CHANNELS``) turns its mechanism off, and only that:
with every switch on the model is the model; with one off, the quantities that mechanism moves
change in a world where it acts."""

from __future__ import annotations

import pytest

from rumahan.model import PuttingOutModel
from rumahan.model.params import CHANNELS

#: An organized area with a floor, inspections, framing and tokenism, where every channel acts.
WORLD = dict(n_workers=400, n_subcontractors=8, initial_membership=0.7, effort_bargaining=0.5,
             retaliation_propensity=0.9, framing_intensity=0.6, tokenism=0.8, switching_rate=0.1)
SCHEDULE = [(8, {"recognition": True, "floor_share": 0.2, "inspection_probability": 0.3})]
#: What each channel moves (metric), in the run with every channel on.
MOVES = {
    "channel_entitlement": "piece_rate_mean",
    "channel_agreements": "agreements_active",
    "channel_floor": "floor_rate",
    "channel_retaliation": "hidden_power_acts",
    "channel_cascade": "participation_rate",
    "channel_framing": "invisible_power_loss",
    "channel_tokenism": "advocacy_absorbed",
    "channel_exit": "order_share_mean",
    "channel_switching": "rate_cv_subcontractors",
}


def _run(**switches: bool):
    model = PuttingOutModel(seed=21, schedule=SCHEDULE, **WORLD, **switches)
    model.run_weeks(60)
    return model.datacollector.get_model_vars_dataframe()


def test_every_channel_has_a_metric_it_moves() -> None:
    assert set(MOVES) == set(CHANNELS)


def test_all_channels_on_is_the_default_model() -> None:
    assert _run().equals(_run(**dict.fromkeys(CHANNELS, True)))


@pytest.mark.parametrize("channel", CHANNELS)
def test_switching_a_channel_off_removes_what_it_moves(channel: str) -> None:
    on, off = _run(), _run(**{channel: False})
    metric = MOVES[channel]
    assert on[metric].abs().sum() > 0, f"{metric} never moved with {channel} on: the test world is too quiet"
    assert not on[metric].equals(off[metric]), f"{channel} off left {metric} unchanged"
    if channel not in ("channel_entitlement", "channel_retaliation", "channel_exit", "channel_switching"):
        # entitlement moves rates only through reservation values; without retaliation more
        # demands end in exits and blacklistings (the other hidden-power acts, test below)
        assert off[metric].abs().sum() < on[metric].abs().sum()


def test_without_the_retaliation_channel_no_subcontractor_retaliates() -> None:
    def retaliations(**switches: bool) -> int:
        model = PuttingOutModel(seed=21, schedule=SCHEDULE, **WORLD, **switches)
        model.run_weeks(60)
        return sum(e["kind"] == "retaliation" for e in model.events)

    assert retaliations() > 0
    assert retaliations(channel_retaliation=False) == 0
