"""``planner import sirene`` fed as an attacker or a clumsy user would: every bad
file gives a French message naming file, line and column, exit code 2, and the
campaign stays as it was (SQLite and PostgreSQL); a BOM or CRLF line ends
import like the plain file."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.cli.main import run
from planner.db import models
from planner.db.store import open_store

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"
ALL_FLAGS = ["--include-closed", "--all-sizes", "--include-non-employers"]


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().rstrip(b"\n").split(b"\n")


def _set_field(line: bytes, header: bytes, column: bytes, value: bytes) -> bytes:
    fields = line.split(b",")
    fields[header.split(b",").index(column)] = value
    return b",".join(fields)


def _snapshot(target: str | Path) -> tuple[object, ...]:
    with open_store(target) as store, store.session() as session:
        rows = session.execute(
            select(models.Establishment.siret, models.Establishment.name).order_by("siret")
        ).all()
        runs = session.scalar(select(func.count(models.ImportRun.id)))
        units = session.scalar(select(func.count(models.LegalUnit.siren)))
    return (tuple(rows), runs, units)


@pytest.fixture
def somme(campaign_target: str | Path, sirene_dir: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A Somme campaign that already holds the sample's 115 establishments."""
    target = str(campaign_target)
    assert run(["campaign", "create", target, "--name", "Somme", "--departement", "80"]) == 0
    args = ["--stock", str(sirene_dir / STOCK), "--unites-legales", str(sirene_dir / UNITS)]
    assert run(["import", "sirene", target, *args, *ALL_FLAGS]) == 0
    capsys.readouterr()
    return target


def _truncated_zip(sirene_dir: Path, folder: Path) -> Path:
    path = folder / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(sirene_dir / STOCK, "StockEtablissement_utf8.csv")
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    return path


def _latin1(sirene_dir: Path, folder: Path) -> Path:
    lines = _lines(sirene_dir / STOCK)
    lines[40] = _set_field(lines[40], lines[0], b"enseigne1Etablissement", "CAFÉ".encode("latin-1"))
    path = folder / "StockEtablissement_latin1.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _one_gigabyte_line(sirene_dir: Path, folder: Path) -> Path:
    path = folder / "StockEtablissement_une_ligne.csv"
    with path.open("wb") as handle:  # sparse: 1 GB of NUL bytes after the header
        handle.write(_lines(sirene_dir / STOCK)[0] + b"\n")
        handle.seek(2**30)
        handle.write(b"\n")
    return path


def _header_only(sirene_dir: Path, folder: Path) -> Path:
    path = folder / "StockEtablissement_entete.csv"
    path.write_bytes(_lines(sirene_dir / STOCK)[0] + b"\n")
    return path


def _column_missing(sirene_dir: Path, folder: Path) -> Path:
    lines = _lines(sirene_dir / STOCK)
    index = lines[0].split(b",").index(b"etatAdministratifEtablissement")
    rows = [b",".join(f for i, f in enumerate(line.split(b",")) if i != index) for line in lines]
    path = folder / "StockEtablissement_colonne.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    return path


def _stray_quote(sirene_dir: Path, folder: Path) -> Path:
    lines = _lines(sirene_dir / STOCK)
    lines[120] = _set_field(lines[120], lines[0], b"libelleVoieEtablissement", b'"RUE HAUTE')
    path = folder / "StockEtablissement_guillemet.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _too_long(sirene_dir: Path, folder: Path) -> Path:
    lines = _lines(sirene_dir / STOCK)
    row = next(i for i, line in enumerate(lines) if b",80" in line and i > 100)
    lines[row] = _set_field(lines[row], lines[0], b"enseigne1Etablissement", b"X" * 5000)
    path = folder / "StockEtablissement_long.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _units_header_only(sirene_dir: Path, folder: Path) -> Path:
    path = folder / "StockUniteLegale_entete.csv"
    path.write_bytes(_lines(sirene_dir / UNITS)[0] + b"\n")
    return path


def _units_too_long(sirene_dir: Path, folder: Path) -> Path:
    lines = _lines(sirene_dir / UNITS)
    # line 8 of the file: a legal unit of an establishment in the Somme
    lines[7] = _set_field(lines[7], lines[0], b"denominationUniteLegale", b"SARL " * 100)
    path = folder / "StockUniteLegale_long.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _long_row(sirene_dir: Path) -> int:
    lines = _lines(sirene_dir / STOCK)
    return next(i for i, line in enumerate(lines) if b",80" in line and i > 100) + 1


# builder, stock or units, expected message, line (None: computed), column
CASES: dict[str, tuple[Callable[[Path, Path], Path], str, str, int | None, str | None]] = {
    "zip tronqué": (_truncated_zip, "stock", "tronquée ou abîmée", None, None),
    "latin-1": (_latin1, "stock", "pas encodé en UTF-8", 41, "enseigne1Etablissement"),
    "ligne de 1 Go": (_one_gigabyte_line, "stock", "sans fin de ligne", 2, None),
    "en-tête seul": (_header_only, "stock", "aucune ligne après l'en-tête", 2, None),
    "colonne manquante": (
        _column_missing,
        "stock",
        "colonne(s) manquante(s) etatAdministratifEtablissement",
        1,
        "etatAdministratifEtablissement",
    ),
    "guillemet isolé": (
        _stray_quote,
        "stock",
        "guillemet non refermé",
        121,
        "libelleVoieEtablissement",
    ),
    "valeur trop longue": (_too_long, "stock", "valeur trop longue", -1, "enseigne1Etablissement"),
    "unités légales vides": (_units_header_only, "units", "aucune ligne après l'en-tête", 2, None),
    "raison sociale trop longue": (
        _units_too_long,
        "units",
        "valeur trop longue (500 caractères, au plus 200 attendus)",
        8,
        "denominationUniteLegale",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_exits_2_with_file_line_column_and_writes_nothing(
    case: str,
    somme: str,
    sirene_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build, role, reason, line, column = CASES[case]
    bad = build(sirene_dir, tmp_path)
    before = _snapshot(somme)
    if role == "stock":
        files = ["--stock", str(bad)]
    else:
        files = ["--stock", str(sirene_dir / STOCK), "--unites-legales", str(bad)]
    assert run(["import", "sirene", somme, *files, *ALL_FLAGS]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"Fichier {bad.name}" in err
    assert reason in err
    if line == -1:
        line = _long_row(sirene_dir)
    if line is not None:
        assert f"ligne {line}" in err
    if column is not None:
        assert f"colonne {column} :" in err
    assert _snapshot(somme) == before


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom+crlf"])
def test_bom_and_crlf_import_like_the_plain_file(
    variant: str,
    somme: str,
    sirene_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = (sirene_dir / STOCK).read_bytes()
    if "crlf" in variant:
        data = data.replace(b"\n", b"\r\n")
    if "bom" in variant:
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / f"StockEtablissement_{variant}.csv"
    path.write_bytes(data)
    before = _snapshot(somme)
    assert run(["import", "sirene", somme, "--stock", str(path), *ALL_FLAGS]) == 0
    out = capsys.readouterr().out
    assert "Retenus : 115 (nouveaux 0, modifiés 0, inchangés 115)" in out
    assert _snapshot(somme)[0] == before[0]
