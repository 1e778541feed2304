"""The « Priorités » dialog: the weights that order call lists, saved in the campaign."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import InputError
from planner.domain.nomenclature import dotted
from planner.domain.priority import (
    NUMBER_FIELDS,
    SUPPORTED_POLICIES,
    PriorityWeights,
    normalise_codes,
)
from planner.services.campaign.campaign_store import CampaignStore
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.followup.bmo_tension import MetierTension, top_metiers
from planner.services.followup.priorities import (
    WEIGHT_LABELS,
    load_weights,
    save_weights,
    sector_example,
)
from planner.ui.followup.bmo_window import share_text

Index = QModelIndex | QPersistentModelIndex
TOP_BMO = 20


class CheckableMetiersModel(QAbstractListModel):
    """BMO métiers the coordinator can tick as priorities."""

    def __init__(
        self, metiers: Sequence[MetierTension], checked: Sequence[str], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._metiers = list(metiers)
        self._checked = set(checked)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._metiers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self._metiers[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            share = m.difficulty_share
            difficult = (
                "part difficile non diffusée"
                if share is None
                else f"{share_text(share)} difficiles"
            )
            return f"{m.code} — {m.label} : {m.projects.text()} projets, {difficult}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if m.code in self._checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        code = self._metiers[index.row()].code
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(code)
        else:
            self._checked.discard(code)
        self.dataChanged.emit(index, index, [role])
        return True

    def checked(self) -> tuple[str, ...]:
        """Ticked codes, in the list's order, then any chosen earlier but no longer listed."""
        listed = [m.code for m in self._metiers if m.code in self._checked]
        others = sorted(self._checked - set(listed))
        return (*listed, *others)


class PriorityDialog(QDialog):
    """Set the priority weights; OK saves them in the campaign."""

    def __init__(self, store: CampaignStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Priorités des listes d'appels")
        self.resize(880, 720)
        weights = load_weights(store)
        intro = QLabel(
            "Chaque entreprise reçoit des points selon ces critères ; les listes d'appels "
            "sont triées par total décroissant. 0 point : critère ignoré.",
            self,
        )
        intro.setWordWrap(True)
        points = QGroupBox("Points", self)
        form = QFormLayout(points)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for key in NUMBER_FIELDS:
            spin = QDoubleSpinBox(points)
            spin.setRange(0, 1000)
            spin.setDecimals(0)
            spin.setSingleStep(5)
            spin.setSuffix(" pts")
            form.addRow(WEIGHT_LABELS[key], spin)
            self.spins[key] = spin
        self.sectors = QLineEdit(points)
        self.sectors.setPlaceholderText(sector_example(reference_nomenclature(store)))
        form.addRow(WEIGHT_LABELS["sectors"], self.sectors)
        self.metiers = QLineEdit(points)
        self.metiers.setPlaceholderText("ex. G1603, K2204")
        form.addRow(WEIGHT_LABELS["metiers"], self.metiers)
        self.policy = QComboBox(points)
        for code, label in SUPPORTED_POLICIES.items():
            self.policy.addItem(label, code)
        form.addRow(WEIGHT_LABELS["supported_policy"], self.policy)

        bmo_box = QGroupBox("Métiers en tension du bassin (BMO) à retenir", self)
        bmo_layout = QVBoxLayout(bmo_box)
        top = top_metiers(store, limit=TOP_BMO)
        self.bmo_model = CheckableMetiersModel(top, weights.bmo_metiers, self)
        self.bmo_view = QListView(bmo_box)
        self.bmo_view.setModel(self.bmo_model)
        bmo_note = QLabel(
            f"Les {TOP_BMO} métiers qui ont le plus de projets de recrutement (codes FAP). "
            "Ils servent de thèmes de sessions et de repères aux conseillers ; ils ne "
            "comptent pas dans le score, qui porte sur les besoins recueillis (codes ROME)."
            if top
            else "Aucune donnée BMO : importez-la par Suivi → Métiers en tension (BMO)…",
            bmo_box,
        )
        bmo_note.setWordWrap(True)
        bmo_layout.addWidget(bmo_note)
        bmo_layout.addWidget(self.bmo_view)
        self.bmo_view.setVisible(bool(top))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).setText(
            "Valeurs par défaut"
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self._on_defaults_clicked
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(points)
        layout.addWidget(bmo_box, 1)
        layout.addWidget(self.buttons)
        self.show_weights(weights)

    def show_weights(self, weights: PriorityWeights) -> None:
        """Put ``weights`` in the fields (the BMO ticks are kept)."""
        for key, spin in self.spins.items():
            spin.setValue(float(getattr(weights, key)))
        self.sectors.setText(", ".join(dotted(code) for code in weights.sectors))
        self.metiers.setText(", ".join(weights.metiers))
        self.policy.setCurrentIndex(max(self.policy.findData(weights.supported_policy), 0))

    def weights(self) -> PriorityWeights:
        """The weights as the fields say."""
        values: dict[str, Any] = {key: spin.value() for key, spin in self.spins.items()}
        return PriorityWeights(
            **values,
            sectors=normalise_codes(self.sectors.text()),
            metiers=normalise_codes(self.metiers.text()),
            bmo_metiers=self.bmo_model.checked(),
            supported_policy=str(self.policy.currentData()),
        )

    def _on_defaults_clicked(self) -> None:
        self.show_weights(PriorityWeights())

    def accept(self) -> None:
        try:
            save_weights(self.store, self.weights())
        except InputError as exc:
            QMessageBox.warning(self, "Priorités", str(exc))
            return
        super().accept()
