"""The « Séances » menu and planning window, the sessions map layer, printing and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from planner.domain import clock
from planner.domain.errors import PlannerError
from planner.services.map.session_layer import venue_markers
from planner.services.sessions.schedule import PrintJob, programme_job, schedule_job
from planner.ui.campaign.loaded_campaign import LoadedCampaign
from planner.ui.sessions.period_dialog import PeriodDialog
from planner.ui.sessions.planning_window import PlanningWindow
from planner.ui.sessions.printing import paint_job, print_to_pdf, setup_printer
from planner.ui.sessions.sessions_panel import SessionsPanel
from planner.ui.window_parts import WindowParts

NEED_SESSION = "Choisissez d'abord une séance dans le planning ou la liste."


class SessionsController(QObject):
    """The « Séances » menu, the « Planning des séances » window and the sessions on the map."""

    def __init__(self, parts: WindowParts) -> None:
        super().__init__(parts.window)
        self._parts = parts
        window = parts.window
        self.panel = SessionsPanel(window, parts.undo_stack, parts.map, parts.status_bar)
        # Its own window, not a dock: a dock under the map shrank the map to a strip.
        self.planning = PlanningWindow(self.panel, parts.settings, window)
        menu = parts.menu("&Séances")
        self.planning_action = QAction("&Planning des séances", window)
        self.planning_action.setObjectName("sessions_planning")
        self.planning_action.setCheckable(True)
        self.planning_action.toggled.connect(self._on_planning_action_toggled)
        self.planning.shownChanged.connect(self.planning_action.setChecked)
        menu.addAction(self.planning_action)
        writes = parts.writes_campaign
        writes(menu.addAction("&Nouvelle séance…", lambda: self.edit_session(None)))
        writes(
            menu.addAction(
                "&Modifier la séance choisie…",
                lambda: self.edit_session(self.panel.selected_session()),
            )
        )
        writes(
            menu.addAction(
                "&Bilan de la séance choisie…",
                lambda: self.edit_session(self.panel.selected_session(), tab=2),
            )
        )
        menu.addSeparator()
        menu.addAction("&Imprimer le programme…", self.print_schedule)
        menu.addAction("Programme de &porte de la séance…", self.print_programme)
        menu.addSeparator()
        menu.addAction("Exporter en i&Calendar (.ics)…", self.export_ics)
        menu.addAction("Exporter en &Excel…", self.export_excel)
        parts.campaign_shown.connect(self._on_campaign_shown)
        self.map_action = self._add_map_layer(menu)

    def _on_planning_action_toggled(self, on: bool) -> None:
        if on:
            self.planning.bring_up()
        else:
            self.planning.hide()

    def _on_campaign_shown(self, loaded: LoadedCampaign | None) -> None:
        self.panel.set_store(loaded.store if loaded is not None else None)

    def _add_map_layer(self, menu: QMenu) -> QAction:
        """The sessions as a map layer: a pin per venue; a click chooses the session."""
        parts = self._parts
        action = QAction("Séances sur la &carte", parts.window)
        action.setObjectName("sessions_map_layer")
        action.setCheckable(True)
        action.setChecked(bool(parts.settings.value("map/sessions", True, type=bool)))
        menu.addSeparator()
        menu.addAction(action)
        parts.menu("&Affichage").addAction(action)
        action.toggled.connect(self._push_map_layer)
        action.toggled.connect(lambda on: parts.settings.setValue("map/sessions", on))
        self.panel.refreshed.connect(self._push_map_layer)
        parts.map.sessionClicked.connect(self._on_map_sessionClicked)
        return action

    def _push_map_layer(self, _checked: bool = False) -> None:
        if not self.map_action.isChecked() or self._parts.campaign() is None:
            self._parts.map.set_sessions(None)
        else:
            markers = venue_markers(self.panel.records, now=clock.now())
            self._parts.map.set_sessions(markers)

    def _on_map_sessionClicked(self, session_id: int) -> None:  # noqa: N802
        self.planning.bring_up()
        self.panel.show_session(session_id)

    # --- editing ----------------------------------------------------------------

    def edit_session(self, session_id: int | None, tab: int = 0) -> None:
        """Open the editor on a session (None: a new one); refresh the views once saved.

        ``tab`` is the editor's tab to show: 0 the session, 1 its firms, 2 its outcome.
        """
        from planner.ui.sessions.session_editor import SessionEditor

        window = self._parts.window
        campaign = self._parts.campaign()
        if campaign is None:
            QMessageBox.information(window, "Séances", "Ouvrez d'abord une campagne.")
            return
        panel = self.panel
        record = next((r for r in panel.records if r.id == session_id), None)
        if session_id is not None and record is None:
            return
        if record is None and tab == 2:
            QMessageBox.information(window, "Séances", NEED_SESSION)
            return
        firms = campaign.firms
        table = self._parts.table

        def selected_sirets() -> list[str]:
            ids = [int(i) for i in table.selected_ids()]
            return firms.filter(firms["id"].is_in(ids))["siret"].to_list() if ids else []

        editor = SessionEditor(
            window, campaign.store, record, firms=firms, selected_sirets=selected_sirets
        )
        editor.tabs.setCurrentIndex(tab)
        if editor.exec():
            panel.refresh()
            self.planning.bring_up()
            to_place = editor.venue_to_place()
            if to_place is not None:
                # The session's venue is a free address: the next click on the map places it.
                panel.place_venue(*to_place)

    # --- printing ---------------------------------------------------------------

    def _campaign_name(self) -> str:
        campaign = self._parts.campaign()
        assert campaign is not None, "printing needs an open campaign"
        return str(campaign.header.name)

    def _preview(self, job: PrintJob) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, job.title)
        dialog = QPrintPreviewDialog(printer, self._parts.window)
        dialog.setWindowTitle(f"Aperçu — {job.title}")
        dialog.paintRequested.connect(lambda p: paint_job(job, p))
        dialog.exec()

    def schedule_for(self, dialog: PeriodDialog) -> PrintJob:
        """The print job the period dialog asks for."""
        from planner.services.sessions.planning import list_sessions

        campaign = self._parts.campaign()
        assert campaign is not None, "printing needs an open campaign"
        start, end, partner, venue = dialog.values()
        records = list_sessions(campaign.store, start=start, end=end, partner=partner)
        if venue is not None:
            records = [r for r in records if r.venue is not None and r.venue.name == venue]
        scope = " — ".join(
            x
            for x in (
                f"Partenaire : {partner}" if partner else "",
                f"Lieu : {venue}" if venue else "",
            )
            if x
        )
        return schedule_job(records, self._campaign_name(), start, end, scope=scope)

    def period_dialog(self) -> PeriodDialog | None:
        """The dialog that asks which sessions to print (None without a campaign)."""
        if self._parts.campaign() is None:
            QMessageBox.information(self._parts.window, "Séances", "Ouvrez d'abord une campagne.")
            return None
        records = self.panel.records
        first = records[0].starts_at.date() if records else clock.today()
        last = records[-1].starts_at.date() if records else first + dt.timedelta(days=30)
        partners = sorted({p for r in records for p in r.partners.values()})
        venues = sorted({r.venue.name for r in records if r.venue})
        return PeriodDialog(self._parts.window, first, last, partners, venues)

    def print_schedule(self) -> None:
        """« Imprimer le programme… »: the sessions of a period, previewed."""
        dialog = self.period_dialog()
        if dialog is None or not dialog.exec():
            return
        self._preview(self.schedule_for(dialog))

    def print_programme(self) -> None:
        """« Programme de porte de la séance… »: the chosen session's door programme."""
        panel = self.panel
        sid = panel.selected_session()
        record = next((r for r in panel.records if r.id == sid), None)
        if record is None:
            QMessageBox.information(self._parts.window, "Séances", NEED_SESSION)
            return
        self._preview(programme_job(record, self._campaign_name()))

    # --- exports ----------------------------------------------------------------

    def save_pdf(self, job: PrintJob) -> None:
        """Save a print job as a PDF file chosen by the user."""
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window, "Enregistrer en PDF", self._start("seances.pdf"), "PDF (*.pdf)"
        )
        if path:
            self._parts.set_last_dir(path, "seances")
            self._write("Enregistrer en PDF", lambda: print_to_pdf(job, Path(path)))

    def export_ics(self) -> None:
        """« Exporter en iCalendar (.ics)… »."""
        from planner.services.sessions.ics_export import write_ics

        if self._parts.campaign() is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window,
            "Exporter en iCalendar",
            self._start("seances.ics"),
            "iCalendar (*.ics)",
        )
        if path:
            self._parts.set_last_dir(path, "seances")
            self._write(
                "Exporter en iCalendar",
                lambda: write_ics(self.panel.records, self._campaign_name(), Path(path)),
            )

    def export_excel(self) -> None:
        """« Exporter en Excel… »."""
        from planner.services.sessions.excel_export import write_sessions_workbook

        campaign = self._parts.campaign()
        if campaign is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self._parts.window,
            "Exporter en Excel",
            self._start("seances.xlsx"),
            "Classeur Excel (*.xlsx)",
        )
        if path:
            self._parts.set_last_dir(path, "seances")
            store = campaign.store
            self._write(
                "Exporter en Excel",
                lambda: write_sessions_workbook(store, self.panel.records, Path(path)),
            )

    def _start(self, name: str) -> str:
        """Where a save dialog of the sessions opens: the last folder used for them."""
        return str(Path(self._parts.last_dir("seances")) / name)

    def _write(self, title: str, write: Callable[[], object]) -> None:
        """Run an export; a file that cannot be written is said in a dialog, in French."""
        try:
            write()
        except PlannerError as exc:
            QMessageBox.warning(self._parts.window, title, str(exc))
