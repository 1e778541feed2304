"""The job-discovery session views: calendar, list, clashes, printing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox

from planner.domain.errors import PlannerError
from planner.services.map.session_layer import venue_markers
from planner.services.sessions.schedule import PrintJob, programme_job, schedule_job
from planner.ui.sessions.period_dialog import PeriodDialog
from planner.ui.sessions.printing import paint_job, print_to_pdf, setup_printer
from planner.ui.sessions.sessions_panel import SessionsPanel


def install(window: Any) -> None:
    """Add the « Séances » menu and dock to the main window."""
    panel = SessionsPanel(window)
    dock = QDockWidget("Séances", window)
    dock.setObjectName("sessions_dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    window.sessions_panel = panel
    window.sessions_dock = dock
    menu = window.menuBar().addMenu("&Séances")
    menu.addAction(dock.toggleViewAction())
    dock.toggleViewAction().setText("&Planning des séances")
    menu.addAction("&Nouvelle séance…", lambda: edit_session(window, None))
    menu.addAction(
        "&Modifier la séance choisie…", lambda: edit_session(window, panel.selected_session())
    )
    menu.addAction(
        "&Bilan de la séance choisie…",
        lambda: edit_session(window, panel.selected_session(), tab=2),
    )
    menu.addSeparator()
    menu.addAction("&Imprimer le programme…", lambda: print_schedule(window))
    menu.addAction("Programme de &porte de la séance…", lambda: print_programme(window))
    menu.addSeparator()
    menu.addAction("Exporter en i&Calendar (.ics)…", lambda: export_ics(window))
    menu.addAction("Exporter en &Excel…", lambda: export_excel(window))

    def on_campaign(loaded: Any) -> None:
        panel.set_store(loaded.store if loaded is not None else None)

    window.campaignShown.connect(on_campaign)
    _install_map_layer(window, panel, dock, menu)


def _install_map_layer(window: Any, panel: SessionsPanel, dock: QDockWidget, menu: Any) -> None:
    """The sessions as a map layer: a pin per venue; a click chooses the session."""
    map_widget = getattr(window, "map", None)
    if map_widget is None:
        return
    action = QAction("Séances sur la &carte", window)
    action.setObjectName("sessions_map_layer")
    action.setCheckable(True)
    action.setChecked(bool(window.settings.value("map/sessions", True, type=bool)))
    menu.addSeparator()
    menu.addAction(action)
    view_menu = next(
        (a.menu() for a in window.menuBar().actions() if a.text() == "&Affichage" and a.menu()),
        None,
    )
    if view_menu is not None:
        view_menu.addAction(action)
    window.sessions_map_action = action

    def push(_checked: bool = False) -> None:
        if not action.isChecked() or window.campaign is None:
            map_widget.set_sessions(None)
        else:
            map_widget.set_sessions(venue_markers(panel.records, now=dt.datetime.now()))

    def on_session_clicked(session_id: int) -> None:
        dock.show()
        panel.show_session(session_id)

    action.toggled.connect(push)
    action.toggled.connect(lambda on: window.settings.setValue("map/sessions", on))
    panel.refreshed.connect(push)
    map_widget.sessionClicked.connect(on_session_clicked)


def edit_session(window: Any, session_id: int | None, tab: int = 0) -> None:
    """Open the editor on a session (None: a new one); refresh the views once saved.

    ``tab`` is the editor's tab to show: 0 the session, 1 its firms, 2 its outcome.
    """
    from planner.ui.sessions.session_editor import SessionEditor

    if window.campaign is None:
        QMessageBox.information(window, "Séances", "Ouvrez d'abord une campagne.")
        return
    panel: SessionsPanel = window.sessions_panel
    record = next((r for r in panel.records if r.id == session_id), None)
    if session_id is not None and record is None:
        return
    if record is None and tab == 2:
        QMessageBox.information(
            window, "Séances", "Choisissez d'abord une séance dans le planning ou la liste."
        )
        return
    firms = window.campaign.firms

    def selected_sirets() -> list[str]:
        ids = [int(i) for i in window.selected_ids()]
        return firms.filter(firms["id"].is_in(ids))["siret"].to_list() if ids else []

    editor = SessionEditor(
        window, window.campaign.store, record, firms=firms, selected_sirets=selected_sirets
    )
    editor.tabs.setCurrentIndex(tab)
    if editor.exec():
        panel.refresh()
        window.sessions_dock.show()
        to_place = editor.venue_to_place()
        if to_place is not None:
            # The session's venue is a free address: the next click on the map places it.
            panel.place_venue(*to_place)


def _campaign_name(window: Any) -> str:
    return str(window.campaign.header.name)


def _preview(window: Any, job: PrintJob) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup_printer(printer, job.title)
    dialog = QPrintPreviewDialog(printer, window)
    dialog.setWindowTitle(f"Aperçu — {job.title}")
    dialog.paintRequested.connect(lambda p: paint_job(job, p))
    dialog.exec()


def schedule_for(window: Any, dialog: PeriodDialog) -> PrintJob:
    """The print job the period dialog asks for."""
    from planner.services.sessions.planning import list_sessions

    start, end, partner, venue = dialog.values()
    records = list_sessions(window.campaign.store, start=start, end=end, partner=partner)
    if venue is not None:
        records = [r for r in records if r.venue is not None and r.venue.name == venue]
    scope = " — ".join(
        x
        for x in (f"Partenaire : {partner}" if partner else "", f"Lieu : {venue}" if venue else "")
        if x
    )
    return schedule_job(records, _campaign_name(window), start, end, scope=scope)


def period_dialog(window: Any) -> PeriodDialog | None:
    panel: SessionsPanel = window.sessions_panel
    if window.campaign is None:
        QMessageBox.information(window, "Séances", "Ouvrez d'abord une campagne.")
        return None
    records = panel.records
    first = records[0].starts_at.date() if records else dt.date.today()
    last = records[-1].starts_at.date() if records else first + dt.timedelta(days=30)
    partners = sorted({p for r in records for p in r.partners.values()})
    venues = sorted({r.venue.name for r in records if r.venue})
    return PeriodDialog(window, first, last, partners, venues)


def print_schedule(window: Any) -> None:
    dialog = period_dialog(window)
    if dialog is None or not dialog.exec():
        return
    _preview(window, schedule_for(window, dialog))


def print_programme(window: Any) -> None:
    panel: SessionsPanel = window.sessions_panel
    sid = panel.selected_session()
    record = next((r for r in panel.records if r.id == sid), None)
    if record is None:
        QMessageBox.information(
            window, "Séances", "Choisissez d'abord une séance dans le planning ou la liste."
        )
        return
    _preview(window, programme_job(record, _campaign_name(window)))


def save_pdf(window: Any, job: PrintJob) -> None:
    path, _ = QFileDialog.getSaveFileName(window, "Enregistrer en PDF", "", "PDF (*.pdf)")
    if path:
        _write(window, "Enregistrer en PDF", lambda: print_to_pdf(job, Path(path)))


def export_ics(window: Any) -> None:
    from planner.services.sessions.ics_export import write_ics

    panel: SessionsPanel = window.sessions_panel
    if window.campaign is None:
        return
    path, _ = QFileDialog.getSaveFileName(
        window, "Exporter en iCalendar", "seances.ics", "iCalendar (*.ics)"
    )
    if path:
        _write(
            window,
            "Exporter en iCalendar",
            lambda: write_ics(panel.records, _campaign_name(window), Path(path)),
        )


def export_excel(window: Any) -> None:
    from planner.services.sessions.excel_export import write_sessions_workbook

    panel: SessionsPanel = window.sessions_panel
    if window.campaign is None:
        return
    path, _ = QFileDialog.getSaveFileName(
        window, "Exporter en Excel", "seances.xlsx", "Classeur Excel (*.xlsx)"
    )
    if path:
        store = window.campaign.store
        _write(
            window,
            "Exporter en Excel",
            lambda: write_sessions_workbook(store, panel.records, Path(path)),
        )


def _write(window: Any, title: str, write: Callable[[], object]) -> None:
    """Run an export; a file that cannot be written is said in a dialog, in French."""
    try:
        write()
    except PlannerError as exc:
        QMessageBox.warning(window, title, str(exc))
