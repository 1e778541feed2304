"""First pass of an import: stream the stock, keep the bassin's rows, count the rest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import polars as pl

from planner.domain.errors import InputError
from planner.domain.import_filters import EXCLUSION_REASONS, ImportFilters
from planner.domain.nomenclature import (
    NAF2025_SIRENE_NAMES,
    NOMENCLATURES,
    REV2_SIRENE_NAMES,
    codes_of,
)
from planner.domain.siret import valid_sirets
from planner.io.csv_source import CsvSource
from planner.io.nomenclatures import load_nomenclature
from planner.io.sirene_layout import ESTABLISHMENT_COLUMNS, OPTIONAL_ESTABLISHMENT_COLUMNS
from planner.io.sirene_parquet import ParquetSource
from planner.io.sirene_reader import LINE, read_selected
from planner.services.firms.firm_query import NOMENCLATURE_LABELS
from planner.services.sirene_import.checks import require_rows
from planner.services.sirene_import.fields import FIELD_SOURCES
from planner.services.sirene_import.summary import ImportSummary, Step
from planner.services.sirene_import.transform import (
    COMMUNE,
    REASON,
    STATE,
    STATUS,
    reason_expr,
    withheld,
)

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
            info = summary.unknown_naf.setdefault(key, {"count": 0, "example": "", "line": 0})
            info["count"] += row["n"]
            if not info["line"] or row["line"] < info["line"]:
                info["line"] = row["line"]
                info["example"] = f"{file}, ligne {row['line']} (SIRET {row['siret']}) : {what}"


def departement_expr(commune: pl.Expr) -> pl.Expr:
    """The département of a commune code: ``93066`` → ``93``, ``97411`` → ``974``,
    ``2A004`` → ``2A``; "" when the code is missing, masked or not a commune code."""
    overseas = commune.str.starts_with("97") | commune.str.starts_with("98")
    return (
        pl.when(commune.str.contains(r"^(\d\d|2A|2B)\d{3}$").fill_null(value=False))
        .then(pl.when(overseas).then(commune.str.slice(0, 3)).otherwise(commune.str.slice(0, 2)))
        .otherwise(pl.lit(""))
    )


def _add_counts(total: Counter[str], counts: dict[str, int]) -> None:
    for key, count in counts.items():
        total[key] += count


def scan_stock(
    stock: CsvSource | ParquetSource,
    filters: ImportFilters,
    aliases: dict[str, str],
    known: pl.Series,
    summary: ImportSummary,
    step: Step,
    span: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    accepted = pl.Series(sorted(aliases), dtype=pl.String)
    reason = reason_expr(filters)
    parts: list[pl.DataFrame] = []
    hidden_parts: list[pl.DataFrame] = []
    excluded: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    # Every record is parsed for these few columns; whole records only for the
    # bassin's, and (on a re-import) for the campaign's establishments.
    light = [COMMUNE, STATE, *(["siret"] if known.len() else [])]

    def keep(records: pl.DataFrame) -> pl.Series:
        wanted = records[COMMUNE].is_in(accepted.implode())
        if known.len():
            wanted = wanted | records["siret"].is_in(known.implode())
        return wanted

    in_bassin = pl.col(COMMUNE).is_in(accepted.implode())
    if isinstance(stock, ParquetSource):
        parts_read = _parquet_parts(stock, accepted, known)
    else:
        parts_read = _csv_parts(stock, light, keep, accepted)
    for rows, active, frame, end_offset, departements in parts_read:
        _add_counts(outside, departements)
        summary.rows_read += rows
        summary.rows_active += active
        inside = frame.filter(in_bassin)
        excluded["hors_bassin"] += rows - inside.height
        summary.in_bassin += inside.height
        _count_unknown_naf(inside, stock.name, summary)
        # An establishment of the campaign that moved out of the bassin (or whose
        # commune the stock masks) is still updated: it leaves the target, and
        # if it became non-diffusible it is wiped like any other.
        gone = frame.filter(~in_bassin & pl.col("siret").is_in(known.implode()))
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
                hidden_rows(inside.filter(pl.col(REASON) == "non_diffusible"), aliases)
            )
            # Keep only what will be written: rows kept, plus excluded rows of
            # establishments the campaign already holds (they are updated:
            # closed, out of target). Memory then follows the kept rows.
            parts.append(
                inside.filter(pl.col(REASON).is_null() | pl.col("siret").is_in(known.implode()))
            )
        step.report(0, span, end_offset, stock.size, f"Lecture de {stock.name}")
    require_rows(summary.rows_read, stock)
    hidden = pl.concat(
        [
            hidden_rows(pl.DataFrame(schema={COMMUNE: pl.String, STATE: pl.String}), aliases),
            *hidden_parts,
        ]
    )
    summary.excluded = {k: excluded[k] for k in EXCLUSION_REASONS if excluded[k]}
    summary.outside_departements = dict(sorted(outside.items(), key=lambda kv: (-kv[1], kv[0])))
    if not parts:
        empty = dict.fromkeys((*ESTABLISHMENT_COLUMNS, REASON), pl.String)
        return pl.DataFrame(schema={**empty, LINE: pl.Int64}), hidden
    return pl.concat(parts, how="diagonal_relaxed"), hidden


# What each part of the stock gives: its records, how many are active, the
# records kept (whole), how far into the file it ends, and its records outside
# the bassin per département.
_Part = tuple[int, int, pl.DataFrame, int, dict[str, int]]


def _outside_by_departement(records: pl.DataFrame, accepted: pl.Series) -> dict[str, int]:
    outside = records.filter(~pl.col(COMMUNE).is_in(accepted.implode()).fill_null(value=False))
    # Counted by commune first (a few thousand codes), then by département.
    by_commune = outside.group_by(COMMUNE).len()
    counts = by_commune.group_by(departement_expr(pl.col(COMMUNE)).alias("dep")).agg(
        pl.col("len").sum()
    )
    return {str(dep): int(n) for dep, n in counts.iter_rows()}


def _csv_parts(
    stock: CsvSource,
    light: list[str],
    keep: Callable[[pl.DataFrame], pl.Series],
    accepted: pl.Series,
) -> Iterator[_Part]:
    for chunk in read_selected(
        stock, ESTABLISHMENT_COLUMNS, OPTIONAL_ESTABLISHMENT_COLUMNS, light, keep
    ):
        records = chunk.light
        assert records is not None
        active = int((records[STATE] == "A").sum())
        departements = _outside_by_departement(records, accepted)
        yield records.height, active, chunk.frame, chunk.end_offset, departements


def _parquet_parts(stock: ParquetSource, accepted: pl.Series, known: pl.Series) -> Iterator[_Part]:
    """The whole Parquet stock as one part, read with the filter pushed down."""
    stock.require_text(COMMUNE)
    stock.require_text("siret")
    wanted = stock.text(COMMUNE).is_in(accepted.implode())
    if known.len():
        wanted = wanted | stock.text("siret").is_in(known.implode())
    active = stock.count((stock.text(STATE) == "A").sum())
    frame = stock.read(ESTABLISHMENT_COLUMNS, OPTIONAL_ESTABLISHMENT_COLUMNS, wanted)
    commune = stock.text(COMMUNE)
    departements = stock.counts_by(
        departement_expr(commune), ~commune.is_in(accepted.implode()).fill_null(value=False)
    )
    yield stock.rows, active, frame, stock.size, departements


def hidden_rows(rows: pl.DataFrame, aliases: dict[str, str]) -> pl.DataFrame:
    """What is kept of a non-diffusible establishment: its commune and state."""
    return rows.select(
        pl.col(COMMUNE).replace_strict(aliases, default=pl.col(COMMUNE)).alias("commune_code"),
        pl.col(STATE).alias("etat"),
    )


def check_sirets(frame: pl.DataFrame, file: str) -> pl.DataFrame:
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
