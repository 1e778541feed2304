"""Import a bassin's establishments from INSEE's SIRENE files into a campaign.

The stock is streamed chunk by chunk and only the bassin's rows are kept in
memory. Everything is written in one transaction at the end: a bad line, a
crash or a cancel leaves the campaign exactly as it was. Re-importing a newer
stock updates establishments in place and never touches prospecting data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import polars as pl
from sqlalchemy import delete, select

from planner.db import models
from planner.db.bulk import bulk_insert, bulk_update
from planner.db.store import CampaignStore, checkpoint
from planner.domain.errors import InputError, PlannerError
from planner.domain.import_filters import EXCLUSION_REASONS, ImportFilters
from planner.domain.json_types import JsonObject
from planner.domain.nomenclature import (
    NAF2025_SIRENE_NAMES,
    NOMENCLATURES,
    REV2_SIRENE_NAMES,
    codes_of,
)
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.domain.siret import valid_sirets
from planner.io.csv_source import CsvSource
from planner.io.nomenclatures import load_nomenclature
from planner.io.sirene_layout import (
    ESTABLISHMENT_COLUMNS,
    GEOLOCATION_COLUMNS,
    LEGAL_UNIT_COLUMNS,
    OPTIONAL_ESTABLISHMENT_COLUMNS,
    OPTIONAL_GEOLOCATION_COLUMNS,
    SireneKind,
    require_kind,
)
from planner.io.sirene_reader import LINE, read_frames
from planner.services.firms.firm_query import NOMENCLATURE_LABELS
from planner.services.sirene_import.checks import check_lengths, require_rows
from planner.services.sirene_import.non_diffusible import (
    reclaim_wiped_rows,
    scrub_non_diffusible,
)
from planner.services.sirene_import.transform import (
    COMMUNE,
    REASON,
    STATE,
    STATUS,
    display_name_expr,
    project_lambert,
    reason_expr,
    row_hashes,
    stock_epsg_expr,
    withheld,
)

# Stored columns of ``establishment`` and the SIRENE column each comes from.
FIELD_SOURCES: dict[str, str] = {
    "siren": "siren",
    "nic": "nic",
    "enseigne": "enseigne1Etablissement",
    "denomination_usuelle": "denominationUsuelleEtablissement",
    "etat": "etatAdministratifEtablissement",
    "date_creation": "dateCreationEtablissement",
    "tranche_effectifs": "trancheEffectifsEtablissement",
    "annee_effectifs": "anneeEffectifsEtablissement",
    "caractere_employeur": "caractereEmployeurEtablissement",
    "siege": "etablissementSiege",
    "naf_code": "activitePrincipaleEtablissement",
    "naf_nomenclature": "nomenclatureActivitePrincipaleEtablissement",
    "naf25_code": "activitePrincipaleNAF25Etablissement",
    "registre_metiers": "activitePrincipaleRegistreMetiersEtablissement",
    "numero_voie": "numeroVoieEtablissement",
    "indice_repetition": "indiceRepetitionEtablissement",
    "type_voie": "typeVoieEtablissement",
    "libelle_voie": "libelleVoieEtablissement",
    "complement_adresse": "complementAdresseEtablissement",
    "code_postal": "codePostalEtablissement",
    "commune_code_source": "codeCommuneEtablissement",
    "libelle_commune": "libelleCommuneEtablissement",
    "date_dernier_traitement": "dateDernierTraitementEtablissement",
}
STORED = [
    "siret", "name", *FIELD_SOURCES, "commune_code", "lon", "lat", "geo_source", "in_target",
]  # fmt: skip
HASHED = [c for c in STORED if c != "in_target"]
# Line of each legal unit in StockUniteLegale, for messages.
UNIT_LINE = "_unit_line"
# Marks the rows joined to a legal unit (from the file or stored earlier).
LEGAL_UNIT = "_legal_unit"


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
    excluded: dict[str, int] = field(default_factory=dict)
    communes_mapped: dict[str, MappedCommune] = field(default_factory=dict)
    legal_units_matched: int = 0
    establishments_with_legal_name: int = 0
    geolocated: int = 0
    stock_kind: str = ""
    import_id: int | None = None
    unknown_naf: dict[str, UnknownCodes] = field(default_factory=dict)
    """Per ``rev2`` / ``naf2025`` / ``nomenclature``: rows of the bassin whose code is
    not a sous-classe of its nomenclature (or whose nomenclature is unknown), with
    one example line; they are counted under « Code NAF … absent »."""

    def to_dict(self) -> JsonObject:
        """JSON-friendly form, stored with the import and printed by the CLI."""
        return dict(self.__dict__)

    def lines(self) -> list[str]:
        """The summary in French, one fact per line."""
        out = [
            f"Lignes lues : {self.rows_read} (dont {self.rows_active} actives)",
            f"Dans le bassin : {self.in_bassin}",
            f"Retenus : {self.kept} (nouveaux {self.new}, modifiés {self.changed}, "
            f"inchangés {self.unchanged})",
            f"Devenus fermés : {self.closed} ; sortis de la cible : {self.left_target}",
            f"Non diffusibles (comptés seulement) : {self.non_diffusible}",
            f"Devenus non diffusibles (nom, adresse et position effacés) : "
            f"{self.now_non_diffusible} ; lieux de séance à remplacer : "
            f"{self.venues_non_diffusible}",
            f"Localisés : {self.placed} ; non localisés : {self.not_placed}",
        ]
        if self.legal_units_matched or self.establishments_with_legal_name:
            out.append(
                f"Unités légales trouvées : {self.legal_units_matched} ; établissements "
                f"ayant une raison sociale ou un nom d'exploitant : "
                f"{self.establishments_with_legal_name}"
            )
        for reason, count in self.excluded.items():
            out.append(f"Exclus — {EXCLUSION_REASONS.get(reason, reason)} : {count}")
        names = {
            "rev2": "Codes NAF rév. 2 inconnus",
            "naf2025": "Codes NAF 2025 inconnus",
            "nomenclature": "Nomenclatures d'activité inconnues",
        }
        for key, info in self.unknown_naf.items():
            out.append(
                f"{names.get(key, key)} (comptés comme absents) : {info['count']} ; "
                f"exemple : {info['example']}"
            )
        for alias, mapped in self.communes_mapped.items():
            out.append(
                f"Code commune {alias} remplacé par {mapped['current']} ({mapped['rows']} lignes)"
            )
        return out


class _Step:
    """Progress over several files, reported as one bar in thousandths."""

    def __init__(self, progress: Progress, cancel: CancelToken) -> None:
        self.progress = progress
        self.cancel = cancel

    def report(self, start: float, span: float, done: int, total: int, message: str) -> None:
        self.cancel.check()
        fraction = start + span * (done / total if total else 1.0)
        self.progress(int(fraction * 1000), 1000, message)


def import_sirene(
    store: CampaignStore,
    files: SireneFiles,
    filters: ImportFilters,
    aliases: dict[str, str],
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ImportSummary:
    """Import the bassin's establishments from SIRENE files into the campaign.

    Args:
        store: the open campaign.
        files: the stock, and optionally the legal units and geolocation files.
        filters: which establishments to keep.
        aliases: every commune code to accept → the current bassin commune it
            belongs to (current codes map to themselves).
        progress: called with ``(done, total, message)``.
        cancel: checked between chunks; cancelling raises ``Cancelled``.

    Raises:
        InputError: bad input, with file, line and column.
        Cancelled: the user cancelled. In both cases nothing was written.
    """
    step = _Step(progress, cancel or CancelToken())
    summary = ImportSummary()
    stock = CsvSource(files.stock)
    kind = require_kind(
        stock.header, stock.name, {SireneKind.ESTABLISHMENTS, SireneKind.ESTABLISHMENTS_GEO}
    )
    summary.stock_kind = kind.value
    legal_source = _open_optional(files.legal_units, SireneKind.LEGAL_UNITS)
    geo_source = _open_optional(files.geolocation, SireneKind.GEOLOCATION)
    existing = _existing_hashes(store)
    known = pl.Series(list(existing), dtype=pl.String)
    step.report(0, 0, 0, 1, f"Lecture de {stock.name}")

    span = 0.8 if (legal_source or geo_source) else 0.9
    frame, hidden = _scan_stock(stock, filters, aliases, known, summary, step, span)
    frame = _check_sirets(frame, stock.name)

    start = span
    if legal_source is not None:
        frame, more_hidden = _join_legal_units(frame, legal_source, known, aliases, step, start)
        hidden = pl.concat([hidden, more_hidden])
        start += 0.05
    else:
        frame = _join_stored_legal_units(store, frame)
    _count_legal_units(frame, summary)
    summary.non_diffusible = hidden.height
    if geo_source is not None:
        frame = _join_geolocation(frame, geo_source, summary, step, start)
    frame = _positions(frame, has_geo_columns=kind is SireneKind.ESTABLISHMENTS_GEO)
    units = None
    if legal_source is not None:
        units = _legal_unit_rows(frame)
        check_lengths(
            units, models.LegalUnit.__table__, LEGAL_UNIT_FIELDS, legal_source.name, UNIT_LINE
        )
        units = units.drop(UNIT_LINE)
    frame = _stored_columns(frame, aliases, "denominationUniteLegale" in frame.columns)
    check_lengths(frame, models.Establishment.__table__, FIELD_SOURCES, stock.name, LINE)

    step.report(0.95, 0, 0, 1, "Enregistrement dans la campagne")
    _write(store, files, filters, frame, hidden, existing, known, summary, units)
    if summary.now_non_diffusible:
        reclaim_wiped_rows(store)
    # On SQLite, the import's pages leave the write-ahead log for the file: the
    # log keeps no old version of a wiped row, and the file holds the import.
    checkpoint(store.engine)
    step.report(1, 0, 1, 1, "Import terminé")
    return summary


def _open_optional(path: Path | None, kind: SireneKind) -> CsvSource | None:
    if path is None:
        return None
    source = CsvSource(path)
    require_kind(source.header, source.name, {kind})
    return source


def _existing_hashes(store: CampaignStore) -> dict[str, tuple[str, bool, str]]:
    with store.session() as session:
        rows = session.execute(
            select(
                models.Establishment.siret,
                models.Establishment.source_hash,
                models.Establishment.in_target,
                models.Establishment.etat,
            )
        )
        return {siret: (digest, bool(target), etat) for siret, digest, target, etat in rows}


_NAF_COLUMNS = (
    FIELD_SOURCES["naf_code"],
    FIELD_SOURCES["naf_nomenclature"],
    FIELD_SOURCES["naf25_code"],
)


def _count_unknown_naf(frame: pl.DataFrame, file: str, summary: ImportSummary) -> None:
    """Count (with a first example) codes no nomenclature knows and unknown nomenclatures."""
    if not frame.height:
        return
    columns = [c for c in _NAF_COLUMNS if c in frame.columns]
    if len(columns) < 2:
        return
    groups = frame.group_by(columns).agg(
        pl.col(LINE).min().alias("line"), pl.col("siret").first(), pl.len().alias("n")
    )
    naming = {key: load_nomenclature(key) for key in NOMENCLATURES}
    known_names = REV2_SIRENE_NAMES | NAF2025_SIRENE_NAMES | set(NOMENCLATURE_LABELS)
    for row in groups.iter_rows(named=True):
        code, name = row[columns[0]], (row[columns[1]] or "").strip()
        naf25 = row[columns[2]] if len(columns) > 2 else None
        found: list[tuple[str, str]] = []
        if name not in known_names:
            found.append(("nomenclature", f"nomenclature « {name} »"))
        for key, value in codes_of(code, name, naf25).items():
            if value and naming[key].known_subclass(value) is None:
                found.append((key, f"code « {value} »"))
        for key, what in found:
            info = summary.unknown_naf.setdefault(key, UnknownCodes(count=0, example="", line=0))
            info["count"] += row["n"]
            if not info["line"] or row["line"] < info["line"]:
                info["line"] = row["line"]
                info["example"] = f"{file}, ligne {row['line']} (SIRET {row['siret']}) : {what}"


def _scan_stock(
    stock: CsvSource,
    filters: ImportFilters,
    aliases: dict[str, str],
    known: pl.Series,
    summary: ImportSummary,
    step: _Step,
    span: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    accepted = pl.Series(sorted(aliases), dtype=pl.String)
    reason = reason_expr(filters)
    parts: list[pl.DataFrame] = []
    hidden_parts: list[pl.DataFrame] = []
    excluded: Counter[str] = Counter()
    for chunk in read_frames(stock, ESTABLISHMENT_COLUMNS, OPTIONAL_ESTABLISHMENT_COLUMNS):
        frame = chunk.frame
        summary.rows_read += frame.height
        summary.rows_active += int((frame[STATE] == "A").sum())
        in_bassin = pl.col(COMMUNE).is_in(accepted)
        inside = frame.filter(in_bassin)
        excluded["hors_bassin"] += frame.height - inside.height
        summary.in_bassin += inside.height
        _count_unknown_naf(inside, stock.name, summary)
        # An establishment of the campaign that moved out of the bassin (or whose
        # commune the stock masks) is still updated: it leaves the target, and
        # if it became non-diffusible it is wiped like any other.
        gone = frame.filter(~in_bassin & pl.col("siret").is_in(known))
        if gone.height:
            parts.append(
                gone.with_columns(
                    pl.when(withheld(STATUS))
                    .then(pl.lit("non_diffusible"))
                    .otherwise(pl.lit("hors_bassin"))
                    .alias(REASON)
                )
            )
        if inside.height:
            inside = inside.with_columns(reason)
            for reason_key, count in inside.group_by(REASON).len().iter_rows():
                if reason_key is not None:
                    excluded[reason_key] += count
            hidden_parts.append(
                _hidden_rows(inside.filter(pl.col(REASON) == "non_diffusible"), aliases)
            )
            # Keep only what will be written: rows kept, plus excluded rows of
            # establishments the campaign already holds (they are updated:
            # closed, out of target). Memory then follows the kept rows.
            parts.append(inside.filter(pl.col(REASON).is_null() | pl.col("siret").is_in(known)))
        step.report(0, span, chunk.end_offset, stock.size, f"Lecture de {stock.name}")
    require_rows(summary.rows_read, stock)
    hidden = pl.concat(
        [
            _hidden_rows(pl.DataFrame(schema={COMMUNE: pl.String, STATE: pl.String}), aliases),
            *hidden_parts,
        ]
    )
    summary.excluded = {k: excluded[k] for k in EXCLUSION_REASONS if excluded[k]}
    if not parts:
        empty = dict.fromkeys((*ESTABLISHMENT_COLUMNS, REASON), pl.String)
        return pl.DataFrame(schema={**empty, LINE: pl.Int64}), hidden
    return pl.concat(parts, how="diagonal_relaxed"), hidden


def _hidden_rows(rows: pl.DataFrame, aliases: dict[str, str]) -> pl.DataFrame:
    """What is kept of a non-diffusible establishment: its commune and state."""
    return rows.select(
        pl.col(COMMUNE).replace_strict(aliases, default=pl.col(COMMUNE)).alias("commune_code"),
        pl.col(STATE).alias("etat"),
    )


def _check_sirets(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    sirets = frame["siret"].fill_null("").to_list()
    ok = valid_sirets(sirets)
    if not ok.all():
        bad = int((~ok).nonzero()[0][0])
        raise InputError(
            f"SIRET invalide « {sirets[bad]} » (14 chiffres et clé de contrôle attendus).",
            file=file,
            line=int(frame[LINE][bad]),
            column="siret",
        )
    return frame


def _stream_matching(
    source: CsvSource,
    columns: Iterable[str],
    optional: Iterable[str],
    key: str,
    wanted: pl.Series,
    step: _Step,
    start: float,
    span: float,
) -> pl.DataFrame:
    parts = []
    rows = 0
    for chunk in read_frames(source, list(columns), list(optional)):
        rows += chunk.frame.height
        part = chunk.frame.filter(pl.col(key).is_in(wanted))
        if part.height:
            parts.append(part)
        step.report(start, span, chunk.end_offset, source.size, f"Lecture de {source.name}")
    require_rows(rows, source)
    if not parts:
        return pl.DataFrame(
            schema={c: pl.String for c in [*columns, *optional] if c in source.header}
        )
    return pl.concat(parts, how="diagonal_relaxed").unique(subset=key, keep="last")


def _join_legal_units(
    frame: pl.DataFrame,
    source: CsvSource,
    known: pl.Series,
    aliases: dict[str, str],
    step: _Step,
    start: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    units = _stream_matching(
        source, LEGAL_UNIT_COLUMNS, (), "siren", frame["siren"].unique(), step, start, 0.05
    )
    units = (
        units.rename({LINE: UNIT_LINE})
        if LINE in units.columns
        else units.with_columns(pl.lit(None, dtype=pl.Int64).alias(UNIT_LINE))
    )
    frame = frame.join(
        units.with_columns(pl.lit(value=True).alias(LEGAL_UNIT)), on="siren", how="left"
    )
    # A legal unit that objected to publication hides its establishments too.
    unit_private = withheld("statutDiffusionUniteLegale")
    newly = unit_private & (pl.col(REASON).is_null() | (pl.col(REASON) != "non_diffusible"))
    hidden = _hidden_rows(frame.filter(newly), aliases)
    frame = frame.with_columns(
        pl.when(unit_private).then(pl.lit("non_diffusible")).otherwise(pl.col(REASON)).alias(REASON)
    )
    frame = frame.filter(
        (pl.col(REASON) != "non_diffusible")
        | pl.col(REASON).is_null()
        | pl.col("siret").is_in(known)
    )
    return frame, hidden


def _join_geolocation(
    frame: pl.DataFrame, source: CsvSource, summary: ImportSummary, step: _Step, start: float
) -> pl.DataFrame:
    geo = _stream_matching(
        source,
        GEOLOCATION_COLUMNS,
        OPTIONAL_GEOLOCATION_COLUMNS,
        "siret",
        frame["siret"],
        step,
        start,
        0.1,
    ).drop(LINE, strict=False)
    epsg = pl.col("epsg").cast(pl.Int64, strict=False).fill_null(2154)
    geo = project_lambert(geo, "x", "y", epsg).rename({"lon": "geo_lon", "lat": "geo_lat"})
    summary.geolocated = int(geo["geo_lon"].is_not_null().sum())
    return frame.join(geo.select("siret", "geo_lon", "geo_lat"), on="siret", how="left")


def _positions(frame: pl.DataFrame, *, has_geo_columns: bool) -> pl.DataFrame:
    frame = project_lambert(
        frame,
        "coordonneeLambertAbscisseEtablissement",
        "coordonneeLambertOrdonneeEtablissement",
        stock_epsg_expr(),
    )
    sources = [(pl.col("lon"), pl.col("lat"), "sirene")]
    if has_geo_columns:
        sources.insert(
            0,
            (
                pl.col("longitude").cast(pl.Float64, strict=False),
                pl.col("latitude").cast(pl.Float64, strict=False),
                "etalab",
            ),
        )
    if "geo_lon" in frame.columns:
        sources.insert(0, (pl.col("geo_lon"), pl.col("geo_lat"), "geoloc"))
    lon = pl.coalesce([s[0] for s in sources])
    lat = pl.coalesce([s[1] for s in sources])
    origin: pl.Expr = pl.lit(None, dtype=pl.String)
    for src_lon, _src_lat, label in reversed(sources):
        origin = pl.when(src_lon.is_not_null()).then(pl.lit(label)).otherwise(origin)
    return frame.with_columns(lon.alias("lon"), lat.alias("lat"), origin.alias("geo_source"))


def _stored_columns(
    frame: pl.DataFrame, aliases: dict[str, str], has_legal_units: bool
) -> pl.DataFrame:
    for column in (
        *FIELD_SOURCES.values(),
        "prenomUsuelUniteLegale",
        "prenom1UniteLegale",
        "nomUsageUniteLegale",
        "nomUniteLegale",
        "denominationUniteLegale",
    ):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    date = pl.col("dateCreationEtablissement").str.to_date("%Y-%m-%d", strict=False)
    return frame.select(
        pl.col("siret"),
        display_name_expr(has_legal_units),
        *[
            pl.col(src).alias(dst)
            for dst, src in FIELD_SOURCES.items()
            if dst not in {"date_creation", "annee_effectifs", "siege"}
        ],
        date.dt.to_string("%Y-%m-%d").alias("date_creation"),
        _year("anneeEffectifsEtablissement").alias("annee_effectifs"),
        (pl.col("etablissementSiege") == "true").alias("siege"),
        pl.col(COMMUNE).replace_strict(aliases, default=pl.col(COMMUNE)).alias("commune_code"),
        pl.col("lon"),
        pl.col("lat"),
        pl.col("geo_source"),
        pl.col(REASON).is_null().alias("in_target"),
        pl.col(REASON),
        pl.col(LINE),
    ).select([*STORED, REASON, LINE])


def _year(column: str) -> pl.Expr:
    """A year as a number, null when it is not a plausible one (it fits any integer column)."""
    year = pl.col(column).cast(pl.Int64, strict=False)
    return pl.when(year.is_between(1000, 9999)).then(year).otherwise(None)


def _write(
    store: CampaignStore,
    files: SireneFiles,
    filters: ImportFilters,
    frame: pl.DataFrame,
    hidden: pl.DataFrame,
    existing: dict[str, tuple[str, bool, str]],
    known: pl.Series,
    summary: ImportSummary,
    units: pl.DataFrame | None,
) -> None:
    private = frame.filter(pl.col(REASON) == "non_diffusible")
    public = frame.filter(pl.col(REASON).is_null() | (pl.col(REASON) != "non_diffusible"))
    hashes = row_hashes(public, HASHED)
    public = public.with_columns(pl.Series("source_hash", hashes))
    is_known = pl.col("siret").is_in(known)
    new_rows = public.filter(~is_known)
    old_rows = public.filter(is_known)

    with store.session() as session:
        run = models.ImportRun(
            kind="sirene",
            files={k: str(v) for k, v in files.__dict__.items() if v is not None},
            options=filters.to_dict(),
        )
        session.add(run)
        session.flush()
        summary.import_id = run.id
        columns = [*STORED, "source_hash", "first_import_id", "last_import_id"]
        bulk_insert(
            session,
            "establishment",
            columns,
            new_rows.select(
                *STORED,
                "source_hash",
                pl.lit(run.id).alias("first_import_id"),
                pl.lit(run.id).alias("last_import_id"),
            ).rows(),
        )
        summary.new = new_rows.height
        changed, unchanged = [], []
        for row in old_rows.select([*STORED, "source_hash"]).iter_rows(named=True):
            old_hash, old_target, old_etat = existing[row["siret"]]
            if row["source_hash"] != old_hash or row["in_target"] != old_target:
                changed.append(row)
                if row["etat"] == "F" and old_etat != "F":
                    summary.closed += 1
                elif old_target and not row["in_target"]:
                    summary.left_target += 1
                else:
                    summary.changed += 1
            else:
                unchanged.append(row["siret"])
        update_cols = [c for c in STORED if c != "siret"] + ["source_hash", "last_import_id"]
        bulk_update(
            session,
            "establishment",
            "siret",
            update_cols,
            [(*[r[c] for c in update_cols[:-1]], run.id, r["siret"]) for r in changed],
        )
        bulk_update(
            session, "establishment", "siret", ["last_import_id"], [(run.id, s) for s in unchanged]
        )
        summary.unchanged = len(unchanged)
        # Became non-diffusible: wiped in this transaction (see services.non_diffusible).
        scrubbed = scrub_non_diffusible(
            session,
            private.filter(is_known)["siret"].to_list(),
            run.id,
            diffusible_again=[r["siret"] for r in changed],
        )
        summary.now_non_diffusible, summary.venues_non_diffusible = scrubbed.firms, scrubbed.venues
        _write_non_diffusible_counts(session, run.id, hidden)
        if units is not None:
            _write_legal_units(session, units, public["siren"].unique())
        kept = public.filter(pl.col("in_target"))
        summary.kept = kept.height
        summary.placed = int(kept["lon"].is_not_null().sum())
        summary.not_placed = kept.height - summary.placed
        summary.communes_mapped = _mapped_codes(public)
        run.summary = summary.to_dict()
        run.finished_at = dt.datetime.now().replace(microsecond=0)


LEGAL_UNIT_FIELDS: dict[str, str] = {
    "siren": "siren",
    "denomination": "denominationUniteLegale",
    "sigle": "sigleUniteLegale",
    "nom": "nomUniteLegale",
    "nom_usage": "nomUsageUniteLegale",
    "prenom": "prenomUsuelUniteLegale",
    "categorie_juridique": "categorieJuridiqueUniteLegale",
    "categorie_entreprise": "categorieEntreprise",
    "tranche_effectifs": "trancheEffectifsUniteLegale",
    "date_creation": "dateCreationUniteLegale",
    "etat": "etatAdministratifUniteLegale",
}


def _legal_unit_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Diffusible legal units joined to kept establishments, in stored form."""
    units = frame.filter(pl.col("statutDiffusionUniteLegale").is_not_null())
    # The first name stored is the one the display name used, so that a later
    # import without StockUniteLegale gives every establishment the same name.
    usual = pl.col("prenomUsuelUniteLegale").str.strip_chars()
    first = pl.col("prenom1UniteLegale").str.strip_chars()
    first_name = (
        pl.when(usual == "")
        .then(None)
        .otherwise(usual)
        .fill_null(pl.when(first == "").then(None).otherwise(first))
    )
    return units.select(
        *[
            pl.col(src).alias(dst)
            for dst, src in LEGAL_UNIT_FIELDS.items()
            if dst not in {"date_creation", "prenom"}
        ],
        first_name.alias("prenom"),
        pl.col(UNIT_LINE),
        pl.col("dateCreationUniteLegale")
        .str.to_date("%Y-%m-%d", strict=False)
        .dt.to_string("%Y-%m-%d")
        .alias("date_creation"),
        withheld("statutDiffusionUniteLegale").alias("_private"),
    ).unique(subset="siren")


