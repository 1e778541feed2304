"""Entry point: writes a fictitious stock, batch by batch, to CSV or zip."""

from __future__ import annotations

import io
import math
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Final, Literal

import numpy as np
import polars as pl
from pyproj import Transformer

from planner.services.demo.fictitious_stock.arrays import _insee_upper, _probabilities, _series
from planner.services.demo.fictitious_stock.context import _Context
from planner.services.demo.fictitious_stock.establishments import _generate_batch
from planner.services.demo.fictitious_stock.layout import (
    ESTABLISHMENT_COLUMNS,
    ESTABLISHMENT_FILE_NAME,
    ESTABLISHMENT_ZIP_NAME,
    LEGAL_UNIT_COLUMNS,
    LEGAL_UNIT_FILE_NAME,
    LEGAL_UNIT_ZIP_NAME,
    NAF25_COLUMN,
)
from planner.services.demo.fictitious_stock.model import CommuneArea, GeneratedStock
from planner.services.demo.fictitious_stock.points import _PointSampler
from planner.services.demo.fictitious_stock.tables import (
    _FIRST_PREFIX,
    _LAST_PREFIX,
    _NAF_ASSOCIATION,
    _NAF_COMPANY_ONLY,
    _NAF_P,
    _SOLE_SHARE,
)

_BATCH_ROWS: Final = 250_000
_MAX_ROWS: Final = 50_000_000


@contextmanager
def _open_sink(path: Path, member: str | None, large: bool) -> Iterator[IO[bytes]]:
    """A binary stream: a plain file, or one deflated member of a new zip."""
    if member is None:
        with path.open("wb") as handle:
            yield handle
        return
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(member, "w", force_zip64=large) as handle,
    ):
        yield handle


def _write_batch(frame: pl.DataFrame, sink: IO[bytes], line_ending: str) -> None:
    buffer = io.BytesIO()
    frame.write_csv(
        buffer,
        include_header=False,
        line_terminator=line_ending,
        quote_style="necessary",
    )
    sink.write(buffer.getbuffer())


def _write_frames(
    targets: Sequence[tuple[pl.DataFrame | None, IO[bytes] | None]], line_ending: str
) -> None:
    for frame, sink in targets:
        if frame is not None and sink is not None:
            _write_batch(frame, sink, line_ending)


def _validate(
    communes: Sequence[CommuneArea],
    outside_communes: Sequence[CommuneArea],
    rows: int,
    shares: Mapping[str, float],
    layout: int,
    line_ending: str,
) -> None:
    if not communes:
        raise ValueError("at least one commune is needed")
    if rows < 0 or rows > _MAX_ROWS:
        raise ValueError(f"rows must be between 0 and {_MAX_ROWS}")
    for name, share in shares.items():
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    if shares["outside_share"] > 0 and not outside_communes:
        raise ValueError("outside_share > 0 needs outside_communes")
    if layout not in (53, 54):
        raise ValueError("layout must be 53 or 54")
    if line_ending not in ("\n", "\r\n"):
        raise ValueError("line_ending must be '\\n' or '\\r\\n'")
    for area in (*communes, *outside_communes):
        if len(area.code) != 5 or area.code.startswith("97"):
            raise ValueError(f"{area.code}: a metropolitan INSEE commune code is expected")
        if not (len(area.postal_code) == 5 and area.postal_code.isdigit()):
            raise ValueError(f"{area.code}: bad postal code {area.postal_code!r}")
        if not (area.weight > 0 and math.isfinite(area.weight)):
            raise ValueError(f"{area.code}: weight must be positive")
        if area.geometry is None or area.geometry.is_empty or area.geometry.area <= 0:
            raise ValueError(f"{area.code}: an areal geometry is needed")


