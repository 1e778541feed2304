"""Which SIRENE establishments a campaign targets, and why others are left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS

EXCLUSION_REASONS: dict[str, str] = {
    "hors_bassin": "hors du bassin",
    "non_diffusible": "non diffusible (statut P) : compté seulement",
    "ferme": "établissement fermé",
    "tranche": "tranche d'effectifs hors cible",
    "tranche_inconnue": "tranche d'effectifs inconnue (NN ou vide)",
    "non_employeur": "non employeur",
}
"""Every reason a row is not kept, in the order they are tested, with French labels."""


@dataclass(frozen=True)
class ImportFilters:
    """The import's filters; the defaults are the task forces' target.

    Attributes:
        include_closed: keep closed establishments (``etatAdministratif = F``).
        bands: headcount bands to keep, or None for every band.
        include_unknown_band: keep establishments whose band is ``NN`` or empty.
        include_non_employers: keep establishments that are not employers.
    """

    include_closed: bool = False
    bands: frozenset[str] | None = field(default=DEFAULT_TARGET_BANDS)
    include_unknown_band: bool = False
    include_non_employers: bool = False

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly description, stored with each import."""
        return {
            "include_closed": self.include_closed,
            "bands": sorted(self.bands) if self.bands is not None else None,
            "include_unknown_band": self.include_unknown_band,
            "include_non_employers": self.include_non_employers,
        }