def _write_legal_units(session: Any, units: pl.DataFrame, shown: pl.Series) -> None:
    """Replace the stored legal units; keep only those of establishments still shown."""
    sirens = units["siren"].to_list()
    for start in range(0, len(sirens), 500):
        session.execute(
            delete(models.LegalUnit).where(models.LegalUnit.siren.in_(sirens[start : start + 500]))
        )
    # A legal unit whose only establishments here are non-diffusible would name them.
    public = units.filter(~pl.col("_private") & pl.col("siren").is_in(shown)).drop("_private")
    bulk_insert(session, "legal_unit", public.columns, list(public.iter_rows()))


def _count_legal_units(frame: pl.DataFrame, summary: ImportSummary) -> None:
    """Legal units found for the establishments written, and those establishments
    that got a legal name (company name or entrepreneur's name) from them."""
    if LEGAL_UNIT not in frame.columns:
        return
    written = frame.filter(pl.col(REASON).is_null() | (pl.col(REASON) != "non_diffusible"))
    matched = written.filter(pl.col(LEGAL_UNIT).fill_null(value=False))
    summary.legal_units_matched = matched["siren"].n_unique()
    named = pl.lit(value=False)
    for column in ("denominationUniteLegale", "nomUniteLegale", "nomUsageUniteLegale"):
        if column in matched.columns:
            named = named | (pl.col(column).str.strip_chars().fill_null("") != "")
    summary.establishments_with_legal_name = matched.filter(named).height


