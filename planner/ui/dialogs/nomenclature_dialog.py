"""Campaign settings: the reference NAF nomenclature, with the translated rules to confirm.

The coordinator picks NAF rév. 2 or NAF 2025; the dialog lists every NAF remit
rule and priority sector translated through INSEE's correspondence, whether
each is one-to-one, the one-to-many links, and how many firms each remit rule
would lose or gain. Nothing is written until the coordinator applies it, and a
plan that is not one-to-one needs the box "j'ai vérifié" ticked first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.db.store import CampaignStore
from planner.domain.nomenclature import NOMENCLATURES, Translation, nomenclature_name
from planner.services.naf_reference import reference_nomenclature
from planner.services.nomenclature_switch import SwitchPlan, apply_switch, plan_switch
from planner.ui.headed_table_model import HeadedTableModel

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class _Row:
    what: str
    translation: Translation
    lost: int | None = None
    gained: int | None = None


def _links(t: Translation) -> str:
    parts = [f"{link.source} → {', '.join(link.targets)}" for link in t.one_to_many]
    if t.incoming:
        parts.append("reçoit aussi " + ", ".join(link.source for link in t.incoming))
    return " ; ".join(parts)


class TranslationModel(HeadedTableModel):
    """One row per translated remit rule or priority sector of a :class:`SwitchPlan`."""

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Règle",
        "Code actuel",
        "Traduction",
        "Correspondance",
        "Entreprises perdues",
        "Entreprises gagnées",
        "Liens un pour plusieurs",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_plan(self, plan: SwitchPlan | None) -> None:
        self.beginResetModel()
        self._rows = []
        if plan is not None:
            self._rows = [
                _Row(f"Périmètre de « {c.partner} »", c.translation, c.lost, c.gained)
                for c in plan.rules
            ] + [_Row("Secteur prioritaire", s.translation) for s in plan.sectors]
            self._rows += [_Row(f"Thème de « {t.title} »", t.translation) for t in plan.themes]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        t = row.translation
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                row.what,
                t.source,
                ", ".join(t.targets) or "aucun code : règle laissée telle quelle",
                "un pour un" if t.exact else "à confirmer",
                "" if row.lost is None else row.lost,
                "" if row.gained is None else row.gained,
                _links(t),
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class NomenclatureDialog(QDialog):
    """*Campagne → Nomenclature NAF de référence…*: choose, review, confirm."""

    def __init__(self, parent: QWidget | None, store: CampaignStore) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nomenclature NAF de référence")
        self.resize(980, 460)
        self.store = store
        self.current = reference_nomenclature(store)
        self.plan: SwitchPlan | None = None
        self.applied = False

        self.choice = QComboBox(self)
        for key in NOMENCLATURES:
            self.choice.addItem(nomenclature_name(key), key)
        self.choice.setCurrentIndex(NOMENCLATURES.index(self.current))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = TranslationModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.confirm = QCheckBox(
            "J'ai vérifié les correspondances à confirmer et les entreprises perdues ou gagnées",
            self,
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close, self
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setText("Appliquer")

        form = QFormLayout()
        form.addRow("Nomenclature de référence", self.choice)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)

        self.choice.currentIndexChanged.connect(self._on_choice_changed)
        self.confirm.toggled.connect(self._update_button)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self._on_choice_changed()

    def _on_choice_changed(self, _index: int = 0) -> None:
        target = str(self.choice.currentData())
        self.plan = plan_switch(self.store, target)
        self.model.set_plan(self.plan if self.plan.changes_reference else None)
        self.view.resizeColumnsToContents()
        self.summary.setText("\n".join(self.plan.lines()[:2]))
        self.confirm.setChecked(False)
        self.confirm.setVisible(self.plan.needs_confirmation)
        self._update_button()

    def _update_button(self, _checked: bool = False) -> None:
        plan = self.plan
        ready = plan is not None and plan.changes_reference
        if plan is not None and plan.needs_confirmation:
            ready = ready and self.confirm.isChecked()
        self.apply_button.setEnabled(ready)

    def apply(self) -> None:
        """Write the plan shown (translated rules and sectors, new reference)."""
        if self.plan is None or not self.apply_button.isEnabled():
            return
        apply_switch(self.store, self.plan)
        self.applied = True
        self.accept()
