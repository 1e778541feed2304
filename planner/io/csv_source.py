"""Stream a large CSV file, plain or inside a zip, as chunks of whole lines.

The national SIRENE stock is 8 GB once unzipped: it is read from the zip as a
stream, in chunks cut at a line end outside quotes, so memory stays bounded
and nothing is unzipped to disk. Each chunk knows its first line number, so
errors can say where they are.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from planner.domain.errors import InputError

DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class CsvChunk:
    """Whole CSV records, without the header.

    Attributes:
        data: the bytes of the records (ends with a newline).
        first_line: line number of the first record in the file (header = 1).
        end_offset: bytes read from the (uncompressed) file so far.
        newlines: number of newline bytes in ``data``.
    """

    data: bytes
    first_line: int
    end_offset: int
    newlines: int


class CsvSource:
    """A CSV file to stream: a path to a ``.csv`` or to a ``.zip`` holding one.

    Attributes:
        path: the file on disk.
        name: how to name it in messages (``archive.zip/member.csv`` for a zip).
        header: column names of the first line.
        separator: ``,`` or ``;``, detected from the header.
        size: uncompressed size in bytes, for progress.
    """

    def __init__(self, path: Path, *, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> None:
        self.path = Path(path)
        self.chunk_bytes = chunk_bytes
        self.name = self.path.name
        if not self.path.exists():
            raise InputError("le fichier n'existe pas.", file=self.name)
        self._member: str | None = None
        self.size = self.path.stat().st_size
        if zipfile.is_zipfile(self.path) or self.path.suffix.lower() == ".zip":
            self._open_zip_member()
        header_line = self._read_header()
        self.separator = ";" if header_line.count(";") > header_line.count(",") else ","
        self.header = next(csv.reader([header_line], delimiter=self.separator))

    def _open_zip_member(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                members = [i for i in archive.infolist() if i.filename.lower().endswith(".csv")]
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(
                "l'archive zip est tronquée ou abîmée (elle ne peut pas être lue). "
                "Téléchargez-la de nouveau.",
                file=self.name,
            ) from exc
        if len(members) != 1:
            raise InputError(
                "l'archive zip doit contenir un seul fichier CSV "
                f"(elle en contient {len(members)}).",
                file=self.name,
            )
        self._member = members[0].filename
        self.size = members[0].file_size
        self.name = f"{self.path.name}/{self._member}"

    def _open(self) -> IO[bytes]:
        if self._member is None:
            return self.path.open("rb")
        archive = zipfile.ZipFile(self.path)
        return archive.open(self._member)

    def _read_header(self) -> str:
        with self._open() as handle:
            raw = self._safe_read(handle.readline, 1 << 20, 1)
        raw = raw.removeprefix(UTF8_BOM)
        if not raw.strip():
            raise InputError("le fichier est vide.", file=self.name, line=1)
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise InputError(
                "l'en-tête n'est pas en UTF-8. Téléchargez la version « utf8 » du fichier.",
                file=self.name,
                line=1,
            ) from exc

    def _safe_read(self, read: object, size: int, line: int) -> bytes:
        try:
            data = read(size)  # type: ignore[operator]
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
            raise InputError(
                f"l'archive zip est tronquée ou abîmée ({exc}). Téléchargez-la de nouveau.",
                file=self.name,
                line=line,
            ) from exc
        assert isinstance(data, bytes)
        return data

    def chunks(self) -> Iterator[CsvChunk]:
        """Yield the records in chunks of whole lines, header excluded."""
        with self._open() as handle:
            header = handle.readline()
            offset = len(header)
            line = 2
            carry = b""
            while True:
                block = self._safe_read(handle.read, self.chunk_bytes, line)
                if not block:
                    break
                offset += len(block)
                data = carry + block
                cut = _last_record_end(data)
                if cut <= 0:
                    carry = data
                    continue
                chunk, carry = data[:cut], data[cut:]
                newlines = chunk.count(b"\n")
                yield CsvChunk(chunk, line, offset - len(carry), newlines)
                line += newlines
            if carry.strip():
                if not carry.endswith(b"\n"):
                    carry += b"\n"
                yield CsvChunk(carry, line, offset, carry.count(b"\n"))


def _last_record_end(data: bytes) -> int:
    """Index just after the last newline that ends a record (not inside quotes).

    Returns 0 when no such newline exists in ``data``.
    """
    cut = data.rfind(b"\n") + 1
    # A newline inside a quoted field leaves an odd number of quotes before it.
    while cut > 0 and data.count(b'"', 0, cut) % 2:
        cut = data.rfind(b"\n", 0, cut - 1) + 1
    return cut


def diagnose_chunk(source: CsvSource, chunk: CsvChunk) -> InputError | None:
    """Find the first malformed record of a chunk, slowly but precisely.

    Checks the encoding and the number of fields of each record, the two
    things a fast parser reports without saying where.
    """
    try:
        text = chunk.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = chunk.first_line + chunk.data.count(b"\n", 0, exc.start)
        line_start = chunk.data.rfind(b"\n", 0, exc.start) + 1
        field_index = chunk.data.count(source.separator.encode(), line_start, exc.start)
        column = source.header[field_index] if field_index < len(source.header) else None
        bad = chunk.data[exc.start : exc.start + 1].hex().upper()
        return InputError(
            f"caractère invalide (octet 0x{bad}) : le fichier n'est pas encodé en UTF-8. "
            "Téléchargez la version « utf8 » du fichier INSEE ou réenregistrez-le en UTF-8.",
            file=source.name,
            line=line,
            column=column,
        )
    expected = len(source.header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.separator)
    line = chunk.first_line
    for record in reader:
        if record and len(record) != expected:
            column = source.header[min(len(record), expected - 1)]
            return InputError(
                f"la ligne a {len(record)} champs au lieu de {expected} : "
                "elle est coupée ou abîmée.",
                file=source.name,
                line=line,
                column=column,
            )
        line = chunk.first_line + reader.line_num
    return None
