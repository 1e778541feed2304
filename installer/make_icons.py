"""Render ``resources/icons/planner.svg`` to the PNG sizes and the Windows ICO.

Reproducible: ``uv run python installer/make_icons.py``. Writes
``resources/icons/hicolor/<N>x<N>/apps/planner.png`` for the freedesktop
sizes, ``resources/icons/planner.png`` (256 px) and ``resources/icons/planner.ico``
(PNG-compressed entries, 16 to 256 px, readable by Windows Vista and later).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "planner.svg"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    """The SVG rendered at ``size`` x ``size``, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"SVG illisible : {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (one per size)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    blobs = b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    """Write every icon file from the SVG."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {size: render_png(size) for size in sorted(set(HICOLOR_SIZES) | set(ICO_SIZES))}
    for size in HICOLOR_SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "planner.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    (ICONS / "planner.png").write_bytes(pngs[256])
    (ICONS / "planner.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    del app
    print(f"icônes écrites dans {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
