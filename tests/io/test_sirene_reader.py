"""Reading SIRENE files: layouts by column name, and bad input told precisely."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from planner.domain.errors import InputError
from planner.io.csv_source import CsvSource
from planner.io.sirene_layout import (
    ESTABLISHMENT_COLUMNS,
    LEGAL_UNIT_COLUMNS,
    SireneKind,
    detect_kind,
)
from planner.io.sirene_reader import LINE, read_frames

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"


def _frames(path: Path, columns: tuple[str, ...] = ESTABLISHMENT_COLUMNS) -> list:
    return [c.frame for c in read_frames(CsvSource(path), columns)]


def _lines(sirene_dir: Path) -> list[bytes]:
    return (sirene_dir / STOCK).read_bytes().split(b"\n")


def test_real_sample_reads_every_row_with_its_line(sirene_dir: Path) -> None:
    frames = _frames(sirene_dir / STOCK)
    assert sum(f.height for f in frames) == 299
    first = frames[0]
    assert first[LINE][0] == 2
    assert first["siret"][0] == "00032517500016"
    assert first["codeCommuneEtablissement"][0] == "98727"
    assert first["trancheEffectifsEtablissement"][0] is None


def test_kinds_are_told_by_column_names(sirene_dir: Path) -> None:
    assert detect_kind(CsvSource(sirene_dir / STOCK).header, STOCK) is SireneKind.ESTABLISHMENTS
    units = CsvSource(sirene_dir / "StockUniteLegale_utf8__trackdechets_sample.csv")
    assert detect_kind(units.header, units.name) is SireneKind.LEGAL_UNITS
    assert sum(f.height for f in _frames(units.path, LEGAL_UNIT_COLUMNS)) == 3999


def test_54_column_layout_and_reordered_columns(sirene_dir: Path, tmp_path: Path) -> None:
    lines = [line for line in _lines(sirene_dir) if line]
    rows = [line.decode().split(",") for line in lines]
    # A NAF 2025 column at the end, and the first two columns swapped.
    rows = [[r[1], r[0], *r[2:], "NAF25" if i == 0 else "56.11A"] for i, r in enumerate(rows)]
    rows[0][-1] = "activitePrincipaleNAF25Etablissement"
    path = tmp_path / "StockEtablissement_54.csv"
    path.write_text("\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8")
    frames = _frames(path)
    assert sum(f.height for f in frames) == 299
    assert frames[0]["siren"][0] == "000325175"
    assert frames[0]["siret"][0] == "00032517500016"


def test_zip_is_streamed(sirene_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(sirene_dir / STOCK, "StockEtablissement_utf8.csv")
    source = CsvSource(path, chunk_bytes=4096)
    assert source.name == "StockEtablissement_utf8.zip/StockEtablissement_utf8.csv"
    frames = [c.frame for c in read_frames(source, ESTABLISHMENT_COLUMNS)]
    assert len(frames) > 5
    assert sum(f.height for f in frames) == 299
    lines = [n for f in frames for n in f[LINE]]
    assert lines == list(range(2, 301))


def test_truncated_zip(sirene_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(sirene_dir / STOCK, "StockEtablissement_utf8.csv")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputError, match="tronquée ou abîmée") as err:
        _frames(path)
    assert err.value.file == "StockEtablissement_utf8.zip"


def test_wrong_encoding_names_line_and_column(sirene_dir: Path, tmp_path: Path) -> None:
    lines = _lines(sirene_dir)
    index = next(i for i, line in enumerate(lines) if b"ABBEVILLE" in line and i > 30)
    lines[index] = lines[index].decode().replace("ABBEVILLE", "ABBÉVILLE").encode("latin-1")
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as err:
        _frames(path)
    assert (err.value.file, err.value.line) == ("latin1.csv", index + 1)
    assert err.value.column == "libelleCommuneEtablissement"
    assert "UTF-8" in str(err.value)


def test_broken_line_names_line_and_column(sirene_dir: Path, tmp_path: Path) -> None:
    lines = _lines(sirene_dir)
    lines[120] = lines[120][:90]
    path = tmp_path / "coupe.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match="champs au lieu de 53") as err:
        _frames(path)
    assert err.value.line == 121
    assert err.value.column is not None
    assert str(err.value).startswith("Fichier coupe.csv, ligne 121, colonne ")


def test_truncated_last_line(sirene_dir: Path, tmp_path: Path) -> None:
    data = (sirene_dir / STOCK).read_bytes()
    path = tmp_path / "tronque.csv"
    path.write_bytes(data[: len(data) - 60])
    with pytest.raises(InputError) as err:
        _frames(path)
    assert err.value.line == 300


def test_quoted_commas_and_newlines_keep_line_numbers(sirene_dir: Path, tmp_path: Path) -> None:
    lines = _lines(sirene_dir)
    lines[2] = lines[2].replace(b",AVIGNON,", b',"AVIGNON, ET\nAILLEURS",', 1)
    assert b"AILLEURS" in lines[2]
    path = tmp_path / "quotes.csv"
    path.write_bytes(b"\n".join(lines))
    frame = _frames(path)[0]
    assert frame.height == 299
    assert frame[LINE][1] == 3
    assert frame["libelleCommuneEtablissement"][1] == "AVIGNON, ET\nAILLEURS"
    assert frame[LINE][2] == 5  # the record after the two-line field
    assert frame[LINE][-1] == 301


def test_pre_2019_layout_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "sirc-ancien.csv"
    path.write_text(
        "SIREN;NIC;L1_NORMALISEE;L2_NORMALISEE\n005520135;00038;X;Y\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="ancien format SIRENE"):
        detect_kind(CsvSource(path).header, path.name)


def test_not_sirene(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("nom,ville\nDupont,Paris\n", encoding="utf-8")
    with pytest.raises(InputError, match="n'est pas un fichier SIRENE"):
        detect_kind(CsvSource(path).header, path.name)
