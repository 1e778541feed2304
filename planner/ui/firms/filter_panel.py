"""The filter panel of the firm table: activity, size, commune, state, creation, text,
and who has the firm (team, adviser), its prospecting status and its lock.

It turns the coordinator's choices into a ``FirmFilter`` and emits it; it
filters nothing itself. Lists are filled from the firm frame, with the
number of firms next to each entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
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
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.domain.french_numbers import integer
from planner.domain.headcount_bands import BAND_ORDER, band_label
from planner.domain.nomenclature import ABSENT, REV2, absent_label, nomenclature_name
from planner.io.nomenclatures import load_nomenclature
from planner.services.firms.firm_filter import LOCKED, NONE, UNLOCKED
from planner.services.firms.firm_query import FirmFilter, normalize_text
from planner.services.firms.prospect_status import STAGE_ORDER

_CODE_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 2
_LABEL_ROLE = int(Qt.ItemDataRole.UserRole) + 3

DATE_FORMAT = "dd/MM/yyyy"
"""Qt's spelling of jj/mm/aaaa."""

STATE_CHOICES: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("Tous", None),
    ("Actifs", frozenset({"A"})),
    ("Fermés", frozenset({"F"})),
)

Entry = tuple[str, str, int]
"""``(code, label, number of firms)`` of one list entry."""


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _count(n: int) -> str:
    return integer(n)


