"""Last step of an import: one transaction that inserts, updates and wipes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import delete, select

from planner.db import models
from planner.db.bulk import bulk_insert, bulk_update
from planner.db.store import CampaignStore
from planner.domain.import_filters import ImportFilters
from planner.services.sirene_import.fields import CHECKED, HASHED, STORED
from planner.services.sirene_import.non_diffusible import scrub_non_diffusible
from planner.services.sirene_import.summary import ImportSummary, MappedCommune, SireneFiles
from planner.services.sirene_import.transform import REASON, row_hashes


def existing_hashes(store: CampaignStore) -> dict[str, tuple[str, bool, str]]:
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


def write(
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
    is_known = pl.col("siret").is_in(known.implode())
    # In SIRET order, new rows go to the end of the primary key's B-tree
    # instead of all over it: far fewer pages touched.
    new_rows = public.filter(~is_known).sort("siret")
    old_rows = public.filter(is_known)

    with store.session() as session:
        _large_cache(session)
        run = models.ImportRun(
            kind="sirene",
            files={k: str(v) for k, v in files.__dict__.items() if v is not None},
            options=filters.to_dict(),
        )
        session.add(run)
        session.flush()
        summary.import_id = run.id
        columns = [*STORED, CHECKED, "source_hash", "first_import_id", "last_import_id"]
        inserted = new_rows.select(
            *STORED,
            CHECKED,
            "source_hash",
            pl.lit(run.id).alias("first_import_id"),
            pl.lit(run.id).alias("last_import_id"),
        )
        # In batches: Python tuples of every row at once would cost far more
        # memory than the frame (a region's import writes hundreds of thousands).
        for start in range(0, inserted.height, _INSERT_BATCH):
            batch = inserted.slice(start, _INSERT_BATCH)
            bulk_insert(session, "establishment", columns, batch.rows())
        summary.new = new_rows.height
        changed, unchanged = [], []
        for row in old_rows.select([*STORED, CHECKED, "source_hash"]).iter_rows(named=True):
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
                unchanged.append((row[CHECKED], row["siret"]))
        update_cols = [c for c in STORED if c != "siret"]
        update_cols += [CHECKED, "source_hash", "last_import_id"]
        bulk_update(
            session,
            "establishment",
            "siret",
            update_cols,
            [(*[r[c] for c in update_cols[:-1]], run.id, r["siret"]) for r in changed],
        )
        bulk_update(
            session,
            "establishment",
            "siret",
            ["last_import_id", CHECKED],
            [(run.id, outside, s) for outside, s in unchanged],
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
        summary.outside_commune = int(kept[CHECKED].sum())
        summary.communes_mapped = _mapped_codes(public)
        run.summary = summary.to_dict()
        run.finished_at = dt.datetime.now().replace(microsecond=0)


def _write_legal_units(session: Any, units: pl.DataFrame, shown: pl.Series) -> None:
    """Replace the stored legal units; keep only those of establishments still shown."""
    sirens = units["siren"].to_list()
    for start in range(0, len(sirens), 500):
        session.execute(
            delete(models.LegalUnit).where(models.LegalUnit.siren.in_(sirens[start : start + 500]))
        )
    # A legal unit whose only establishments here are non-diffusible would name them.
    public = units.filter(~pl.col("_private") & pl.col("siren").is_in(shown.implode())).drop(
        "_private"
    )
    bulk_insert(session, "legal_unit", public.columns, list(public.iter_rows()))


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


_INSERT_BATCH = 20_000

# SQLite page cache for the import's transaction (KiB): the bassin's rows and
# their indexes stay in memory until the commit instead of spilling to the log.
_IMPORT_CACHE_KIB = 256 * 1024


def _large_cache(session: Any) -> None:
    """Give this SQLite connection a large page cache (PostgreSQL: nothing to do).

    The setting lasts as long as the connection; SQLite allocates pages only
    as they are used, so a small campaign does not pay for it.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql(f"PRAGMA cache_size=-{_IMPORT_CACHE_KIB}")
