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

import numpy as np

from planner.domain.errors import InputError

DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024
# A SIRENE record is under 2 KB: a longer one is a broken file (a stray quote
# swallowing the lines after it, a missing line end), and the limit bounds the
# bytes carried from one chunk to the next.
DEFAULT_MAX_RECORD_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 1024 * 1024
QUOTE = 0x22
NEWLINE = 0x0A
UTF8_BOM = b"\xef\xbb\xbf"
# C0 control characters and DEL, but tab, LF and CR, which the CSV layout may
# use and the reader turns into spaces inside a field. PostgreSQL refuses NUL
# in text where SQLite keeps it: removed at read time, both store the same.
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def strip_control_bytes(data: bytes, newlines: int | None = None) -> bytes:
    """``data`` without C0 control characters (tab, LF and CR excepted) nor DEL.

    Safe on UTF-8: these bytes never occur inside a multi-byte character.

    Args:
        data: the bytes.
        newlines: the number of LF in ``data``, when the caller knows it.
    """
    # Bytes under 0x20 are counted at numpy speed and compared with the
    # allowed ones (SIRENE has almost no others): only then is anything deleted.
    view = np.frombuffer(data, dtype=np.uint8)
    low = int(np.count_nonzero(view < 0x20))
    allowed = data.count(b"\n") if newlines is None else newlines
    for byte in (b"\r", b"\t"):
        if byte in data:
            allowed += data.count(byte)
    if low == allowed and b"\x7f" not in data:
        return data
    return data.translate(None, CONTROL_BYTES)


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

    def __init__(
        self,
        path: Path,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self.path = Path(path)
        self.chunk_bytes = chunk_bytes
        self.max_record_bytes = max_record_bytes
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
        try:
            if self._member is None:
                return self.path.open("rb")
            archive = zipfile.ZipFile(self.path)
            return archive.open(self._member)
        except IsADirectoryError as exc:
            raise InputError("c'est un dossier, pas un fichier.", file=self.name) from exc
        except PermissionError as exc:
            raise InputError(
                "lecture refusée : vous n'avez pas le droit de lire ce fichier.", file=self.name
            ) from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(
                "le fichier ne peut pas être ouvert : il est abîmé ou illisible.", file=self.name
            ) from exc

    def _read_header(self) -> str:
        with self._open() as handle:
            raw = self._safe_read(handle.readline, MAX_HEADER_BYTES + 1, 1)
        if len(raw) > MAX_HEADER_BYTES:
            raise InputError(
                "la première ligne (l'en-tête) fait plus de 1 Mo : ce n'est pas un "
                "fichier CSV SIRENE, ou il est abîmé.",
                file=self.name,
                line=1,
            )
        raw = strip_control_bytes(raw.removeprefix(UTF8_BOM))
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
            reason = (
                f"l'archive zip est tronquée ou abîmée ({exc}). Téléchargez-la de nouveau."
                if self._member is not None
                else f"le fichier ne peut pas être lu jusqu'au bout ({exc})."
            )
            raise InputError(reason, file=self.name, line=line) from exc
        assert isinstance(data, bytes)
        return data

    def chunks(self) -> Iterator[CsvChunk]:
        """Yield the records in chunks of whole lines, header excluded.

        Each byte is scanned once for quotes and line ends, so a chunk costs
        the same whatever its quotes. A record (or an unclosed quoted field)
        longer than ``max_record_bytes`` is an error, which bounds the bytes
        carried from one chunk to the next.

        Raises:
            InputError: an unbalanced quote or an overlong line, with its
                line and column.
        """
        with self._open() as handle:
            header = self._safe_read(handle.readline, MAX_HEADER_BYTES + 2, 1)
            offset = len(header)
            line = 2
            carry = b""
            scan = RecordScan(0, 0, 0, inside=False)
            while True:
                block = self._safe_read(handle.read, self.chunk_bytes, line)
                if not block:
                    break
                offset += len(block)
                data = carry + block
                scan = scan_records(data)
                if scan.longest > self.max_record_bytes:
                    start = scan.longest_start
                    raise self._overlong(data, start, start + scan.longest, line)
                if len(data) - scan.last_end > self.max_record_bytes:
                    raise self._overlong(data, scan.last_end, len(data), line)
                cut = _before_blank_lines(data, scan.last_end)
                if cut == 0:
                    if len(data) > self.max_record_bytes:  # blank lines only
                        raise self._overlong(data, 0, len(data), line)
                    carry = data
                    continue
                chunk, carry = data[:cut], data[cut:]
                newlines = chunk.count(b"\n")
                yield CsvChunk(
                    strip_control_bytes(chunk, newlines), line, offset - len(carry), newlines
                )
                line += newlines
            if scan.inside:
                raise self._overlong(carry, 0, len(carry), line, at_end=True)
            if carry.strip():
                if not carry.endswith(b"\n"):
                    carry += b"\n"
                yield CsvChunk(strip_control_bytes(carry), line, offset, carry.count(b"\n"))

    def _overlong(
        self, data: bytes, start: int, end: int, line: int, *, at_end: bool = False
    ) -> InputError:
        """The error for the record ``data[start:end]``, which never ends or is too long.

        Args:
            data: bytes that start at line ``line`` of the file, on a record start.
            start: where the record starts (a record start).
            end: where it ends, or where the data ends.
            line: the file's line number of ``data[0]``.
            at_end: the record runs to the end of the file.
        """
        record = data[start:end]
        line += data.count(b"\n", 0, start)
        quote = _runaway_quote(record)
        limit = f"{self.max_record_bytes // 1024:,} Ko".replace(",", " ")
        if not record.strip():
            return InputError(
                f"plus de {limit} de lignes vides : ce n'est pas un fichier CSV SIRENE, "
                "ou il est abîmé.",
                file=self.name,
                line=line,
            )
        if quote is None:
            return InputError(
                f"la ligne fait plus de {limit} sans fin de ligne : ce n'est pas un "
                "fichier CSV SIRENE, ou il est abîmé.",
                file=self.name,
                line=line,
            )
        field = _field_index(record, quote, self.separator.encode())
        column = self.header[field] if field < len(self.header) else None
        spanned = record.count(b"\n", quote) + 1
        extent = "jusqu'à la fin du fichier" if at_end else f"sur plus de {limit}"
        return InputError(
            f"guillemet non refermé : le champ ouvert ici par un guillemet s'étend sur "
            f"{spanned} lignes, {extent}. Un guillemet à l'intérieur d'un champ doit être "
            'doublé (""). Le fichier est peut-être abîmé : téléchargez-le de nouveau.',
            file=self.name,
            line=line + record.count(b"\n", 0, quote),
            column=column,
        )


def _before_blank_lines(data: bytes, end: int) -> int:
    """Move a record end back before the blank lines that precede it.

    Blank lines at the end of the file are then never yielded, and blank
    lines further on start the next chunk, where they are reported.
    """
    kept = end
    while kept and data[kept - 1] in b"\r\n":
        kept -= 1
    if kept == 0:
        return 0
    return kept + (2 if data[kept : kept + 2] == b"\r\n" else 1)


@dataclass(frozen=True)
class RecordScan:
    """Where the records of some CSV bytes end, from one pass over them.

    Attributes:
        last_end: index just after the last newline that ends a record (not
            inside quotes), 0 when there is none.
        longest: length in bytes of the longest whole record.
        longest_start: where that record starts.
        inside: the data ends inside a quoted field.
    """

    last_end: int
    longest: int
    longest_start: int
    inside: bool


_WINDOW_BYTES = 4 * 1024 * 1024


def scan_records(data: bytes) -> RecordScan:
    """Find the record ends of ``data``, which starts on a record start.

    A newline ends a record when an even number of quotes comes before it.
    The quote parity is carried along as the bytes are scanned once, window
    by window (counting the quotes again for each newline is quadratic).
    """
    view = np.frombuffer(data, dtype=np.uint8)
    inside = 0
    previous = last_end = longest = longest_start = 0
    for low in range(0, len(data), _WINDOW_BYTES):
        window = view[low : low + _WINDOW_BYTES]
        quotes = np.flatnonzero(window == QUOTE)
        newlines = np.flatnonzero(window == NEWLINE)
        if newlines.size:
            before = np.searchsorted(quotes, newlines)
            ends = newlines[(before + inside) % 2 == 0] + (low + 1)
            if ends.size:
                starts = np.concatenate(([previous], ends[:-1]))
                sizes = ends - starts
                biggest = int(sizes.argmax())
                if sizes[biggest] > longest:
                    longest, longest_start = int(sizes[biggest]), int(starts[biggest])
                previous = last_end = int(ends[-1])
        inside = (inside + quotes.size) % 2
    return RecordScan(last_end, longest, longest_start, inside=bool(inside))


def record_starts(data: bytes) -> np.ndarray:
    """Index of the first byte of every record of ``data`` (whole records)."""
    view = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(view == QUOTE)
    newlines = np.flatnonzero(view == NEWLINE)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0] + 1
    starts: np.ndarray = np.concatenate(([0], ends[:-1])) if ends.size else np.zeros(0, np.int64)
    return starts


