"""Import a bassin's establishments from INSEE's SIRENE files into a campaign.

The stock is streamed chunk by chunk and only the bassin's rows are kept in
memory. Everything is written in one transaction at the end: a bad line, a
crash or a cancel leaves the campaign exactly as it was. Re-importing a newer
stock updates establishments in place and never touches prospecting data.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import polars as pl

from planner.db import models
from planner.db.store import CampaignStore, checkpoint
from planner.domain.errors import PlannerError
from planner.domain.import_filters import ImportFilters
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.io.csv_source import CsvSource
from planner.io.sirene_layout import SireneKind, require_kind
from planner.io.sirene_parquet import ParquetSource, open_source
from planner.io.sirene_reader import LINE
from planner.services.firms import firm_cache
from planner.services.sirene_import.checks import check_lengths, check_unique_sirets
from planner.services.sirene_import.commune_check import check_positions
from planner.services.sirene_import.fields import FIELD_SOURCES, LEGAL_UNIT_FIELDS, UNIT_LINE
from planner.services.sirene_import.joins import (
    count_legal_units,
    join_geolocation,
    join_legal_units,
    join_stored_legal_units,
    legal_unit_rows,
    positions,
    stored_columns,
)
from planner.services.sirene_import.non_diffusible import reclaim_wiped_rows
from planner.services.sirene_import.scan import check_sirets, scan_stock
from planner.services.sirene_import.summary import ImportSummary, SireneFiles, Step
from planner.services.sirene_import.write import existing_hashes, write

# Checkpoints tried after an import that wiped rows (each waits a moment for readers).
_CHECKPOINT_ATTEMPTS = 10


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
    step = Step(progress, cancel or CancelToken())
    summary = ImportSummary()
    stock = open_source(files.stock)
    kind = require_kind(
        stock.header, stock.name, {SireneKind.ESTABLISHMENTS, SireneKind.ESTABLISHMENTS_GEO}
    )
    summary.stock_kind = kind.value
    legal_source = _open_optional(files.legal_units, SireneKind.LEGAL_UNITS)
    geo_source = _open_optional(files.geolocation, SireneKind.GEOLOCATION)
    existing = existing_hashes(store)
    known = pl.Series(list(existing), dtype=pl.String)
    step.report(0, 0, 0, 1, f"Lecture de {stock.name}")

    span = 0.8 if (legal_source or geo_source) else 0.9
    frame, hidden = scan_stock(stock, filters, aliases, known, summary, step, span)
    frame = check_sirets(frame, stock.name)

    start = span
    if legal_source is not None:
        frame, more_hidden = join_legal_units(frame, legal_source, known, aliases, step, start)
        hidden = pl.concat([hidden, more_hidden])
        start += 0.05
    else:
        frame = join_stored_legal_units(store, frame)
    count_legal_units(frame, summary)
    summary.non_diffusible = hidden.height
    if geo_source is not None:
        frame = join_geolocation(frame, geo_source, summary, step, start)
    frame = positions(frame, has_geo_columns=kind is SireneKind.ESTABLISHMENTS_GEO)
    units = None
    if legal_source is not None:
        units = legal_unit_rows(frame)
        check_lengths(
            units, models.LegalUnit.__table__, LEGAL_UNIT_FIELDS, legal_source.name, UNIT_LINE
        )
        units = units.drop(UNIT_LINE)
    frame = stored_columns(frame, aliases, "denominationUniteLegale" in frame.columns)
    check_lengths(frame, models.Establishment.__table__, FIELD_SOURCES, stock.name, LINE)
    check_unique_sirets(frame, stock.name, LINE)
    frame = check_positions(store, frame)

    step.report(0.95, 0, 0, 1, "Enregistrement dans la campagne")
    write(store, files, filters, frame, hidden, existing, known, summary, units)
    # The cached firm frames of this campaign are from before the import: gone
    # now, so that no file on disk holds a firm the import just wiped.
    with suppress(OSError):  # committed: a cache that cannot be removed is never served
        firm_cache.discard(store)
    if summary.now_non_diffusible:
        reclaim_wiped_rows(store)
    # On SQLite, the import's pages leave the write-ahead log for the file: the
    # log keeps no old version of a wiped row, and the file holds the import.
    # A reader (another window) may hold an older snapshot for a moment: when
    # rows were wiped, try again until the file no longer holds their old pages.
    for _attempt in range(_CHECKPOINT_ATTEMPTS if summary.now_non_diffusible else 1):
        if checkpoint(store.engine):
            break
    step.report(1, 0, 1, 1, "Import terminé")
    return summary


def _open_optional(path: Path | None, kind: SireneKind) -> CsvSource | ParquetSource | None:
    if path is None:
        return None
    source = open_source(path)
    require_kind(source.header, source.name, {kind})
    return source


__all__ = ["ImportSummary", "PlannerError", "SireneFiles", "import_sirene"]
