"""Reference geography of France shipped under ``maps/``.

Reads ``communes.parquet`` (one row per current commune: names, population, département,
région, EPCI, EPT, town hall, simplified boundary) and ``commune_aliases.csv`` (former,
delegated and municipal-arrondissement codes mapped to the current commune), both built
by ``maps/build_reference.py``.

Loading only reads the attribute columns and the aliases, so that start-up stays fast;
the boundaries are decoded with geopandas the first time :attr:`CommuneReference.frame`
is used, and :meth:`CommuneReference.geometries` decodes only the communes it is asked
for (a bassin previewed or created, not the 35,000 communes of France).
"""

from __future__ import annotations

import csv
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from planner.geo.boundary_file import Boundaries as _Boundaries
from planner.geo.boundary_file import read_encoded_boundaries

if TYPE_CHECKING:
    import geopandas
    import pandas as pd

__all__ = [
    "ALIASES_FILE",
    "COMMUNES_FILE",
    "MAPS_DIR_ENV",
    "CommuneAlias",
    "CommuneReference",
    "ReferenceDataError",
    "ResolvedCodes",
    "UnknownAreaError",
    "default_maps_dir",
]

MAPS_DIR_ENV = "PLANNER_MAPS_DIR"
COMMUNES_FILE = "communes.parquet"
ALIASES_FILE = "commune_aliases.csv"

_ATTRIBUTE_COLUMNS = [
    "code",
    "nom",
    "population",
    "departement",
    "region",
    "epci",
    "epci_nom",
    "ept",
    "ept_siren",
    "ept_nom",
]
_GEOMETRY_SUBSET = ["code", "nom", "population", "geometry"]
_CORSICA = ("2A", "2B")


class UnknownAreaError(ValueError):
    """An EPCI, EPT or département key that the reference does not know."""


class ReferenceDataError(RuntimeError):
    """The reference files are missing or malformed."""


@dataclass(frozen=True)
class ResolvedCodes:
    current: list[str]  # distinct current codes, in input order
    mapped: dict[str, str]  # input alias -> current code, only for inputs that were aliases
    unknown: list[str]  # inputs that are neither current nor aliases


@dataclass(frozen=True)
class CommuneAlias:
    code: str  # the alias (former, delegated, associated or arrondissement code)
    current: str  # the current commune it designates
    # fusion | commune-deleguee | commune-associee | arrondissement-municipal | ancien-code
    kind: str
    since: str | None  # ISO date from which the code stopped designating a commune, if known


def default_maps_dir() -> Path:
    """``$PLANNER_MAPS_DIR`` if set, else the ``maps`` folder at the repository root."""
    configured = os.environ.get(MAPS_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / "maps"


def normalize_commune_code(code: str) -> str:
    """Canonical form of an INSEE commune code: trimmed, upper case, 5 characters.

    A 4-digit code lost its leading zero in a spreadsheet ("1001" -> "01001").
    """
    text = str(code).strip().upper()
    if len(text) == 4 and text.isdigit():
        return "0" + text
    return text


def _normalize_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).strip()


def _departement_sort_key(dep: str) -> tuple[int, str]:
    if dep in _CORSICA:
        return (20, dep)
    return (int(dep), "") if dep.isdigit() else (10_000, dep)


def _ept_sort_key(code: str) -> tuple[int, str]:
    digits = code[1:]
    return (int(digits), code) if code[:1] == "T" and digits.isdigit() else (10_000, code)


@dataclass(frozen=True)
class _Ept:
    key: str  # "T6"; the SIREN when the territory number is unknown
    siren: str
    name: str


# Attributes (code, nom, population), WKB boundaries, row of each code,
# geometry column name, CRS.