class _EntryFilter(QSortFilterProxyModel):
    """Hides entries whose label lacks the typed words, or whose code is not allowed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._allowed: frozenset[str] | None = None

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = normalize_text(text).split()
        self.endFilterChange()

    def set_allowed(self, codes: frozenset[str] | None) -> None:
        self.beginFilterChange()
        self._allowed = codes
        self.endFilterChange()

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if self._allowed is not None and index.data(_CODE_ROLE) not in self._allowed:
            return False
        key = index.data(_KEY_ROLE) or ""
        return all(word in key for word in self._words)


class CheckList(QWidget):
    """A list of checkable entries, with an optional search field above it.

    Signals:
        changed(): an entry was checked or unchecked by the user.
    """

    changed = Signal()

    def __init__(
        self,
        search_placeholder: str | None = None,
        parent: QWidget | None = None,
        *,
        height: int = 150,
    ) -> None:
        super().__init__(parent)
        self._model = QStandardItemModel(self)
        self._proxy = _EntryFilter(self)
        self._proxy.setSourceModel(self._model)
        self.view = QListView(self)
        self.view.setModel(self._proxy)
        self.view.setUniformItemSizes(True)
        self.view.setFixedHeight(height)
        self.search: QLineEdit | None = None
        self._silent = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if search_placeholder:
            self.search = QLineEdit(self)
            self.search.setPlaceholderText(search_placeholder)
            self.search.setClearButtonEnabled(True)
            self.search.textChanged.connect(self._proxy.set_text)
            layout.addWidget(self.search)
        layout.addWidget(self.view)
        self._model.itemChanged.connect(self._on_model_item_changed)

    def set_entries(self, entries: Iterable[Entry]) -> None:
        """Replace the entries; codes that were checked and remain stay checked."""
        kept = self.checked() or frozenset()
        self._silent = True
        try:
            self._model.clear()
            for code, label, count in entries:
                item = QStandardItem(f"{label} ({_count(count)})")
                item.setEditable(False)
                item.setCheckable(True)
                item.setCheckState(
                    Qt.CheckState.Checked if code in kept else Qt.CheckState.Unchecked
                )
                item.setData(code, _CODE_ROLE)
                item.setData(label, _LABEL_ROLE)
                item.setData(normalize_text(f"{label} {code}"), _KEY_ROLE)
                item.setToolTip(label if code in label else f"{label} ({code})")
                self._model.appendRow(item)
        finally:
            self._silent = False

    def label_of(self, code: str) -> str:
        """The label of the entry ``code`` (without its count), or the code itself."""
        for row in range(self._model.rowCount()):
            item = self._model.item(row)
            if item.data(_CODE_ROLE) == code:
                return str(item.data(_LABEL_ROLE))
        return code

    def entry_count(self) -> int:
        """Number of entries, shown or hidden."""
        return self._model.rowCount()

    def checked(self) -> frozenset[str] | None:
        """Codes of the checked entries, or None when none is checked (no restriction)."""
        codes = frozenset(
            str(item.data(_CODE_ROLE))
            for row in range(self._model.rowCount())
            if (item := self._model.item(row)).checkState() == Qt.CheckState.Checked
        )
        return codes or None

    def set_checked(self, codes: Iterable[str], *, notify: bool = False) -> None:
        """Check exactly these codes (others are unchecked)."""
        wanted = set(codes)
        self._silent = True
        try:
            for row in range(self._model.rowCount()):
                item = self._model.item(row)
                state = (
                    Qt.CheckState.Checked
                    if item.data(_CODE_ROLE) in wanted
                    else (Qt.CheckState.Unchecked)
                )
                if item.checkState() != state:
                    item.setCheckState(state)
        finally:
            self._silent = False
        if notify:
            self.changed.emit()

    def restrict_to(self, codes: frozenset[str] | None) -> None:
        """Show only these codes (None = all); hidden entries are unchecked."""
        self._proxy.set_allowed(codes)
        if codes is not None:
            kept = (self.checked() or frozenset()) & codes
            self.set_checked(kept)

    def clear(self) -> None:
        """Uncheck everything and empty the search field, without signal."""
        self.set_checked(())
        if self.search is not None:
            self.search.clear()

    def _on_model_item_changed(self, _item: QStandardItem) -> None:
        if not self._silent:
            self.changed.emit()


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
            self.sections.set_entries(_section_entries(firms, nomenclature))
            self.divisions.set_entries(_division_entries(firms, nomenclature))
            self.bands.set_entries(_band_entries(firms))
            self.communes.set_entries(_commune_entries(firms))
            self.teams.set_entries(_team_entries(firms))
            advisers = _adviser_entries(firms)
            self._adviser_team = {code: team for code, _label, _n, team in advisers}
            self.advisers.set_entries([(code, label, n) for code, label, n, _team in advisers])
            self.stages.set_entries(_stage_entries(firms))
            self.locks.set_entries(_lock_entries(firms))
            self._restrict_divisions()
            self._restrict_advisers()
            dates = firms["date_creation"].drop_nulls() if firms.height else pl.Series([])
            if dates.len():
                first, last = dates.min(), dates.max()
                assert isinstance(first, dt.date) and isinstance(last, dt.date)
                for edit in (self.from_edit, self.to_edit):
                    edit.setDateRange(_qdate(first), _qdate(max(last, dt.date.today())))
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


# --- entries from the frame ---------------------------------------------------------


def _counts(firms: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """``(values..., count)`` of each non-null combination of ``columns``."""
    if not firms.height:
        return []
    grouped = firms.drop_nulls(columns[0]).group_by(list(columns)).len().sort(columns[0])
    return [tuple(row) for row in grouped.iter_rows()]


def _section_entries(firms: pl.DataFrame, nomenclature: str = REV2) -> list[Entry]:
    sections = load_nomenclature(nomenclature).sections
    entries = [
        (code, f"{code} – {sections.get(code, '')}", n) for code, n in _counts(firms, "section")
    ]
    absent = int(firms["section"].is_null().sum()) if firms.height else 0
    if absent:
        entries.append((ABSENT, absent_label(nomenclature), absent))
    return entries


def _division_entries(firms: pl.DataFrame, nomenclature: str = REV2) -> list[Entry]:
    labels = load_nomenclature(nomenclature).labels
    return [(code, f"{code} – {labels.get(code, '')}", n) for code, n in _counts(firms, "division")]


def _band_entries(firms: pl.DataFrame) -> list[Entry]:
    rank = {code: i for i, code in enumerate(BAND_ORDER)}
    rows = sorted(_counts(firms, "band"), key=lambda r: (rank.get(r[0], 99), r[0]))
    return [(code, band_label(code), n) for code, n in rows]


def _commune_entries(firms: pl.DataFrame) -> list[Entry]:
    rows = _counts(firms, "commune_code", "commune_name")
    rows.sort(key=lambda r: (normalize_text(r[1] or ""), r[0]))
    return [(code, name or code, n) for code, name, n in rows]


def _team_entries(firms: pl.DataFrame) -> list[Entry]:
    if "team_id" not in firms.columns or not firms.height:
        return []
    rows = _counts(firms, "team_id", "team")
    rows.sort(key=lambda r: (normalize_text(r[1] or ""), r[0]))
    entries = [(str(team_id), name or f"Équipe n° {team_id}", n) for team_id, name, n in rows]
    none = int(firms["team_id"].is_null().sum())
    if none:
        entries.append((NONE, "Sans équipe", none))
    return entries


def _adviser_entries(firms: pl.DataFrame) -> list[tuple[str, str, int, str]]:
    """``(code, label, count, team code)``: each adviser with the team's name."""
    if "adviser_id" not in firms.columns or not firms.height:
        return []
    rows = _counts(firms, "adviser_id", "adviser", "team_id", "team")
    rows.sort(key=lambda r: (normalize_text(r[1] or ""), r[0]))
    entries = [
        (str(a), f"{name or f'Conseiller n° {a}'} — {team or ''}", n, str(team_id))
        for a, name, team_id, team, n in rows
    ]
    none = int(firms["adviser_id"].is_null().sum())
    if none:
        entries.append((NONE, "Sans conseiller", none, NONE))
    return entries


def _stage_entries(firms: pl.DataFrame) -> list[Entry]:
    if "stage" not in firms.columns or not firms.height:
        return []
    counts = dict(firms["stage"].drop_nulls().value_counts().iter_rows())
    order = [*STAGE_ORDER, *sorted(set(counts) - set(STAGE_ORDER))]
    return [(stage, stage, int(counts[stage])) for stage in order if stage in counts]


def _lock_entries(firms: pl.DataFrame) -> list[Entry]:
    if "locked" not in firms.columns or not firms.height:
        return []
    locked = int(firms["locked"].fill_null(False).sum())
    return [
        (LOCKED, "Verrouillées", locked),
        (UNLOCKED, "Non verrouillées", firms.height - locked),
    ]
