"""Campaign settings: the reference NAF nomenclature, with the translated rules to confirm.

The coordinator picks NAF rév. 2 or NAF 2025; the dialog lists every NAF remit
rule and priority sector translated through INSEE's correspondence, whether
each is one-to-one, the one-to-many links, and how many firms each remit rule
would lose or gain. Each one-to-many link lists its targets, checkable one by
one (INSEE's main target ticked by default), with their labels, INSEE's
explanation and the firms each one brings or loses. Nothing is written until
the coordinator applies it, and a plan that is not one-to-one needs the box
"j'ai vérifié" ticked first. The switch applied is undoable (*Édition → Annuler*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.domain.french_numbers import integer
from planner.domain.nomenclature import NOMENCLATURES, Translation, nomenclature_name
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.campaign.nomenclature_switch import (
    DEFAULT_CHOICE_TEXT,
    Choice,
    SwitchPlan,
    apply_switch,
    plan_switch,
)
from planner.services.firms.firm_query import load_firms
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


def _settled(row: _Row) -> bool:
    """One-to-one, or a code that stays the same and gains or loses no firm (46.3 → 46.3)."""
    t = row.translation
    same = t.targets == (t.source,) and not t.one_to_many
    return t.exact or (same and not row.lost and not row.gained)


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
            # A recurring session's occurrences share a title: list each theme once.
            themes = {(t.title, t.translation.source): t for t in plan.themes}
            self._rows += [_Row(f"Thème de « {t.title} »", t.translation) for t in themes.values()]
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
                "un pour un" if _settled(row) else "à confirmer",
                "" if row.lost is None else integer(row.lost),
                "" if row.gained is None else integer(row.gained),
                _links(t),
            )
            return values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ChoiceModel(HeadedTableModel):
    """One row per target of each one-to-many link; the target column is checkable.

    Signals:
        keep_changed: the coordinator ticked or unticked a target.
    """

    keep_changed = Signal()

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Code d'origine",
        "Sous-classe cible (cocher pour garder)",
        "Libellé",
        "Entreprises de ce code",
        "Entreprises d'autres codes",
        "Explication INSEE",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[Choice, int]] = []
        self.keep: dict[str, tuple[str, ...]] = {}

    def set_plan(self, plan: SwitchPlan | None) -> None:
        self.beginResetModel()
        self._rows = [(c, i) for c in (plan.choices if plan else ()) for i in range(len(c.options))]
        self.keep = dict(plan.keep) if plan else {}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 1 else flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        choice, i = self._rows[index.row()]
        option = choice.options[i]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 1:
            kept = option.code in self.keep.get(choice.source, ())
            return Qt.CheckState.Checked if kept else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                f"{choice.source} {choice.label}",
                option.code + (" (principale)" if option.main else ""),
                option.label,
                option.firms_same,
                option.firms_other,
                option.note,
            )
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 1:
            return False
        choice, i = self._rows[index.row()]
        code = choice.options[i].code
        kept = list(self.keep.get(choice.source, ()))
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked and code not in kept:
            kept.append(code)
        elif not checked and code in kept:
            if len(kept) == 1:
                return False  # a code keeps at least one target
            kept.remove(code)
        else:
            return False
        order = [o.code for o in choice.options]
        self.keep[choice.source] = tuple(sorted(kept, key=order.index))
        self.dataChanged.emit(index, index, [role])
        self.keep_changed.emit()
        return True


class SwitchCommand(QUndoCommand):
    """A switch already applied; undo switches back (the rules written before are
    restored, see ``nomenclature_switch``), redo switches again with the same choices."""

    def __init__(
        self,
        store: CampaignStore,
        plan: SwitchPlan,
        on_done: Any = None,
    ) -> None:
        super().__init__(f"Nomenclature de référence : {nomenclature_name(plan.target)}")
        self.store = store
        self.plan = plan
        self.on_done = on_done
        self._first = True

    def _switch(self, target: str) -> None:
        keep = self.plan.keep if target == self.plan.target else None
        try:
            apply_switch(self.store, plan_switch(self.store, target, keep=keep))
        except PlannerError:
            # Rules edited since are translated with the default choices.
            apply_switch(self.store, plan_switch(self.store, target))
        if self.on_done is not None:
            self.on_done()

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._switch(self.plan.target)

    def undo(self) -> None:
        self._switch(self.plan.source)


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
        self.done_message = ""
        self._firms: pl.DataFrame | None = None

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
        self.view.setWordWrap(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.choices_label = QLabel(DEFAULT_CHOICE_TEXT, self)
        self.choices_label.setWordWrap(True)
        self.choices = ChoiceModel(self)
        self.choices_view = QTableView(self)
        self.choices_view.setModel(self.choices)
        self.choices_view.setWordWrap(True)
        self.choices_view.horizontalHeader().setStretchLastSection(True)
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
        layout.addWidget(self.choices_label)
        layout.addWidget(self.choices_view, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)

        self.choice.currentIndexChanged.connect(self._on_choice_changed)
        self.confirm.toggled.connect(self._update_button)
        self.choices.keep_changed.connect(self._on_choices_keep_changed)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self._on_choice_changed()

    def _on_choice_changed(self, _index: int = 0) -> None:
        self._replan(None)
        self.choices.set_plan(self.plan if self.plan and self.plan.changes_reference else None)
        self._fit(self.choices_view)
        visible = bool(self.choices.rowCount())
        self.choices_view.setVisible(visible)
        self.choices_label.setVisible(visible)

    def _on_choices_keep_changed(self) -> None:
        self._replan(dict(self.choices.keep))

    def _replan(self, keep: dict[str, tuple[str, ...]] | None) -> None:
        target = str(self.choice.currentData())
        if self._firms is None and target != self.current:
            self._firms = load_firms(self.store, self.current)
        self.plan = plan_switch(self.store, target, self._firms, keep=keep)
        self.model.set_plan(self.plan if self.plan.changes_reference else None)
        self._fit(self.view)
        self.summary.setText("\n".join(self.plan.lines()[:2]))
        self.confirm.setChecked(False)
        self.confirm.setVisible(self.plan.needs_confirmation)
        self._update_button()

    @staticmethod
    def _fit(view: QTableView) -> None:
        """Columns wide enough to read, none wider than 360 px; long texts wrap."""
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, min(max(header.sectionSize(column), 90), 360))
        view.resizeRowsToContents()

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
        try:
            apply_switch(self.store, self.plan)
        except PlannerError as exc:
            self._on_choice_changed()
            QMessageBox.warning(
                self,
                "Nomenclature NAF de référence",
                f"{exc}\nL'aperçu a été mis à jour : revoyez-le avant d'appliquer.",
            )
            return
        self.applied = True
        name = nomenclature_name(self.plan.target)
        self.done_message = (
            f"La campagne est passée en {name} : règles, secteurs prioritaires et thèmes "
            "traduits enregistrés (Édition → Annuler pour revenir en arrière)."
        )
        self.accept()
