"""Crash reports: the traceback of an unexpected error, written to the user's cache folder.

The user sees a short French message with the report's path; the report holds
what a developer needs (version, platform, command, traceback).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path
from types import TracebackType

from planner import __version__
from planner.io.user_folders import user_cache_folder


def crash_folder() -> Path:
    """Where crash reports go: the user's cache folder, ``planner/rapports-incident``."""
    return user_cache_folder() / "rapports-incident"


def write_crash_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    argv: list[str] | None = None,
) -> Path | None:
    """Write the report; return its path, or None when no folder could take it."""
    now = dt.datetime.now()
    lines = [
        f"planner {__version__} — rapport d'incident du {now:%d/%m/%Y à %H:%M:%S}",
        f"Python {platform.python_version()} sur {platform.platform()}",
        f"Commande : {' '.join(argv if argv is not None else sys.argv)}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    text = "\n".join(line.rstrip("\n") for line in lines) + "\n"
    name = f"planner-incident-{now:%Y%m%d-%H%M%S}-{os.getpid()}.txt"
    for folder in (crash_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return None


def crash_message(exc: BaseException, report: Path | None) -> str:
    """The short French message shown to the user."""
    where = (
        f"Le détail est dans le rapport d'incident {report} : joignez-le à votre signalement."
        if report is not None
        else "Aucun rapport d'incident n'a pu être écrit."
    )
    return f"Erreur inattendue ({type(exc).__name__}). {where}"