def _runaway_quote(record: bytes) -> int | None:
    """The quote that opens the field running over a line end, if any.

    That is the first quoted span holding a newline, or the last quote when
    their number is odd.
    """
    view = np.frombuffer(record, dtype=np.uint8)
    quotes = np.flatnonzero(view == QUOTE)
    if not quotes.size:
        return None
    newlines = np.flatnonzero(view == NEWLINE)
    opening, closing = quotes[0::2], quotes[1::2]
    spans = min(opening.size, closing.size)
    crossing = np.searchsorted(newlines, closing[:spans]) > np.searchsorted(
        newlines, opening[:spans]
    )
    if crossing.any():
        return int(opening[:spans][crossing][0])
    return int(opening[-1]) if opening.size > closing.size else None


def _field_index(record: bytes, position: int, separator: bytes) -> int:
    """Which field of ``record`` holds ``position``: separators outside quotes before it."""
    view = np.frombuffer(record, dtype=np.uint8)[:position]
    quotes = np.flatnonzero(view == QUOTE)
    separators = np.flatnonzero(view == separator[0])
    return int((np.searchsorted(quotes, separators) % 2 == 0).sum())


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
    try:
        for record in reader:
            if not record:
                return InputError(
                    "ligne vide au milieu du fichier : il a été modifié ou est abîmé.",
                    file=source.name,
                    line=line,
                )
            if len(record) != expected:
                column = source.header[min(len(record), expected - 1)]
                return InputError(
                    f"la ligne a {len(record)} champs au lieu de {expected} : "
                    "elle est coupée ou abîmée.",
                    file=source.name,
                    line=line,
                    column=column,
                )
            line = chunk.first_line + reader.line_num
    except csv.Error as exc:  # a field over the csv module's limit (128 Ko)
        return InputError(
            f"ligne illisible ({exc}) : un champ est anormalement long, le fichier est abîmé.",
            file=source.name,
            line=line,
        )
    return None