def generate_stock(
    out_dir: Path,
    communes: Sequence[CommuneArea],
    rows: int,
    *,
    seed: int = 0,
    closed_share: float = 0.02,
    non_diffusible_share: float = 0.02,
    outside_communes: Sequence[CommuneArea] = (),
    outside_share: float = 0.0,
    legal_units: bool = True,
    layout: Literal[53, 54] = 53,
    zip_output: bool = False,
    line_ending: str = "\n",
) -> GeneratedStock:
    """Write a fictitious SIRENE stock to ``out_dir`` and return what was written.

    ``StockEtablissement_utf8.csv`` (or ``.zip`` with ``zip_output``) gets
    ``rows`` establishments placed at random inside ``communes`` (by weight)
    and, for a share ``outside_share`` of rows, inside ``outside_communes``.
    ``StockUniteLegale_utf8.csv`` (or ``.zip``) gets one row per SIREN when
    ``legal_units`` is true. The establishment file does not depend on
    ``legal_units``, ``zip_output`` or ``line_ending`` beyond its container
    and line endings; the same arguments always give the same bytes.

    Partially diffusible rows are drawn among sole traders so that about
    ``non_diffusible_share`` of establishments are ``P``; closed rows are
    drawn with probability ``closed_share``.
    """
    _validate(
        communes,
        outside_communes,
        rows,
        {
            "closed_share": closed_share,
            "non_diffusible_share": non_diffusible_share,
            "outside_share": outside_share,
        },
        layout,
        line_ending,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    areas: list[CommuneArea] = [*communes, *outside_communes]

    # Enough sole traders to carry the requested non-diffusible share.
    sole_share = min(1.0, max(_SOLE_SHARE, 1.25 * non_diffusible_share))
    eligible = float(_NAF_P[~_NAF_ASSOCIATION & ~_NAF_COMPANY_ONLY].sum())
    gap_max = max(1, min(1_000_000, 2 * (_LAST_PREFIX - _FIRST_PREFIX) // max(rows, 1) - 1))
    ctx = _Context(
        seed=seed,
        closed_share=closed_share,
        non_diffusible_share=non_diffusible_share,
        outside_share=outside_share,
        sole_probability=min(1.0, sole_share / eligible),
        areas=areas,
        inside_p=_probabilities([area.weight for area in communes]),
        outside_p=(
            _probabilities([area.weight for area in outside_communes]) if outside_communes else None
        ),
        n_inside=len(communes),
        sampler=_PointSampler(areas),
        transformer=Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True),
        commune_names=_series([_insee_upper(area.name) for area in areas]),
        commune_codes=_series([area.code for area in areas]),
        postal_codes=_series([area.postal_code for area in areas]),
        layout=layout,
        legal_units=legal_units,
        gap_max=gap_max,
        last_prefix=_FIRST_PREFIX - 1,
    )

    header = list(ESTABLISHMENT_COLUMNS) + ([NAF25_COLUMN] if layout == 54 else [])
    large = rows > 3_000_000
    est_path = out_dir / (ESTABLISHMENT_ZIP_NAME if zip_output else ESTABLISHMENT_FILE_NAME)
    ul_path: Path | None = None
    if legal_units:
        ul_path = out_dir / (LEGAL_UNIT_ZIP_NAME if zip_output else LEGAL_UNIT_FILE_NAME)

    totals: Counter[str] = Counter()
    per_area = np.zeros(len(areas), dtype=np.int64)
    with ExitStack() as stack:
        est_sink = stack.enter_context(
            _open_sink(est_path, ESTABLISHMENT_FILE_NAME if zip_output else None, large)
        )
        est_sink.write((",".join(header) + line_ending).encode())
        ul_sink: IO[bytes] | None = None
        if ul_path is not None:
            ul_sink = stack.enter_context(
                _open_sink(ul_path, LEGAL_UNIT_FILE_NAME if zip_output else None, large)
            )
            ul_sink.write((",".join(LEGAL_UNIT_COLUMNS) + line_ending).encode())
        # One writer thread: batch N is written while batch N + 1 is generated
        # (polars and numpy release the GIL). Writes stay in batch order.
        writer = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        pending: Future[None] | None = None
        for batch_no, offset in enumerate(range(0, rows, _BATCH_ROWS)):
            batch = _generate_batch(ctx, batch_no, min(_BATCH_ROWS, rows - offset))
            if pending is not None:
                pending.result()
            pending = writer.submit(
                _write_frames,
                [(batch.establishments, est_sink), (batch.legal_units, ul_sink)],
                line_ending,
            )
            totals["firms"] += batch.n_firms
            totals["closed"] += batch.closed
            totals["non_diffusible"] += batch.non_diffusible
            totals["not_geocoded"] += batch.not_geocoded
            totals["outside"] += batch.outside
            totals["multi_site"] += batch.multi_site
            per_area += batch.per_area
        if pending is not None:
            pending.result()

    per_commune: dict[str, int] = {}
    for area, count in zip(areas, per_area.tolist(), strict=True):
        per_commune[area.code] = per_commune.get(area.code, 0) + int(count)
    return GeneratedStock(
        establishments=est_path,
        legal_units=ul_path,
        rows=rows,
        legal_unit_rows=totals["firms"],
        closed=totals["closed"],
        non_diffusible=totals["non_diffusible"],
        not_geocoded=totals["not_geocoded"],
        outside=totals["outside"],
        multi_site_sirens=totals["multi_site"],
        per_commune=per_commune,
    )