def _join_stored_legal_units(store: CampaignStore, frame: pl.DataFrame) -> pl.DataFrame:
    """Without a StockUniteLegale file, names come from units stored earlier."""
    with store.session() as session:
        rows = session.execute(
            select(
                *[
                    getattr(models.LegalUnit, c)
                    for c in ("siren", "denomination", "nom", "nom_usage", "prenom")
                ]
            )
        )
        # An explicit schema: inferred from the first rows, a column that is
        # empty there (or everywhere) would not be a string column.
        stored = pl.DataFrame(
            list(rows),
            schema=dict.fromkeys(
                (
                    "siren",
                    "denominationUniteLegale",
                    "nomUniteLegale",
                    "nomUsageUniteLegale",
                    "prenomUsuelUniteLegale",
                ),
                pl.String,
            ),
            orient="row",
        )
    if stored.is_empty():
        return frame
    stored = stored.with_columns(pl.lit(value=True).alias(LEGAL_UNIT))
    return frame.join(stored, on="siren", how="left")


def _write_non_diffusible_counts(session: Any, import_id: int, hidden: pl.DataFrame) -> None:
    counts = hidden.group_by("commune_code").agg(
        pl.len().alias("total"), (pl.col("etat") == "A").sum().alias("active")
    )
    bulk_insert(
        session,
        "non_diffusible_count",
        ["import_id", "commune_code", "active", "total"],
        [(import_id, c, int(a), int(t)) for c, t, a in counts.iter_rows()],
    )


def _mapped_codes(frame: pl.DataFrame) -> dict[str, MappedCommune]:
    moved = frame.filter(pl.col("commune_code_source") != pl.col("commune_code"))
    grouped = (
        moved.group_by("commune_code_source", "commune_code").len().sort("commune_code_source")
    )
    return {src: MappedCommune(current=cur, rows=n) for src, cur, n in grouped.iter_rows()}


__all__ = ["ImportSummary", "PlannerError", "SireneFiles", "import_sirene"]
