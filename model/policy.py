"""The state's policy in force in a week, as one frozen snapshot that the phases read.

The state (model/agents/state.py) holds its levers and changes them (a scenario's schedule, a
concession, a ruling); every other phase reads a ``Policy`` it produces, never the state's
attributes. Derived quantities sit here with their rules [brief §2.12, §2.14, §6].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rumahan.model import params as registry
from rumahan.model.calendar import piece_rate_floor

#: The state's levers: the registry's levers of the state group (a scenario may schedule them;
#: concessions and rulings change some).
STATE_LEVERS: tuple[str, ...] = tuple(
    p.name for p in registry.PARAMETERS if p.role == "lever" and p.group == "state"
)


@dataclass(frozen=True)
class Policy:
    """The state's policy in force, and what follows from it, in one week.

    Levers (as in the registry): ``framing_intensity``, ``tokenism`` (0-1), ``recognition``,
    ``statistics_inclusion``, ``c177_ratified`` (bools), ``floor_share`` (share of the UMP
    equivalent), ``inspection_probability`` (1/week), ``fine_multiple``, ``back_pay_weeks``.

    Derived:
        legal_backing: support for workers' claims, 0-1: ``legal_weight_recognition`` x
            recognition + ``legal_weight_c177`` x C177 [brief §2.12, §2.14]. Used in bargaining
            strength, against retaliation, in judicial review, and as the reach of a floor.
        detection: share of violations an inspection finds: 1 once home work is counted and
            intermediaries registered, ``unregistered_detection`` before [brief §2.12 R184 para 6].
        hidden_power_factor: share of retaliation and blacklisting that still goes unseen: 1, or
            ``1 - visibility_protection`` once home workers are counted [brief §6].
        floor: the legal piece-rate floor this week, Rp/piece; 0 unless home workers are
            recognized and ``floor_share > 0`` (the UMP's hourly equivalent at the reference
            productivity, as in Thailand's Act [brief §2.14]).
        floor_reach: the share of home work a floor covers, 0-1: ``1 - framing_floor_exemption x
            framing_intensity``; framing books the rest as micro-enterprise production, which
            PP 36/2021 exempts from the minimum wage [brief §2.14]. 1 without the exemption.
    """

    framing_intensity: float
    tokenism: float
    recognition: bool
    statistics_inclusion: bool
    c177_ratified: bool
    floor_share: float
    inspection_probability: float
    fine_multiple: float
    back_pay_weeks: int
    legal_backing: float
    detection: float
    hidden_power_factor: float
    floor: float
    floor_reach: float = 1.0

    @classmethod
    def of(cls, levers: Mapping[str, Any], params: Mapping[str, Any], week: int) -> Policy:
        """The snapshot of ``levers`` (the state's) in ``week``; ``params`` give the weights."""
        recognition, c177 = levers["recognition"], levers["c177_ratified"]
        counted = levers["statistics_inclusion"]
        floor_share = levers["floor_share"]
        floor = 0.0
        if recognition and floor_share > 0 and params["channel_floor"]:
            floor = piece_rate_floor(week, floor_share, levers["floor_reference_productivity"], params["ump_growth"])
        framing = levers["framing_intensity"] * params["channel_framing"]
        return cls(
            framing_intensity=framing,
            tokenism=levers["tokenism"] * params["channel_tokenism"],
            recognition=recognition,
            statistics_inclusion=counted,
            c177_ratified=c177,
            floor_share=floor_share,
            inspection_probability=levers["inspection_probability"],
            fine_multiple=levers["fine_multiple"],
            back_pay_weeks=levers["back_pay_weeks"],
            legal_backing=params["legal_weight_recognition"] * recognition + params["legal_weight_c177"] * c177,
            detection=1.0 if counted else params["unregistered_detection"],
            hidden_power_factor=1.0 - params["visibility_protection"] * counted,
            floor=floor,
            floor_reach=1.0 - params["framing_floor_exemption"] * framing,
        )

    @property
    def policy_level(self) -> int:
        """Rungs won, 0-4: statistics, recognition, an enforced floor, C177."""
        enforced = self.recognition and self.floor_share > 0 and self.inspection_probability > 0
        return int(self.statistics_inclusion) + int(self.recognition) + int(enforced) + int(self.c177_ratified)
