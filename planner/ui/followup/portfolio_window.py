"""« Suivi → Mon portefeuille… »: an adviser's firms by priority, and their calls
recorded from the keyboard.

Enter saves the call and goes to the next firm; Ctrl+Enter saves and stays;
Ctrl+↓ / Ctrl+↑ move without saving; F5 reads the portfolio again (and sorts
it again by priority). A call is written at once by the service (one small
insert); the firm's line is updated at once, then read again off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError
from planner.services.campaign.campaign_store import CampaignStore, describe_database_error
from planner.services.followup.portfolio import (
    PortfolioChanged,
    PortfolioLine,
    advisers_for_portfolio,
    line_after_call,
    locked_adviser,
    parse_needs,
    portfolio,
    record_call,
    service_choices,
)
from planner.ui.followup.portfolio_form import CallForm
from planner.ui.followup.portfolio_model import PortfolioModel
from planner.ui.tasks import Task, TaskRunner, track

HINT = (
    "Entrée : enregistrer et passer à l'entreprise suivante · Ctrl+Entrée : enregistrer "
    "sans changer d'entreprise · Ctrl+↓ / Ctrl+↑ : entreprise suivante / précédente · "
    "F5 : actualiser"
)
ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "color: #1b5e20;"


class _PortfolioView(QTableView):
    """The table: Enter on a row goes to the form instead of saving a call.

    Signals:
        chosen(): Enter was pressed on a row.
    """

    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.chosen.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class PortfolioWindow(QDialog):
    """One adviser's firms by priority, with the form that records a call.

    Signals:
        firmSelected(str): the SIRET of the firm now chosen (to show it on the map).
        callRecorded(str): the SIRET of a firm whose call was just written.

    Attributes:
        calls: how many calls were written in this window.
        loaded: whether the portfolio of the chosen adviser is shown.
    """

    firmSelected = Signal(str)  # noqa: N815 (Qt signal)
    callRecorded = Signal(str)  # noqa: N815 (Qt signal)

    def __init__(self, store: CampaignStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.calls = 0
        self.loaded = False
        self._runners: list[TaskRunner] = []
        self._generation = 0  # the adviser shown; older reads are dropped
        self.setWindowTitle("Mon portefeuille")
        self.resize(1280, 760)
        self.adviser_box = QComboBox(self)
        self.locked = locked_adviser(store)
        for choice in advisers_for_portfolio(store):
            self.adviser_box.addItem(choice.label, choice.id)
        self.summary = QLabel(self)
        self.model = PortfolioModel(self)
        self.view = _PortfolioView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((60, 240, 120, 110, 210, 130, 120, 140, 120, 200)):
            self.view.setColumnWidth(column, width)
        self.form = CallForm(self)
        self.form.services.set_offers(service_choices(store))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.save_button = QPushButton("&Enregistrer et passer à la suivante", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        reload_button = QPushButton("Actualiser (F5)", self)
        reload_button.setAutoDefault(False)
        reload_button.clicked.connect(self.reload)
        hint = QLabel(HINT, self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        adviser_label = QLabel("&Conseiller :", self)
        adviser_label.setBuddy(self.adviser_box)
        top.addWidget(adviser_label)
        top.addWidget(self.adviser_box, 1)
        top.addWidget(reload_button)
        form_box = QWidget(self)
        form_layout = QVBoxLayout(form_box)
        form_layout.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        form_layout.addLayout(buttons)
        form_layout.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(form_box)
        splitter.setStretchFactor(0, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._shortcut("Ctrl+Return", lambda: self.save(next_firm=False))
        self._shortcut("Ctrl+Enter", lambda: self.save(next_firm=False))
        self._shortcut("Ctrl+Down", lambda: self.step_firm(1))
        self._shortcut("Ctrl+Up", lambda: self.step_firm(-1))
        self._shortcut("F5", self.reload)
        self.view.chosen.connect(self.form.start)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_currentRowChanged)
        if self.locked is not None:
            index = self.adviser_box.findData(self.locked)
            if index < 0:  # the login may not see its own team's rows
                self.adviser_box.addItem("Mon portefeuille", self.locked)
                index = self.adviser_box.count() - 1
            self.adviser_box.setCurrentIndex(index)
            self.adviser_box.setEnabled(False)
            self.adviser_box.setToolTip("Connecté en tant que conseiller : votre portefeuille.")
        self.adviser_box.currentIndexChanged.connect(self._on_adviser_box_currentIndexChanged)
        if self.adviser_box.count() == 0:
            self.summary.setText(
                "Aucun conseiller dans la campagne : ajoutez-en dans Task force → Partenaires "
                "et équipes."
            )
        elif self.adviser_box.currentIndex() >= 0:
            self.reload()

    def _shortcut(self, keys: str, slot: Callable[[], object]) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)

    # --- reading --------------------------------------------------------------------

    def adviser_id(self) -> int | None:
        """The adviser whose portfolio is shown."""
        data = self.adviser_box.currentData()
        return int(data) if data is not None else None

    def select_adviser(self, adviser_id: int) -> None:
        """Show this adviser's portfolio (unless the login is locked to another)."""
        index = self.adviser_box.findData(adviser_id)
        if index >= 0 and self.adviser_box.isEnabled():
            self.adviser_box.setCurrentIndex(index)

    def _on_adviser_box_currentIndexChanged(self, _index: int) -> None:  # noqa: N802
        self.reload()

    def others_changed(self, logins: list[str]) -> None:
        """Someone else changed the shared campaign: read the portfolio again, unless a
        call is being typed (then say so; F5 reads it again once the call is saved)."""
        if self.form.is_blank():
            self.reload()
            return
        who = ", ".join(logins) or "un autre utilisateur"
        self._say(
            f"Le portefeuille a été modifié par {who} : enregistrez votre appel, puis F5 "
            "pour relire."
        )

    def reload(self) -> None:
        """Read the adviser's portfolio again off the GUI thread, sorted by priority."""
        adviser = self.adviser_id()
        if adviser is None:
            return
        self._generation += 1
        generation = self._generation
        self.loaded = False
        self.summary.setText("Lecture du portefeuille…")
        store = self.store
        current = self.current_line()
        keep = current.siret if current is not None else None

        def task(_progress: object, _cancel: object) -> list[PortfolioLine]:
            return portfolio(store, adviser)

        def done(lines: object) -> None:
            if generation != self._generation or not isinstance(lines, list):
                return
            self.model.set_lines(lines)
            self.loaded = True
            self._summarise()
            row = self.model.row_of(keep) if keep else None
            self.move_to(row or 0)

        self._run(task, done)

    def _run(self, task: Task, done: Callable[[object], None]) -> None:
        runner = TaskRunner(task, self)
        runner.signals.succeeded.connect(done)
        runner.signals.failed.connect(self._on_runner_failed)
        track(self._runners, runner)
        runner.start()

    def _on_runner_failed(self, message: str) -> None:
        self._say(message, error=True)

    def _summarise(self) -> None:
        lines = [self.model.line(r) for r in range(self.model.rowCount())]
        contacted = sum(1 for line in lines if line.contacts)
        self.summary.setText(
            f"{len(lines)} entreprises, par priorité décroissante ; {contacted} déjà contactées."
            if lines
            else "Aucune entreprise attribuée à ce conseiller."
        )

    # --- moving -----------------------------------------------------------------------

    def current_line(self) -> PortfolioLine | None:
        """The firm being called."""
        index = self.view.currentIndex()
        return self.model.line(index.row()) if index.isValid() else None

    def move_to(self, row: int) -> None:
        """Choose the firm on ``row`` (kept within the table) and start its form."""
        if self.model.rowCount() == 0:
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        index = self.model.index(row, 1)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        self.form.start()

    def step_firm(self, step: int) -> None:
        """The next (1) or previous (-1) firm, without saving."""
        index = self.view.currentIndex()
        self.move_to((index.row() if index.isValid() else -1) + step)

    def _on_view_currentRowChanged(self, current: QModelIndex, _previous: QModelIndex) -> None:  # noqa: N802
        self.form.clear()
        if not current.isValid():
            self.form.firm.setText("Aucune entreprise choisie")
            return
        line = self.model.line(current.row())
        self.form.firm.setText(_firm_text(line))
        self.firmSelected.emit(line.siret)

    # --- saving -------------------------------------------------------------------------

    def _on_save_button_clicked(self) -> None:
        self.save(next_firm=True)

    def save(self, *, next_firm: bool = True) -> bool:
        """Write the call typed in the form for the current firm; True if written."""
        line = self.current_line()
        adviser = self.adviser_id()
        if line is None or adviser is None:
            self._say("Choisissez d'abord une entreprise du portefeuille.", error=True)
            return False
        outcome = self.form.outcome.outcome()
        if outcome is None:
            self._say(
                "Choisissez le résultat de l'appel : touche 1 à 8 ou initiale "
                "(N, A, P, B, O, R, E, D).",
                error=True,
            )
            self.form.start()
            return False
        try:
            call = record_call(
                self.store,
                line.siret,
                outcome,
                parse_needs(self.form.needs.text()),
                self.form.next_step.text(),
                self.form.date.text(),
                adviser,
                self.form.note.text(),
                expected_version=line.assignment_version,
                last_seen_contact=line.last_contact_id or 0,
                services=self.form.services.entries(),
            )
        except PortfolioChanged as exc:
            self._say(str(exc), error=True)
            return False
        except PlannerError as exc:
            reason = str(exc)
            self._say(f"{reason[:1].upper()}{reason[1:]}. Rien n'a été enregistré.", error=True)
            self.form.focus_on(reason)
            return False
        except Exception as exc:
            message = describe_database_error(exc, self.store.label)
            if message is None:
                raise
            self._say(message, error=True)
            return False
        self.calls += 1
        self.model.replace_line(line_after_call(line, call))
        text = f"Appel enregistré : {line.name} — {call.outcome}, le {call.date:%d/%m/%Y}."
        if call.meanwhile:
            text += " Entre-temps, d'autres contacts ont été enregistrés : " + " ; ".join(
                call.meanwhile
            )
        self.form.clear()
        self._refresh_line(line.siret)
        self.callRecorded.emit(line.siret)
        if next_firm:
            self.step_firm(1)
        else:
            self.form.start()
        self._say(text)
        return True

    def _refresh_line(self, siret: str) -> None:
        """Read a firm's line again off the GUI thread (its priority changes after a call)."""
        adviser, store, generation = self.adviser_id(), self.store, self._generation
        if adviser is None:
            return

        def task(_progress: object, _cancel: object) -> list[PortfolioLine]:
            return portfolio(store, adviser, sirets=[siret])

        def done(lines: object) -> None:
            if generation == self._generation and isinstance(lines, list):
                for line in lines:
                    self.model.replace_line(line)
                    current = self.current_line()
                    if current is not None and current.siret == line.siret:
                        self.form.firm.setText(_firm_text(line))
                self._summarise()

        self._run(task, done)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setText(text)


def _firm_text(line: PortfolioLine) -> str:
    """The firm being called, in one or two lines."""
    parts = [line.name, line.commune]
    if line.phone:
        parts.append(f"tél. {line.phone}")
    if line.contact_person:
        parts.append(line.contact_person)
    first = " — ".join(p for p in parts if p)
    if line.last_date is None:
        second = "Jamais contactée."
    else:
        second = f"Dernier contact le {line.last_date:%d/%m/%Y} : {line.last_outcome}"
        if line.last_by:
            second += f" (par {line.last_by})"
        if line.next_step:
            second += f" — suite prévue : {line.next_step}"
    return f"{first}\n{line.address} · {line.naf_code} {line.naf_label}\n{second}"
