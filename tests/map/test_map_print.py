"""The printed map: a sheet laid out for the paper (real QtWebEngine, real PDF, poppler)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter

from planner.domain import clock
from planner.services.map.map_sheet import FRAMING_BASSIN, FRAMING_VIEW, map_sheet
from planner.ui.map.map_widget import MapWidget
from tests.map.page_calls import print_to
from tests.map.test_map_widget import LEGEND, _grid_firms, _js, _load

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils absent",
)


def _pdf_printer(path: Path, orientation: QPageLayout.Orientation) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            orientation,
            QMarginsF(10, 10, 10, 10),
            QPageLayout.Unit.Millimeter,
        )
    )
    return printer


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pdf_pages(path: Path) -> tuple[int, float, float]:
    """Pages, and the first page's width and height in points."""
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    return pages, float(size.group(1)), float(size.group(2))


def test_map_sheet_texts() -> None:
    sheet = map_sheet(
        "Plaine\x00 Commune\u202e", "Section NAF", today=dt.date(2026, 12, 6), online=True
    )
    assert sheet.title == "Plaine Commune — Section NAF"
    assert sheet.date == "Édité le 06/12/2026"
    assert "SIRENE" in sheet.sources and "IGN" in sheet.sources
    assert "OpenStreetMap" in sheet.sources
    demo = map_sheet("Démo", "", today=dt.date(2026, 1, 2), demo=True)
    assert demo.title == "Démo"
    assert "fictives" in demo.sources and "SIRENE" not in demo.sources
    with pytest.raises(ValueError, match="Cadrage"):
        map_sheet("x", "y", today=dt.date(2026, 1, 2), framing="ailleurs")


def test_printed_sheet_has_title_date_full_legend_scale_and_sources(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], tmp_path: Path
) -> None:
    # A long legend (40 entries): on screen it scrolls; on paper it is whole.
    ids, lon, lat, _ = _grid_firms()
    legend = [(f"Conseiller n° {n:02d}", f"#{(n * 5_871_301) % 0xFFFFFF:06x}") for n in range(40)]
    category = np.arange(ids.size) % len(legend)
    lon = lon.copy()
    lon[:3] = np.nan  # three firms without a position
    widget.set_geography(communes, outline)
    with qtbot.waitSignal(widget.drawn, timeout=10_000):
        widget.set_firms(ids, lon, lat, category, legend, "Conseiller")
    assert _js(widget, "getComputedStyle(document.querySelector('.pm-legend')).overflowY") == (
        "auto"
    )
    target = tmp_path / "carte.pdf"
    sheet = map_sheet("Bassin de Seine-Saint-Denis", "Conseiller", today=clock.today())
    print_to(widget, _pdf_printer(target, QPageLayout.Orientation.Landscape), sheet)
    assert [p.name for p in tmp_path.iterdir()] == ["carte.pdf"]  # no temporary file left
    if keep := os.environ.get("PLANNER_KEEP_PRINT"):
        shutil.copyfile(target, keep)
    pages, width, height = _pdf_pages(target)
    assert pages == 1
    assert abs(width - 842) < 2 and abs(height - 595) < 2  # A4 landscape, in points
    text = _pdf_text(target)
    assert "Bassin de Seine-Saint-Denis — Conseiller" in text
    assert f"Édité le {clock.today():%d/%m/%Y}" in text
    assert "Sources : INSEE" in text
    for label, _ in legend:
        assert label in text
    assert "Établissements" in text  # the counts' header
    assert "3 établissements sans position" in text
    assert re.search(r"\b\d+ (m|km)\b", text)  # the scale bar
    # The live map was not touched.
    assert _js(widget, "document.getElementById('pm-sheet') === null")


def test_printed_sheet_portrait_and_current_view(
    qtbot: Any, widget: MapWidget, communes: dict[str, Any], outline: dict[str, Any], tmp_path: Path
) -> None:
    _load(qtbot, widget, communes, outline)
    # The user looks at Saint-Denis, close up.
    _js(widget, "PlannerMap.test.map().setView([48.936, 2.357], 14, {animate: false}) && 1")
    texts = {}
    for framing in (FRAMING_BASSIN, FRAMING_VIEW):
        target = tmp_path / f"{framing}.pdf"
        sheet = map_sheet("Vue", "Tranche", today=clock.today(), framing=framing)
        print_to(widget, _pdf_printer(target, QPageLayout.Orientation.Portrait), sheet)
        pages, width, height = _pdf_pages(target)
        assert pages == 1
        assert abs(width - 595) < 2 and abs(height - 842) < 2
        texts[framing] = _pdf_text(target)
        assert "Vue — Tranche" in texts[framing]
        for label, _ in LEGEND:
            assert label in texts[framing]
    # The whole bassin reaches Tremblay-en-France; the view on Saint-Denis does not.
    assert "Tremblay-en-France" in texts[FRAMING_BASSIN]
    assert "Tremblay-en-France" not in texts[FRAMING_VIEW]
    assert "Saint-Denis" in texts[FRAMING_VIEW]


def test_a_printer_gets_the_sheet_through_qt_webengine(
    qtbot: Any,
    widget: MapWidget,
    communes: dict[str, Any],
    outline: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.ui.map.map_print import MapPrintJob

    # No printer here: a PDF printer taken down the printer's road (not printToPdf).
    monkeypatch.setattr(MapPrintJob, "_to_pdf_file", lambda self: False)
    _load(qtbot, widget, communes, outline)
    target = tmp_path / "imprimante.pdf"
    sheet = map_sheet("Imprimante", "Tranche", today=clock.today())
    print_to(widget, _pdf_printer(target, QPageLayout.Orientation.Landscape), sheet)
    pages, width, height = _pdf_pages(target)
    assert pages == 1
    assert abs(width - 842) < 2 and abs(height - 595) < 2
    # Qt paints the sheet as a picture: not blank, the map is in it.
    picture = subprocess.run(
        ["pdftoppm", "-png", "-r", "20", str(target)], check=True, capture_output=True
    ).stdout
    from PySide6.QtGui import QImage

    image = QImage.fromData(picture)
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20
