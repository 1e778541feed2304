"""Read INSEE's catégories juridiques (niveau III) shipped in
``resources/nomenclatures/categories_juridiques_n3.csv``.

SIRENE's ``categorieJuridiqueUniteLegale`` holds the four-digit code
(``5499``); the firm card shows its label. See the README beside the file for
where the list comes from.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from planner.domain.errors import PlannerError
from planner.io.resources import resources_dir

LEGAL_CATEGORIES_FILE = Path("nomenclatures") / "categories_juridiques_n3.csv"
_CODE = re.compile(r"\d{4}")


class LegalCategoriesError(PlannerError):
    """The shipped list is missing or unreadable (a broken installation)."""


def default_legal_categories_path() -> Path:
    """``<resources>/nomenclatures/categories_juridiques_n3.csv``."""
    return resources_dir() / LEGAL_CATEGORIES_FILE


def load_legal_categories(path: Path | None = None) -> dict[str, str]:
    """Every niveau III code of the list mapped to its French label (read once per path).

    Raises:
        LegalCategoriesError: the file is missing, lacks ``code``/``label``
            columns, or holds a code that is not four digits.
    """
    return _load(Path(path) if path is not None else default_legal_categories_path())


@cache
def _load(path: Path) -> dict[str, str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not {"code", "label"} <= set(reader.fieldnames or ()):
                raise LegalCategoriesError(
                    f"Le fichier {path} n'a pas les colonnes attendues (code, label)."
                )
            labels: dict[str, str] = {}
            for row in reader:
                code = (row["code"] or "").strip()
                if not _CODE.fullmatch(code):
                    raise LegalCategoriesError(
                        f"Le fichier {path}, ligne {reader.line_num} : le code « {code} » "
                        "n'a pas quatre chiffres."
                    )
                labels[code] = (row["label"] or "").strip()
            return labels
    except OSError as exc:
        raise LegalCategoriesError(
            f"Liste des catégories juridiques introuvable ({path}) : l'installation est incomplète."
        ) from exc
