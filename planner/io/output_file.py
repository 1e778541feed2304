"""Every file planner writes goes through here: written whole or not at all.

The content goes to a temporary file in the target folder, is flushed and
synced, then renamed over the final name (``os.replace``, atomic on one file
system). A crash, a kill or a full disk leaves either nothing or the previous
complete file under the final name, never a truncated one. System errors
become an :class:`OutputError` with a French message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from planner.domain.errors import PlannerError

TEMP_PREFIX = ".planner-"
TEMP_SUFFIX = ".tmp"


class OutputError(PlannerError):
    """A file could not be written; nothing incomplete was left under its name."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def _umask() -> int:
    # Read once: os.umask can only be read by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()


def os_error_cause(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (itself, its cause or context, or its first argument).

    Libraries wrap system errors (xlsxwriter's ``FileCreateError`` carries the
    OSError as its argument).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        inner = current.args[0] if current.args else None
        if isinstance(inner, OSError):
            return inner
        current = current.__cause__ or current.__context__
    return None


def describe_os_error(exc: OSError, path: Path | str) -> str:
    """A French message for a failed write of ``path``."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"Disque plein : impossible d'écrire {path}. Libérez de la place puis recommencez ; "
            "aucun fichier incomplet n'a été laissé."
        )
    if code == errno.EROFS:
        return f"Le dossier de {path} est en lecture seule : choisissez un autre dossier."
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"Accès refusé : impossible d'écrire {path} (droits insuffisants, ou fichier ouvert "
            "dans un autre logiciel)."
        )
    if code == errno.ENOENT:
        return f"Le dossier de {path} n'existe pas."
    if code == errno.ENAMETOOLONG:
        return f"Nom de fichier trop long : {path}."
    if code == errno.EISDIR:
        return f"{path} est un dossier : donnez un nom de fichier."
    if code in (errno.ENOTDIR, errno.EEXIST):
        return (
            f"Impossible d'écrire {path} : un élément de son chemin est un fichier, pas un dossier."
        )
    reason = exc.strerror or str(exc)
    return f"Impossible d'écrire {path} : {reason}."


def describe_file_error(exc: OSError, path: Path | str) -> str:
    """A French message for an OSError met reading or writing ``path`` (which, unknown)."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        return describe_os_error(exc, path)
    if code == errno.ENOENT:
        return f"Fichier ou dossier introuvable : {path}."
    if code in (errno.EACCES, errno.EPERM):
        return f"Accès refusé : {path} (droits insuffisants, ou fichier ouvert ailleurs)."
    if code == errno.EISDIR:
        return f"{path} est un dossier, un fichier est attendu."
    return f"Erreur d'accès à {path} : {exc.strerror or exc}."


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


STALE_SECONDS = 24 * 3600
"""A temporary file this old was left by a killed write: the next write removes it."""


def sweep_stale(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files that killed writes left in ``folder``; return them."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)):
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
                    Path(entry.path).unlink()
                    removed.append(Path(entry.path))
    return removed


def _temp_file(folder: Path) -> Path:
    """Create an empty temporary file in ``folder`` (short name, whatever the final one)."""
    for _ in range(100):
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise FileExistsError(errno.EEXIST, "trop de fichiers temporaires", str(folder))


def _commit(temp: Path, final: Path) -> None:
    fd = os.open(temp, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    temp.chmod(_MODE)
    temp.replace(final)
    _fsync_dir(final.parent)


def _close_abandoned_archives(exc: BaseException) -> None:
    """Close the zip archives that a failed writer left open on the temporary file.

    xlsxwriter and openpyxl open a ``ZipFile`` and do not close it when a write
    fails (a full disk). Its finaliser would retry the write later and print
    "Exception ignored in ... Traceback" on the user's terminal.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    # Libraries re-raise their own error (xlsxwriter's FileCreateError): the
    # archive is in the frames of the error it wraps.
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile):
                    # A failed close still drops the file handle: nothing is retried.
                    with contextlib.suppress(Exception):
                        value.close()
            tb = tb.tb_next
        current = current.__cause__ or current.__context__


@contextlib.contextmanager
def atomic_path(
    path: Path | str,
    *,
    check: Callable[[Path], None] | None = None,
    make_folder: bool = False,
) -> Iterator[Path]:
    """A temporary path for a writer that wants a file name (xlsxwriter, openpyxl, Qt).

    The block writes the whole file to the yielded path. When it ends without
    error, ``check`` (if given) inspects the written file (it raises an
    OSError when the file is incomplete), then the file is synced and renamed
    to ``path``. On any error the temporary file is removed and an
    :class:`OutputError` with a French message is raised for system errors.

    Args:
        path: the final file.
        check: called with the temporary file once written.
        make_folder: create the target folder if it does not exist.
    """
    final = Path(path)
    temp: Path | None = None
    try:
        if final.is_dir():
            raise IsADirectoryError(errno.EISDIR, "est un dossier", str(final))
        with contextlib.suppress(OSError):
            if not stat.S_ISREG(mode := final.lstat().st_mode) and not stat.S_ISLNK(mode):
                # A device, pipe or socket (/dev/full…): renaming over it would
                # replace it by a regular file (root may write in /dev).
                raise OutputError(
                    f"{final} n'est pas un fichier ordinaire : donnez un nom de fichier "
                    "dans un dossier.",
                    final,
                )
        if make_folder:
            final.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(final.parent)
        temp = _temp_file(final.parent)
        yield temp
        if check is not None:
            check(temp)
        _commit(temp, final)
        temp = None
    except BaseException as exc:
        _close_abandoned_archives(exc)
        cause = os_error_cause(exc)
        if cause is not None and not isinstance(exc, PlannerError):
            raise OutputError(describe_os_error(cause, final), final) from exc
        raise
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()


def write_bytes(path: Path | str, data: bytes, *, make_folder: bool = False) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path, make_folder=make_folder) as temp, temp.open("wb") as handle:
        handle.write(data)
        handle.flush()


def write_text(path: Path | str, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode(encoding))


def pdf_complete(path: Path) -> None:
    """Raise ENOSPC-like OSError when a PDF written by Qt was cut short.

    Qt reports no write error of its own: a full disk leaves a PDF without
    its final ``%%EOF``.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 64))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise OSError(errno.ENOSPC, "PDF incomplet", str(path))
