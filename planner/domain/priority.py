"""Priority weights of the call lists and the score they give a firm."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

RECENT_YEARS = 2


@dataclass(frozen=True)
class PriorityWeights:
    """What the coordinator values when ordering call lists (points, 0 = ignored).

    Attributes:
        headcount: points for the largest band, scaled down for smaller ones.
        priority_sector: points if the firm's NAF code starts with one of ``sectors``.
        never_contacted: points if the firm has no contact yet.
        recently_created: points if created less than ``RECENT_YEARS`` years ago.
        distance: points removed per 10 km from the adviser's base.
        sectors: NAF code prefixes (``56``, ``4711``, ``55.10Z``...).
        metiers: ROME codes whose needs already collected give ``priority_metier`` points.
        priority_metier: points if a need for one of ``metiers`` was collected.
    """

    headcount: float = 30.0
    priority_sector: float = 25.0
    never_contacted: float = 20.0
    recently_created: float = 10.0
    distance: float = 5.0
    priority_metier: float = 15.0
    sectors: tuple[str, ...] = field(default=())
    metiers: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sectors"] = list(self.sectors)
        data["metiers"] = list(self.metiers)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PriorityWeights:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in ("sectors", "metiers"):
                values[key] = tuple(str(v).replace(".", "").upper() for v in value)
            else:
                values[key] = float(value)
        return cls(**values)
