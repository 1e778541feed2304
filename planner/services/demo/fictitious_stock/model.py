"""What the fictitious stock generator takes and returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class CommuneArea:
    """A commune that receives fictitious establishments."""

    code: str
    """INSEE commune code, e.g. ``"93066"``."""
    name: str
    """Commune name, e.g. ``"Saint-Denis"``; written upper case without accents."""
    postal_code: str
    """Postal code written in codePostalEtablissement, e.g. ``"93200"``."""
    geometry: BaseGeometry
    """Polygon or MultiPolygon in WGS84 lon/lat."""
    weight: float
    """Relative share of establishments."""


@dataclass(frozen=True)
class GeneratedStock:
    """What :func:`generate_stock` wrote, with counts useful to tests and benchmarks."""

    establishments: Path
    """The establishment CSV, or the zip containing it."""
    legal_units: Path | None
    """The legal-unit CSV (or zip), None when not requested."""
    rows: int
    """Establishment rows written (header excluded)."""
    legal_unit_rows: int
    """Distinct SIRENs, i.e. legal-unit rows (written or not)."""
    closed: int
    """Establishments with etatAdministratifEtablissement = F."""
    non_diffusible: int
    """Establishments with statutDiffusionEtablissement = P."""
    not_geocoded: int
    """Diffusible establishments written without Lambert coordinates."""
    outside: int
    """Establishments placed in ``outside_communes``."""
    multi_site_sirens: int
    """SIRENs with more than one establishment."""
    per_commune: Mapping[str, int] = field(default_factory=dict)
    """Establishment count per commune code (inside and outside)."""