class CommuneReference:
    """Current communes of France, their aliases and their groupings (read-only)."""

    def __init__(self, maps_dir: Path, rows: dict[str, list[Any]], aliases: list[CommuneAlias]):
        self._maps_dir = maps_dir
        self._frame: geopandas.GeoDataFrame | None = None
        self._attributes: pd.DataFrame | None = None
        self._frame_lock = threading.Lock()
        self._boundaries: _Boundaries | None = None

        codes = [str(c) for c in rows["code"]]
        self._codes = codes
        self._names: dict[str, str] = dict(zip(codes, map(str, rows["nom"]), strict=True))
        self._population: dict[str, int | None] = dict(zip(codes, rows["population"], strict=True))
        self._by_departement: dict[str, list[str]] = {}
        self._departements = [str(dep) for dep in rows["departement"]]
        for code, dep in zip(codes, self._departements, strict=True):
            self._by_departement.setdefault(dep, []).append(code)
        self._by_epci: dict[str, list[str]] = {}
        self._epci_names: dict[str, str] = {}
        for code, epci, epci_name in zip(codes, rows["epci"], rows["epci_nom"], strict=True):
            if epci:
                self._by_epci.setdefault(epci, []).append(code)
                self._epci_names.setdefault(epci, epci_name or epci)
        self._by_ept: dict[str, list[str]] = {}
        self._epts: dict[str, _Ept] = {}
        ept_columns = zip(codes, rows["ept"], rows["ept_siren"], rows["ept_nom"], strict=True)
        for code, ept_code, ept_siren, ept_name in ept_columns:
            if not (ept_code or ept_siren):
                continue
            key = ept_code or ept_siren
            self._by_ept.setdefault(key, []).append(code)
            if key not in self._epts:
                self._epts[key] = _Ept(key=key, siren=ept_siren or "", name=ept_name or key)
        self._code_set = frozenset(codes)

        self._ept_keys: dict[str, str] = {}
        for ept in self._epts.values():
            self._ept_keys[ept.key.upper()] = ept.key
            if ept.siren:
                self._ept_keys[ept.siren] = ept.key
            self._ept_keys[_normalize_name(ept.name)] = ept.key
        self._epci_by_name: dict[str, str | None] = {}
        for siren, name in self._epci_names.items():
            normalized = _normalize_name(name)
            # Ambiguous names map to None: only the SIREN can tell them apart.
            self._epci_by_name[normalized] = None if normalized in self._epci_by_name else siren

        self._aliases: dict[str, CommuneAlias] = {}
        self._aliases_by_current: dict[str, list[str]] = {}
        for alias in aliases:
            if alias.code in self._code_set or alias.current not in self._code_set:
                continue
            self._aliases[alias.code] = alias
            self._aliases_by_current.setdefault(alias.current, []).append(alias.code)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, maps_dir: Path | None = None) -> CommuneReference:
        """The reference read from ``maps_dir`` (cached per resolved path)."""
        directory = default_maps_dir() if maps_dir is None else Path(maps_dir)
        return _load_cached(directory.expanduser().resolve())

    @classmethod
    def clear_cache(cls) -> None:
        """Forget the loaded instances (the next :meth:`load` reads the files again)."""
        _load_cached.cache_clear()

    @classmethod
    def read(cls, maps_dir: Path) -> CommuneReference:
        """Read the files in ``maps_dir`` without the cache."""
        communes_path = maps_dir / COMMUNES_FILE
        aliases_path = maps_dir / ALIASES_FILE
        for path in (communes_path, aliases_path):
            if not path.is_file():
                raise ReferenceDataError(
                    f"Fichier du référentiel géographique introuvable : {path}. "
                    f"Régénérez-le avec « uv run python maps/build_reference.py » "
                    f"ou indiquez son dossier dans la variable {MAPS_DIR_ENV}."
                )
        try:
            # ParquetFile, unlike read_table, does not import pyarrow.dataset (seconds).
            table = pq.ParquetFile(communes_path).read(columns=_ATTRIBUTE_COLUMNS)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise ReferenceDataError(
                f"Référentiel géographique illisible : {communes_path} ({exc})"
            ) from exc
        rows: dict[str, list[Any]] = {
            name: table.column(name).to_pylist() for name in _ATTRIBUTE_COLUMNS
        }
        return cls(maps_dir, rows, _read_aliases(aliases_path))

    @property
    def maps_dir(self) -> Path:
        return self._maps_dir

    @property
    def attributes(self) -> pd.DataFrame:
        """Every column but the boundary, indexed by code (no geometry decoding: fast)."""
        with self._frame_lock:
            if self._attributes is None:
                parquet = pq.ParquetFile(self._maps_dir / COMMUNES_FILE)
                columns = [name for name in parquet.schema_arrow.names if name != "geometry"]
                table = parquet.read(columns=columns)
                self._attributes = table.to_pandas().set_index("code", drop=True)
            return self._attributes

    @property
    def frame(self) -> geopandas.GeoDataFrame:
        """Every current commune with all columns and its boundary, indexed by code."""
        with self._frame_lock:
            if self._frame is None:
                self._frame = _read_geoparquet(self._maps_dir / COMMUNES_FILE).set_index(
                    "code", drop=True
                )
            return self._frame

    # ------------------------------------------------------------------ communes

    def __contains__(self, code: object) -> bool:
        """Whether ``code`` is the code of a current commune (aliases are not)."""
        return isinstance(code, str) and normalize_commune_code(code) in self._code_set

    def __len__(self) -> int:
        return len(self._codes)

    @property
    def codes(self) -> list[str]:
        """Every current commune code, sorted."""
        return list(self._codes)

    def listing(self) -> tuple[list[str], list[str], list[str]]:
        """Code, name and département of every current commune, in code order (no boundary)."""
        return list(self._codes), [self._names[c] for c in self._codes], list(self._departements)

    def name(self, code: str) -> str:
        """Name of the current commune that ``code`` designates (aliases are resolved)."""
        current = self.resolve(code)
        if current is None:
            raise KeyError(f"Commune inconnue : « {code} »")
        return self._names[current]

    def population(self, code: str) -> int | None:
        """Municipal population of the current commune that ``code`` designates."""
        current = self.resolve(code)
        if current is None:
            raise KeyError(f"Commune inconnue : « {code} »")
        return self._population[current]

    def resolve(self, code: str) -> str | None:
        """Current code for a current or alias code, else None."""
        normalized = normalize_commune_code(code)
        if normalized in self._code_set:
            return normalized
        alias = self._aliases.get(normalized)
        return alias.current if alias is not None else None

    def resolve_many(self, codes: Iterable[str]) -> ResolvedCodes:
        current: list[str] = []
        seen: set[str] = set()
        mapped: dict[str, str] = {}
        unknown: list[str] = []
        unknown_seen: set[str] = set()
        for code in codes:
            normalized = normalize_commune_code(code)
            if normalized in self._code_set:
                target = normalized
            else:
                alias = self._aliases.get(normalized)
                if alias is None:
                    if code not in unknown_seen:
                        unknown_seen.add(code)
                        unknown.append(code)
                    continue
                target = alias.current
                mapped[code] = target
            if target not in seen:
                seen.add(target)
                current.append(target)
        return ResolvedCodes(current=current, mapped=mapped, unknown=unknown)

    def alias(self, code: str) -> CommuneAlias | None:
        """Details of an alias code (kind, date), or None if ``code`` is no alias."""
        return self._aliases.get(normalize_commune_code(code))

    def aliases_of(self, current_codes: Iterable[str]) -> dict[str, str]:
        """Every alias code mapping into these current codes: alias -> current."""
        result: dict[str, str] = {}
        for code in current_codes:
            normalized = normalize_commune_code(code)
            for alias in self._aliases_by_current.get(normalized, []):
                result[alias] = normalized
        return result

    # ------------------------------------------------------------------ areas

    def communes_of_departement(self, dep: str) -> list[str]:
        """Current communes of a département: "93", "2A", "971"; "1" means "01".

        "20" (the former Corsica département) gives the communes of 2A and 2B.
        """
        key = str(dep).strip().upper()
        if key.isdigit() and len(key) == 1:
            key = "0" + key
        if key == "20":
            return [c for d in _CORSICA for c in self._by_departement.get(d, [])]
        found = self._by_departement.get(key)
        if found is None:
            raise UnknownAreaError(f"Département inconnu : « {dep} ».")
        return list(found)

    def communes_of_epci(self, siren: str) -> list[str]:
        """Current member communes of an EPCI, by SIREN (or by its exact name)."""
        key = re.sub(r"\s+", "", str(siren))
        found = self._by_epci.get(key)
        if found is None:
            by_name = self._epci_by_name.get(_normalize_name(str(siren)))
            found = self._by_epci.get(by_name) if by_name else None
        if found is None:
            raise UnknownAreaError(
                f"EPCI inconnu : « {siren} ». Indiquez le numéro SIREN (9 chiffres) "
                f"d'un EPCI à fiscalité propre."
            )
        return list(found)

    def communes_of_ept(self, key: str) -> list[str]:
        """Current member communes of an EPT of the Métropole du Grand Paris.

        ``key`` is its territory code ("T6", "t6"), its SIREN or its name
        ("Plaine Commune"), compared without case nor accents.
        """
        text = str(key).strip()
        compact = re.sub(r"\s+", "", text).upper()
        found_key = (
            self._ept_keys.get(compact)
            or self._ept_keys.get(text)
            or self._ept_keys.get(_normalize_name(text))
        )
        if found_key is None:
            known = ", ".join(code for code, _siren, _name in self.epts())
            raise UnknownAreaError(f"EPT inconnu : « {key} ». EPT connus : {known}.")
        return list(self._by_ept[found_key])

    def epcis(self) -> list[tuple[str, str]]:
        """(SIREN, name) of every EPCI, sorted by name."""
        return sorted(
            self._epci_names.items(), key=lambda item: (_normalize_name(item[1]), item[0])
        )

    def epts(self) -> list[tuple[str, str, str]]:
        """(territory code, SIREN, name) of every EPT, in territory order (T2 … T12)."""
        ordered = sorted(self._epts.values(), key=lambda ept: _ept_sort_key(ept.key))
        return [(ept.key, ept.siren, ept.name) for ept in ordered]

    def departements(self) -> list[str]:
        """Département codes, in the usual order (01 … 19, 2A, 2B, 21 … 95, 971 …)."""
        return sorted(self._by_departement, key=_departement_sort_key)

    # ------------------------------------------------------------------ geometry

    def geometries(self, codes: Iterable[str]) -> geopandas.GeoDataFrame:
        """Boundaries (WGS84) with code, nom, population and geometry columns.

        Aliases are resolved to their current commune; unknown codes are left out;
        each commune appears once, in input order. Only these communes' boundaries
        are decoded (unless :attr:`frame` already decoded them all).
        """
        wanted = self.resolve_many(codes).current
        with self._frame_lock:
            frame = self._frame
        boundaries = self._encoded_boundaries() if frame is None else None
        if boundaries is None:
            frame = self.frame
            subset = frame.loc[wanted, ["nom", "population", "geometry"]].reset_index()
            return subset[_GEOMETRY_SUBSET]
        import geopandas

        table, wkb, rows, column, crs = boundaries
        picked = [rows[code] for code in wanted]
        attributes = table.to_pandas().iloc[picked].reset_index(drop=True)
        geometry = geopandas.GeoSeries.from_wkb(wkb[picked], index=attributes.index, crs=crs)
        subset = geopandas.GeoDataFrame(
            attributes, geometry=geometry.rename(column), crs=geometry.crs
        )
        return subset[_GEOMETRY_SUBSET]

    def boundaries(self, codes: Iterable[str]) -> list[tuple[str, Any]]:
        """``(code, shapely geometry)`` of each current commune ``codes`` designate.

        As :meth:`geometries` (same coordinates, order and resolution), without
        geopandas: a preview needs neither a frame nor its seconds of import.
        """
        boundaries = self._encoded_boundaries()
        if boundaries is None:
            frame = self.geometries(codes)
            return list(zip(frame["code"], frame.geometry, strict=True))
        import shapely

        wanted = self.resolve_many(codes).current
        _table, wkb, rows, _column, _crs = boundaries
        shapes = shapely.from_wkb(wkb[[rows[code] for code in wanted]])
        return list(zip(wanted, shapes, strict=True))

    def _encoded_boundaries(self) -> _Boundaries | None:
        """The boundaries still WKB-encoded, with each code's row; None if not WKB."""
        with self._frame_lock:
            if self._boundaries is None:
                self._boundaries = read_encoded_boundaries(self._maps_dir / COMMUNES_FILE)
            return self._boundaries


@lru_cache(maxsize=8)
def _load_cached(maps_dir: Path) -> CommuneReference:
    return CommuneReference.read(maps_dir)


def _read_geoparquet(path: Path) -> geopandas.GeoDataFrame:
    """Read the GeoParquet file (WKB boundaries, CRS from its ``geo`` metadata)."""
    import geopandas

    return geopandas.read_parquet(path)


def _read_aliases(path: Path) -> list[CommuneAlias]:
    aliases: list[CommuneAlias] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        expected = {"alias_code", "current_code", "kind", "since"}
        if reader.fieldnames is None or not expected <= set(reader.fieldnames):
            raise ReferenceDataError(f"En-têtes inattendus dans {path} : {reader.fieldnames}")
        for row in reader:
            aliases.append(
                CommuneAlias(
                    code=row["alias_code"].strip(),
                    current=row["current_code"].strip(),
                    kind=row["kind"].strip(),
                    since=row["since"].strip() or None,
                )
            )
    return aliases
