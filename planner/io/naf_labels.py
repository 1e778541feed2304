"""Read the NAF rév. 2 labels shipped in ``resources/nomenclatures/naf_rev2.csv``.

The file holds all five levels (sections ``I``, divisions ``56``, groups
``56.1``, classes ``56.10``, sous-classes ``56.10A``); see its README for
where it comes from.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from planner.domain.errors import PlannerError
from planner.io.resources import resources_dir

NAF_FILE = Path("nomenclatures") / "naf_rev2.csv"


class NafLabelsError(PlannerError):
    """The shipped NAF file is missing or unreadable (a broken installation)."""


def default_naf_path() -> Path:
    """``<resources>/nomenclatures/naf_rev2.csv``.

    ``<resources>`` is ``PLANNER_RESOURCES_DIR`` when set (frozen builds set
    it), else the repository's ``resources`` folder.
    """
    return resources_dir() / NAF_FILE


def load_naf_labels(path: Path | None = None) -> dict[str, str]:
    """Every NAF rév. 2 code of the file, mapped to its French label.

    The file is read once per path; callers must not modify the returned dict.

    Raises:
        NafLabelsError: the file is missing or has no ``code``/``label`` columns.
    """
    return _load(Path(path) if path is not None else default_naf_path())


@cache
def _load(path: Path) -> dict[str, str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not {"code", "label"} <= set(reader.fieldnames or ()):
                raise NafLabelsError(
                    f"Le fichier {path} n'a pas les colonnes attendues (code, label)."
                )
            return {row["code"]: row["label"] for row in reader}
    except OSError as exc:
        raise NafLabelsError(
            f"Nomenclature NAF introuvable ({path}) : l'installation est incomplète."
        ) from exc
