"""The folder each kind of file was last picked from, so that a file dialog opens there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

DEFAULT_KIND = "fichiers"
"""The kind of the callers that name none (exports, various files)."""


class RecentFolders:
    """Per kind of file (« campagne », « sirene », « export »…), the last folder used.

    Folders live in the user's settings under ``recent/dir/<kind>``; a kind never
    used yet starts from the last folder of any kind, else the home folder.
    """

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def folder(self, kind: str = DEFAULT_KIND) -> str:
        """Where a file dialog for this kind of file opens."""
        fallback = str(self._settings.value("recent/dir", str(Path.home())))
        folder = str(self._settings.value(f"recent/dir/{kind}", fallback))
        return folder if Path(folder).is_dir() else fallback

    def remember(self, path: str | Path, kind: str = DEFAULT_KIND) -> None:
        """Remember the folder of a file chosen (or saved) for this kind."""
        folder = str(Path(path).parent)
        self._settings.setValue(f"recent/dir/{kind}", folder)
        self._settings.setValue("recent/dir", folder)
