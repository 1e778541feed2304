"""Priority weights of the call lists and the score they give a firm."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from planner.domain.json_types import JsonObject

RECENT_YEARS = 2

# What call lists do with firms already supported by another scheme.
SUPPORTED_POLICIES: dict[str, str] = {
    "flag": "Les signaler (colonne « Déjà accompagnée »)",
    "exclude": "Les écarter des listes d'appels",
}
NUMBER_FIELDS = (
    "headcount",
    "priority_sector",
    "never_contacted",
    "recently_created",
    "distance",
    "priority_metier",
)
CODE_FIELDS = ("sectors", "metiers", "bmo_metiers")


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
        bmo_metiers: BMO métiers (FAP 2021 codes) the coordinator chose as
            priorities from the bassin's métiers in tension; kept for session
            themes and call-list briefs (they are not ROME codes, so they do
            not match collected needs).
        supported_policy: ``flag`` or ``exclude`` firms already supported
            (see :data:`SUPPORTED_POLICIES`).
    """

    headcount: float = 30.0
    priority_sector: float = 25.0
    never_contacted: float = 20.0
    recently_created: float = 10.0
    distance: float = 5.0
    priority_metier: float = 15.0
    sectors: tuple[str, ...] = field(default=())
    metiers: tuple[str, ...] = field(default=())
    bmo_metiers: tuple[str, ...] = field(default=())
    supported_policy: str = "flag"

    def __post_init__(self) -> None:
        if self.supported_policy not in SUPPORTED_POLICIES:
            raise ValueError(f"unknown supported_policy {self.supported_policy!r}")

    def to_json(self) -> JsonObject:
        data = asdict(self)
        for key in CODE_FIELDS:
            data[key] = list(getattr(self, key))
        return data

    @classmethod
    def from_json(cls, data: JsonObject) -> PriorityWeights:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in CODE_FIELDS:
                values[key] = normalise_codes(value)
            elif key == "supported_policy":
                values[key] = value if value in SUPPORTED_POLICIES else "flag"
            else:
                values[key] = float(value)
        return cls(**values)


def normalise_codes(codes: Any) -> tuple[str, ...]:
    """NAF, ROME or FAP codes as stored: upper case, no dots or spaces, each once.

    Accepts a list or a string separated by commas, semicolons or spaces.
    """
    if isinstance(codes, str):
        codes = codes.replace(";", ",").replace(" ", ",").split(",")
    seen: dict[str, None] = {}
    for code in codes:
        text = str(code).replace(".", "").strip().upper()
        if text:
            seen[text] = None
    return tuple(seen)
