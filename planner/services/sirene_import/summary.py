"""What an import is given (its files), what it reports (its summary) and its progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from planner.domain.french_numbers import integer as n
from planner.domain.import_filters import EXCLUSION_REASONS
from planner.domain.json_types import JsonObject
from planner.domain.progress import CancelToken, Progress


@dataclass(frozen=True)
class SireneFiles:
    """The files of one import, as the user picked them."""

    stock: Path
    legal_units: Path | None = None
    geolocation: Path | None = None


class MappedCommune(TypedDict):
    """Where the rows of an old commune code went: its current code, and how many."""

    current: str
    rows: int


class UnknownCodes(TypedDict):
    """Rows whose NAF code or nomenclature nobody knows, with the first one as an example."""

    count: int
    example: str
    line: int


@dataclass
class ImportSummary:
    """What an import did, in numbers a coordinator can check."""

    rows_read: int = 0
    rows_active: int = 0
    in_bassin: int = 0
    kept: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0
    left_target: int = 0
    now_non_diffusible: int = 0
    venues_non_diffusible: int = 0
    non_diffusible: int = 0
    placed: int = 0
    not_placed: int = 0
    outside_commune: int = 0
    """Kept establishments placed more than 200 m outside their declared commune."""
    excluded: dict[str, int] = field(default_factory=dict)
    communes_mapped: dict[str, MappedCommune] = field(default_factory=dict)
    legal_units_matched: int = 0
    establishments_with_legal_name: int = 0
    geolocated: int = 0
    stock_kind: str = ""
    import_id: int | None = None
    outside_departements: dict[str, int] = field(default_factory=dict)
    """Rows of the stock outside the bassin per département (``""``: commune missing
    or masked), most rows first."""
    unknown_naf: dict[str, UnknownCodes] = field(default_factory=dict)
    """Per ``rev2`` / ``naf2025`` / ``nomenclature``: rows of the bassin whose code is
    not a sous-classe of its nomenclature (or whose nomenclature is unknown), with
    one example line; they are counted under « Code NAF … absent »."""

    def to_dict(self) -> JsonObject:
        """JSON-friendly form, stored with the import and printed by the CLI."""
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        """The summary in French, one fact per line (numbers written the French way)."""
        out = [
            f"Lignes lues : {n(self.rows_read)} (dont {n(self.rows_active)} actives)",
            f"Dans le bassin : {n(self.in_bassin)}",
        ]
        if self.outside_departements:
            out.append(self.outside_line())
        out += [
            f"Retenus : {n(self.kept)} (nouveaux {n(self.new)}, modifiés {n(self.changed)}, "
            f"inchangés {n(self.unchanged)})",
            f"Devenus fermés : {n(self.closed)} ; sortis de la cible : {n(self.left_target)}",
            f"Non diffusibles (comptés seulement) : {n(self.non_diffusible)}",
            f"Devenus non diffusibles (nom, adresse et position effacés) : "
            f"{n(self.now_non_diffusible)} ; lieux de séance à remplacer : "
            f"{n(self.venues_non_diffusible)}",
            f"Localisés : {n(self.placed)} ; non localisés : {n(self.not_placed)}",
            f"Positions hors de la commune déclarée (à plus de 200 m, géocodage à vérifier) : "
            f"{n(self.outside_commune)}",
        ]
        if self.legal_units_matched or self.establishments_with_legal_name:
            out.append(
                f"Unités légales trouvées : {n(self.legal_units_matched)} ; établissements "
                f"ayant une raison sociale ou un nom d'exploitant : "
                f"{n(self.establishments_with_legal_name)}"
            )
        for reason, count in self.excluded.items():
            out.append(f"Exclus — {EXCLUSION_REASONS.get(reason, reason)} : {n(count)}")
        names = {
            "rev2": "Codes NAF rév. 2 inconnus",
            "naf2025": "Codes NAF 2025 inconnus",
            "nomenclature": "Nomenclatures d'activité inconnues",
        }
        for key, info in self.unknown_naf.items():
            out.append(
                f"{names.get(key, key)} (comptés comme absents) : {n(info['count'])} ; "
                f"exemple : {info['example']}"
            )
        for alias, mapped in self.communes_mapped.items():
            out.append(
                f"Code commune {alias} remplacé par {mapped['current']} "
                f"({n(mapped['rows'])} lignes)"
            )
        return out

    def outside_line(self, top: int = 5) -> str:
        """Where the rows outside the bassin were: the départements with most rows."""
        ranked = sorted(self.outside_departements.items(), key=lambda kv: (-kv[1], kv[0]))
        total = sum(self.outside_departements.values())
        shown = [
            f"{dep if dep else 'commune absente ou masquée'} ({n(count)})"
            for dep, count in ranked[:top]
        ]
        rest = total - sum(count for _, count in ranked[:top])
        if rest:
            others = len(ranked) - top
            shown.append(f"{others} autre{'s' if others > 1 else ''} ({n(rest)})")
        return f"Hors du bassin : {n(total)}, par département : " + ", ".join(shown)


class Step:
    """Progress over several files, reported as one bar in thousandths."""

    def __init__(self, progress: Progress, cancel: CancelToken) -> None:
        self.progress = progress
        self.cancel = cancel

    def report(self, start: float, span: float, done: int, total: int, message: str) -> None:
        self.cancel.check()
        fraction = start + span * (done / total if total else 1.0)
        self.progress(int(fraction * 1000), 1000, message)
