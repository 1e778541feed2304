"""The filter panel of the firm table: activity, size, commune, state, creation, text,
and who has the firm (team, adviser), its prospecting status and its lock.

It turns the coordinator's choices into a ``FirmFilter`` and emits it; it
filters nothing itself. Lists are filled from the firm frame, with the
number of firms next to each entry.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.domain import clock
from planner.domain.nomenclature import REV2, nomenclature_name
from planner.io.nomenclatures import load_nomenclature
from planner.services.firms.firm_filter import NONE
from planner.services.firms.firm_query import FirmFilter
from planner.ui.firms.check_list import CheckList
from planner.ui.firms.filter_choices import (
    adviser_entries,
    band_entries,
    commune_entries,
    division_entries,
    lock_entries,
    section_entries,
    stage_entries,
    team_entries,
)

DATE_FORMAT = "dd/MM/yyyy"
"""Qt's spelling of jj/mm/aaaa."""

STATE_CHOICES: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("Tous", None),
    ("Actifs", frozenset({"A"})),
    ("Fermés", frozenset({"F"})),
)


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


class FilterPanel(QWidget):
    """The firm filters, emitting a ``FirmFilter`` whenever one changes.

    Call :meth:`set_firms` after loading firms; it fills the lists but emits
    nothing, so apply :meth:`current_filter` yourself then.

    Signals:
        filterChanged(object): the new ``FirmFilter``. Text typing is
            debounced (``DEBOUNCE_MS``); other changes are emitted at once.
    """

    filterChanged = Signal(object)  # noqa: N815

    DEBOUNCE_MS = 200

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._last = FirmFilter()
        self._quiet = False

        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("Nom ou SIRET…")
        self.text_edit.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.DEBOUNCE_MS)

        self.state_combo = QComboBox()
        for label, states in STATE_CHOICES:
            self.state_combo.addItem(label, states)

        self.from_check = QCheckBox("À partir du")
        self.to_check = QCheckBox("Jusqu'au")
        self.from_edit = self._date_edit()
        self.to_edit = self._date_edit()

        self.nomenclature = REV2
        self.sections = CheckList(height=150)
        self.divisions = CheckList("Rechercher une division…", height=160)
        self.bands = CheckList(height=150)
        self.communes = CheckList("Rechercher une commune…", height=160)
        self.teams = CheckList("Rechercher une équipe…", height=160)
        self.advisers = CheckList("Rechercher un conseiller…", height=160)
        self.stages = CheckList(height=120)
        self.locks = CheckList(height=60)
        self._adviser_team: dict[str, str] = {}
        # Says which teams the map and table are limited to, with a way back.
        self.team_banner = QLabel()
        self.team_banner.setWordWrap(True)
        self.team_banner.setObjectName("teamFilterBanner")
        self.team_banner.setStyleSheet(
            "#teamFilterBanner { background: #fff4ce; border: 1px solid #e0c36a;"
            " border-radius: 3px; padding: 4px; }"
        )
        self.all_teams_button = QPushButton("Afficher toutes les équipes")
        self.all_teams_button.setToolTip("Retirer le filtre par équipe")
        self.reset_button = QPushButton("Réinitialiser")
        self.reset_button.setToolTip("Retirer tous les filtres")

        self._build_layout()
        self._connect()

    # --- public API ------------------------------------------------------------

    def set_firms(self, firms: pl.DataFrame, nomenclature: str = REV2) -> None:
        """Fill the lists from a ``load_firms`` frame (checked entries that remain stay).

        Sections and divisions are those of ``nomenclature``, the campaign's
        reference; firms without a code in it are one entry, « Code NAF 2025
        absent » (or rév. 2), with their number.
        """
        self._quiet = True
        try:
            self.nomenclature = nomenclature
            name = nomenclature_name(nomenclature)
            self.section_box.setTitle(f"Section {name}")
            self.division_box.setTitle(f"Division {name}")
            self.sections.set_entries(section_entries(firms, nomenclature))
            self.divisions.set_entries(division_entries(firms, nomenclature))
            self.bands.set_entries(band_entries(firms))
            self.communes.set_entries(commune_entries(firms))
            self.teams.set_entries(team_entries(firms))
            advisers = adviser_entries(firms)
            self._adviser_team = {code: team for code, _label, _n, team in advisers}
            self.advisers.set_entries([(code, label, n) for code, label, n, _team in advisers])
            self.stages.set_entries(stage_entries(firms))
            self.locks.set_entries(lock_entries(firms))
            self._restrict_divisions()
            self._restrict_advisers()
            dates = firms["date_creation"].drop_nulls() if firms.height else pl.Series([])
            if dates.len():
                first, last = dates.min(), dates.max()
                assert isinstance(first, dt.date) and isinstance(last, dt.date)
                for edit in (self.from_edit, self.to_edit):
                    edit.setDateRange(_qdate(first), _qdate(max(last, clock.today())))
                if not self.from_check.isChecked():
                    self.from_edit.setDate(_qdate(first))
                if not self.to_check.isChecked():
                    self.to_edit.setDate(_qdate(last))
        finally:
            self._quiet = False
        self._last = self.current_filter()

    def current_filter(self) -> FirmFilter:
        """The filter the panel shows now (typed text included, debounced or not)."""
        return FirmFilter(
            sections=self.sections.checked(),
            divisions=self.divisions.checked(),
            bands=self.bands.checked(),
            communes=self.communes.checked(),
            teams=self.teams.checked(),
            advisers=self.advisers.checked(),
            stages=self.stages.checked(),
            locked=self.locks.checked(),
            states=self.state_combo.currentData(),
            created_from=self._date(self.from_check, self.from_edit),
            created_to=self._date(self.to_check, self.to_edit),
            text=self.text_edit.text().strip(),
        )

    def reset(self) -> None:
        """Remove every filter; emits ``filterChanged`` once if that changed anything."""
        self._quiet = True
        try:
            self._debounce.stop()
            self.text_edit.clear()
            self.state_combo.setCurrentIndex(0)
            self.from_check.setChecked(False)
            self.to_check.setChecked(False)
            for checklist in self._checklists():
                checklist.clear()
            self._restrict_divisions()
            self._restrict_advisers()
        finally:
            self._quiet = False
        self._emit()

    def show_only_team(self, team_id: int | None) -> None:
        """Limit the firms to one team's (None: every team again); emits ``filterChanged``.

        The other filters stay as they are; the advisers chosen outside that team
        are unchecked.
        """
        self._quiet = True
        try:
            self.teams.set_checked(() if team_id is None else {str(team_id)})
            self._restrict_advisers()
        finally:
            self._quiet = False
        self._emit()

    def _checklists(self) -> tuple[CheckList, ...]:
        return (
            self.sections,
            self.divisions,
            self.bands,
            self.communes,
            self.teams,
            self.advisers,
            self.stages,
            self.locks,
        )

    # --- building ----------------------------------------------------------------

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    def _build_layout(self) -> None:
        content = QWidget()
        column = QVBoxLayout(content)

        search = QGroupBox("Recherche")
        QVBoxLayout(search).addWidget(self.text_edit)
        column.addWidget(search)

        state = QGroupBox("État administratif")
        QVBoxLayout(state).addWidget(self.state_combo)
        column.addWidget(state)

        created = QGroupBox("Date de création")
        form = QFormLayout(created)
        form.addRow(self.from_check, self.from_edit)
        form.addRow(self.to_check, self.to_edit)
        column.addWidget(created)

        boxes = []
        for title, checklist in (
            ("Section NAF", self.sections),
            ("Division NAF", self.divisions),
            ("Tranche d'effectifs", self.bands),
            ("Commune", self.communes),
            ("Équipe", self.teams),
            ("Conseiller", self.advisers),
            ("Statut", self.stages),
            ("Verrouillage", self.locks),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(checklist)
            column.addWidget(box)
            boxes.append(box)
        self.section_box, self.division_box = boxes[0], boxes[1]
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)

        # Label above button: the dock keeps its width (the map its room).
        banner = QVBoxLayout()
        banner.addWidget(self.team_banner)
        banner.addWidget(self.all_teams_button, 0, Qt.AlignmentFlag.AlignRight)
        self.team_banner.hide()
        self.all_teams_button.hide()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(banner)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def _connect(self) -> None:
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.text_edit.returnPressed.connect(self._on_text_edit_return_pressed)
        self._debounce.timeout.connect(self._emit)
        self.state_combo.currentIndexChanged.connect(self._emit)
        self.from_check.toggled.connect(self._on_date_check_toggled)
        self.to_check.toggled.connect(self._on_date_check_toggled)
        self.from_edit.dateChanged.connect(self._emit)
        self.to_edit.dateChanged.connect(self._emit)
        self.sections.changed.connect(self._on_sections_changed)
        self.teams.changed.connect(self._on_teams_changed)
        for checklist in (
            self.divisions,
            self.bands,
            self.communes,
            self.advisers,
            self.stages,
            self.locks,
        ):
            checklist.changed.connect(self._emit)
        self.reset_button.clicked.connect(self.reset)
        self.all_teams_button.clicked.connect(lambda: self.show_only_team(None))

    # --- slots -------------------------------------------------------------------

    def _on_text_edit_text_changed(self, _text: str) -> None:
        if not self._quiet:
            self._debounce.start()

    def _on_text_edit_return_pressed(self) -> None:
        self._debounce.stop()
        self._emit()

    def _on_date_check_toggled(self, _checked: bool) -> None:
        self.from_edit.setEnabled(self.from_check.isChecked())
        self.to_edit.setEnabled(self.to_check.isChecked())
        self._emit()

    def _on_sections_changed(self) -> None:
        self._restrict_divisions()
        self._emit()

    def _on_teams_changed(self) -> None:
        self._restrict_advisers()
        self._emit()

    def _restrict_advisers(self) -> None:
        teams = self.teams.checked()
        if teams is None:
            self.advisers.restrict_to(None)
        else:
            self.advisers.restrict_to(
                frozenset(a for a, t in self._adviser_team.items() if t in teams)
                | ({NONE} if teams else frozenset())
            )
        self._show_team_banner(teams)

    def _show_team_banner(self, teams: frozenset[str] | None) -> None:
        if teams is None:
            self.team_banner.hide()
            self.all_teams_button.hide()
            return
        names = sorted(self.teams.label_of(code) for code in teams)
        shown = ", ".join(names[:3]) + (f" et {len(names) - 3} autres" if len(names) > 3 else "")
        noun = "l'équipe" if len(names) == 1 else "les équipes"
        self.team_banner.setText(f"Carte et tableau limités à {noun} {shown}.")
        self.team_banner.show()
        self.all_teams_button.show()

    def _restrict_divisions(self) -> None:
        sections = self.sections.checked()
        if sections is None:
            self.divisions.restrict_to(None)
        else:
            naf = load_nomenclature(self.nomenclature)
            self.divisions.restrict_to(
                frozenset(
                    division
                    for division, section in naf.division_section.items()
                    if section in sections
                )
            )

    def _emit(self) -> None:
        if self._quiet:
            return
        current = self.current_filter()
        if current != self._last:
            self._last = current
            self.filterChanged.emit(current)

    @staticmethod
    def _date(check: QCheckBox, edit: QDateEdit) -> dt.date | None:
        if not check.isChecked():
            return None
        value = edit.date().toPython()
        assert isinstance(value, dt.date)
        return value
