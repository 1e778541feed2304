"""Derive the NAF 2025 test stocks from the shared 53-column SIRENE sample.

No real SIRENE rows with NAF 2025 codes are published, so the two files here
are made from ``shared/data/sirene/StockEtablissement_utf8__trackdechets_sample.csv``
(299 real establishments, NAF rév. 2 and older nomenclatures) by mapping each
NAF rév. 2 code through INSEE's correspondence table shipped in
``resources/nomenclatures/correspondance_naf_rev2_naf2025.csv``, taking the
**first** NAF 2025 target in file order where the link is one-to-many:

- ``StockEtablissement_54col_naf25.csv``: the 53 columns plus
  ``activitePrincipaleNAF25Etablissement`` (right after
  ``nomenclatureActivitePrincipaleEtablissement``), filled for the rows coded
  in NAF rév. 2, empty for the others (older nomenclatures, no code): the
  layout INSEE has published since 16/12/2025.
- ``StockEtablissement_naf2025_main.csv``: the same 54 columns, as a stock
  after the switch might read: for those rows, ``activitePrincipaleEtablissement``
  holds the NAF 2025 code and ``nomenclatureActivitePrincipaleEtablissement``
  says ``NAF2025`` (INSEE has not published the value it will use; planner
  also reads ``NAFRev2.1``).

Every other cell is copied unchanged. Run from the repository root:
``uv run python tests/data/make_naf2025_stocks.py [OUT_DIR]``.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "data" / "public" / "sirene"
SAMPLE = SHARED / "StockEtablissement_utf8__trackdechets_sample.csv"
TABLE = ROOT / "resources" / "nomenclatures" / "correspondance_naf_rev2_naf2025.csv"
NAF25 = "activitePrincipaleNAF25Etablissement"
FILE_54 = "StockEtablissement_54col_naf25.csv"
FILE_MAIN = "StockEtablissement_naf2025_main.csv"


def first_targets(table: Path = TABLE) -> dict[str, str]:
    """NAF rév. 2 sous-classe → its first NAF 2025 target in the table."""
    first: dict[str, str] = {}
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            first.setdefault(row["naf_rev2"], row["naf_2025"])
    return first


def _text(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def derive(sample: Path = SAMPLE) -> dict[str, str]:
    """File name → content of the two derived stocks."""
    first = first_targets()
    with sample.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    at = header.index("nomenclatureActivitePrincipaleEtablissement") + 1
    header54 = [*header[:at], NAF25, *header[at:]]
    both, main = [], []
    for row in rows:
        code = row["activitePrincipaleEtablissement"]
        rev2 = row["nomenclatureActivitePrincipaleEtablissement"] == "NAFRev2"
        target = first[code] if rev2 and code else ""
        both.append({**row, NAF25: target})
        if target:
            main.append(
                {
                    **row,
                    NAF25: target,
                    "activitePrincipaleEtablissement": target,
                    "nomenclatureActivitePrincipaleEtablissement": "NAF2025",
                }
            )
        else:
            main.append({**row, NAF25: ""})
    return {FILE_54: _text(header54, both), FILE_MAIN: _text(header54, main)}


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    for name, text in derive().items():
        (out / name).write_text(text, encoding="utf-8")
        print(out / name)
