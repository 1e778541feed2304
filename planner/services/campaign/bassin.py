"""Define a bassin: from a zone d'emploi, a BMO bassin, an EPCI/EPT, a
département or a list of communes, always as current commune codes.

Sources come from different years: former commune codes (merged communes,
delegated communes, arrondissements) are mapped to the current commune, and
every mapping is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planner.domain.errors import InputError, PlannerError
from planner.geo.reference import CommuneReference, UnknownAreaError
from planner.io.bmo_bassins import read_bmo_bassins
from planner.io.ze_workbook import Zone, read_ze_workbook

BASSIN_KINDS: dict[str, str] = {
    "ze": "Zone d'emploi",
    "bmo": "Bassin BMO",
    "epci": "EPCI",
    "ept": "EPT",
    "departement": "Département",
    "communes": "Communes choisies",
}


@dataclass(frozen=True)
class BassinSpec:
    """How the coordinator defines the bassin.

    Attributes:
        kind: one of :data:`BASSIN_KINDS`.
        code: the zone, bassin, EPCI SIREN, EPT, département code, or a
            comma-separated list of commune codes.
        source: the workbook (ZE) or CSV (BMO) that lists the communes.
    """

    kind: str
    code: str
    source: Path | None = None


@dataclass(frozen=True)
class Bassin:
    """A resolved bassin: current communes, and what had to be mapped."""

    kind: str
    code: str
    label: str
    communes: list[str]
    mapped: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def report(self) -> list[str]:
        """French lines on what was mapped or left out."""
        lines = [
            f"Code {old} remplacé par {new} (commune actuelle)"
            for old, new in sorted(self.mapped.items())
        ]
        lines += [f"Code commune inconnu ignoré : {code}" for code in self.unknown]
        return lines


def _zone(zones: dict[str, Zone], code: str, what: str, file: Path) -> Zone:
    if code not in zones:
        known = ", ".join(sorted(zones)[:8])
        raise InputError(
            f"{what} « {code} » absent du fichier (codes présents : {known}…).", file=file.name
        )
    return zones[code]


def resolve_bassin(spec: BassinSpec, reference: CommuneReference) -> Bassin:
    """Turn a bassin definition into current commune codes.

    Raises:
        InputError: the source file lacks the code, or no known commune is left.
        PlannerError: the kind is unknown.
    """
    code = spec.code.strip()
    if spec.kind in ("ze", "bmo"):
        if spec.source is None:
            what = "le classeur des zones d'emploi" if spec.kind == "ze" else "la table BMO"
            raise PlannerError(f"Indiquez {what} qui définit ce bassin.")
        zones = (read_ze_workbook if spec.kind == "ze" else read_bmo_bassins)(spec.source)
        what = "Zone d'emploi" if spec.kind == "ze" else "Bassin BMO"
        zone = _zone(zones, code, what, spec.source)
        label, raw = f"{what} {zone.code} {zone.label}", list(zone.communes)
    elif spec.kind in ("epci", "ept", "departement"):
        try:
            if spec.kind == "epci":
                raw = reference.communes_of_epci(code)
                label = f"EPCI {dict(reference.epcis()).get(code, code)}"
            elif spec.kind == "ept":
                raw = reference.communes_of_ept(code)
                names = {c.upper(): n for c, _s, n in reference.epts()}
                label = f"EPT {code.upper()} {names.get(code.upper(), '')}".strip()
            else:
                raw = reference.communes_of_departement(code)
                label = f"Département {code}"
        except UnknownAreaError as exc:
            raise PlannerError(str(exc)) from exc
    elif spec.kind == "communes":
        raw = [c.strip() for c in code.replace(";", ",").split(",") if c.strip()]
        label = f"{len(raw)} communes choisies"
    else:
        raise PlannerError(f"Type de bassin inconnu : {spec.kind}.")
    resolved = reference.resolve_many(raw)
    if not resolved.current:
        raise PlannerError(
            "Aucune commune connue dans ce bassin (codes inconnus : "
            + ", ".join(resolved.unknown[:10])
            + ")."
        )
    return Bassin(
        kind=spec.kind,
        code=code,
        label=label,
        communes=sorted(resolved.current),
        mapped=dict(resolved.mapped),
        unknown=list(resolved.unknown),
    )
