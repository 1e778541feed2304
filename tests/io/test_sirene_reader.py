"""Reading SIRENE files: layouts by column name, and bad input told precisely."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
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
    # a line break inside a field is stored as a space
    assert frame["libelleCommuneEtablissement"][1] == "AVIGNON, ET AILLEURS"
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


def _big_stock(sirene_dir: Path, megabytes: float) -> tuple[bytes, list[bytes]]:
    """The sample's header and its rows repeated up to about ``megabytes``."""
    header, *rows = (sirene_dir / STOCK).read_bytes().rstrip(b"\n").split(b"\n")
    copies = int(megabytes * 2**20 / sum(len(r) + 1 for r in rows)) + 1
    return header, rows * copies


def test_stray_quote_in_a_big_file_is_reported_where_it_is(
    sirene_dir: Path, tmp_path: Path
) -> None:
    header, rows = _big_stock(sirene_dir, 6)
    stray = len(rows) // 3
    # a quote opening libelleVoieEtablissement that nothing closes
    fields = rows[stray].split(b",")
    fields[header.split(b",").index(b"libelleVoieEtablissement")] += b'"'
    rows[stray] = b",".join(fields)
    path = tmp_path / "StockEtablissement_guillemet.csv"
    path.write_bytes(b"\n".join([header, *rows]) + b"\n")
    with pytest.raises(InputError, match="guillemet non refermé") as err:
        _frames(path)
    assert (err.value.file, err.value.line, err.value.column) == (
        path.name,
        stray + 2,
        "libelleVoieEtablissement",
    )
    assert "plus de 1 024 Ko" in err.value.reason


def test_stray_quote_near_the_end_is_reported_at_the_end(sirene_dir: Path, tmp_path: Path) -> None:
    lines = _lines(sirene_dir)
    lines[297] = lines[297].replace(b",", b',"', 1)
    path = tmp_path / "fin.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match="jusqu'à la fin du fichier") as err:
        _frames(path)
    assert (err.value.line, err.value.column) == (298, "nic")


def test_two_stray_quotes_far_apart_make_a_record_over_the_limit(
    sirene_dir: Path, tmp_path: Path
) -> None:
    lines = _lines(sirene_dir)
    lines[10] = lines[10].replace(b",", b',"', 1)
    lines[250] = lines[250].replace(b",", b',"', 1)  # closes the first one
    path = tmp_path / "deux.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match="guillemet non refermé") as err:
        list(read_frames(CsvSource(path, max_record_bytes=8192), ESTABLISHMENT_COLUMNS))
    assert (err.value.line, err.value.column) == (11, "nic")


def test_quoted_newlines_across_chunk_boundaries(sirene_dir: Path, tmp_path: Path) -> None:
    header, *rows = _lines(sirene_dir)[:-1]
    street = header.split(b",").index(b"libelleVoieEtablissement")
    for i in range(0, len(rows), 3):  # every third record has a street on three lines
        fields = rows[i].split(b",")
        fields[street] = b'"RUE\nDU\r\nPORT, QUAI"'
        rows[i] = b",".join(fields)
    data = b"\n".join([header, *rows]) + b"\n"
    path = tmp_path / "multi.csv"
    path.write_bytes(data)
    chunk = 1000
    body = len(header) + 1
    # block boundaries really fall inside quoted fields
    assert sum(data.count(b'"', body, body + k * chunk) % 2 for k in range(1, 60)) >= 2
    frames = [
        c.frame for c in read_frames(CsvSource(path, chunk_bytes=chunk), ESTABLISHMENT_COLUMNS)
    ]
    assert len(frames) > 20
    frame = pl.concat(frames)
    assert frame["siret"].to_list() == [r.split(b",")[2].decode() for r in rows]
    streets = frame["libelleVoieEtablissement"].to_list()
    assert streets[::3] == ["RUE DU PORT, QUAI"] * 100
    assert "RUE DU PORT, QUAI" not in streets[1::3] + streets[2::3]
    expected, line = [], 2
    for record in rows:
        expected.append(line)
        line += record.count(b"\n") + 1
    assert frame[LINE].to_list() == expected


def test_a_line_without_end_is_refused_after_a_bounded_read(
    tmp_path: Path, sirene_dir: Path
) -> None:
    header = _lines(sirene_dir)[0]
    path = tmp_path / "une_ligne.csv"
    with path.open("wb") as handle:  # a sparse 1 GB line of NUL bytes after the header
        handle.write(header + b"\n")
        handle.seek(2**30)
        handle.write(b"x\n")
    with pytest.raises(InputError, match="sans fin de ligne") as err:
        _frames(path)
    assert (err.value.file, err.value.line) == ("une_ligne.csv", 2)
    header_path = tmp_path / "entete_geante.csv"
    with header_path.open("wb") as handle:
        handle.seek(2**30)
        handle.write(b"\n")
    with pytest.raises(InputError, match="en-tête") as err:
        CsvSource(header_path)
    assert err.value.line == 1


def test_blank_lines_inside_are_reported_and_at_the_end_ignored(
    sirene_dir: Path, tmp_path: Path
) -> None:
    lines = _lines(sirene_dir)  # the sample ends with a newline: the last item is b""
    path = tmp_path / "fin_vide.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n\r\n")
    assert sum(f.height for f in _frames(path)) == 299
    lines.insert(150, b"")
    path = tmp_path / "vide.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match="ligne vide") as err:
        _frames(path)
    assert err.value.line == 151
    # a chunk of blank lines is refused before parsing, with bounded memory
    path.write_bytes(b"\n".join([lines[0], *lines[1:3], b"\n" * 3_000_000, *lines[3:]]))
    with pytest.raises(InputError, match="de lignes vides") as err:
        list(read_frames(CsvSource(path, chunk_bytes=1 << 20), ESTABLISHMENT_COLUMNS))
    assert err.value.line == 4


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "StockEtablissement_utf8.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="c'est un dossier") as err:
        CsvSource(folder)
    assert err.value.file == folder.name
