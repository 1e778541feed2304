"""« Enregistrer une copie sous… »: a consistent copy of a campaign file, written whole.

SQLite's backup API copies one consistent state of the campaign, the pages
still in its write-ahead log included, even while the campaign is open; the
copy is written to a temporary file beside the target and renamed only once
complete, so no half-written campaign is ever left under the chosen name.
A shared campaign (PostgreSQL) has no file to copy.
"""

from __future__ import annotations

from pathlib import Path

from planner.db.store import CampaignStore, copy_sqlite
from planner.domain.errors import PlannerError
from planner.domain.progress import CancelToken, Progress
from planner.io.output_file import atomic_path

SHARED_CAMPAIGN_NO_COPY = (
    "Une campagne partagée vit sur le serveur PostgreSQL : elle n'a pas de fichier à copier. "
    "Demandez une sauvegarde à l'administrateur du serveur."
)


class CampaignCopyError(PlannerError):
    """The copy cannot be made (shared campaign, same file, unwritable folder)."""


def can_copy(store: CampaignStore) -> bool:
    """Whether the campaign is a file that « Enregistrer une copie sous… » can copy."""
    return store.path is not None


def save_copy(
    store: CampaignStore,
    target: Path,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Copy the open campaign file to ``target`` (replaced whole if it exists).

    Raises:
        CampaignCopyError: a shared campaign, or ``target`` is the campaign itself.
        OutputError: the copy cannot be written (nothing is left under ``target``).
        Cancelled: cancelled before the copy started.
    """
    source = store.path
    if source is None:
        raise CampaignCopyError(SHARED_CAMPAIGN_NO_COPY)
    target = Path(target)
    if target.exists() and target.resolve() == source.resolve():
        raise CampaignCopyError(
            f"{target.name} est la campagne ouverte : choisissez un autre nom pour la copie."
        )
    if cancel is not None:
        cancel.check()
    if progress is not None:
        progress(0, 1, f"Copie de {source.name}")
    with atomic_path(target) as temp:
        copy_sqlite(source, temp)
    if progress is not None:
        progress(1, 1, f"Copie enregistrée : {target.name}")
    return target
