from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.db.store import open_store
from planner.io.call_list_workbook import GUIDE_SHEET, HEADERS, META_SHEET
from planner.services.firms.firm_query import load_firms
from planner.services.followup.call_lists import export_call_lists
from planner.services.followup.contact_summary import contact_summary
from planner.services.followup.outcomes_import import apply_outcomes, preview_outcomes


@pytest.mark.postgres
def test_round_trip_and_status_on_postgresql(followup_postgres: str, tmp_path: Path) -> None:
    store = open_store(followup_postgres)
    try:
        files = export_call_lists(store, tmp_path, now=dt.datetime(2025, 3, 1, 9))
        path = next(f.path for f in files if f.partner)
        wb = load_workbook(path)
        ws = next(w for w in wb.worksheets if w.title not in (GUIDE_SHEET, META_SHEET))
        ws.cell(2, HEADERS.index("Résultat") + 1, "Offre déposée")
        ws.cell(2, HEADERS.index("Date de l'appel") + 1, "2025-03-12")
        ws.cell(2, HEADERS.index("Nombre de postes") + 1, "2")
        siret = ws.cell(2, HEADERS.index("SIRET") + 1).value
        wb.save(path)
        preview = preview_outcomes(store, [path])
        assert [r.siret for r in preview.accepted] == [siret]
        assert apply_outcomes(store, preview) == 1
        summary = contact_summary(store)
        assert summary.offers_deposited == 1 and summary.posts_collected == 2
        firms = load_firms(store)
        assert firms.filter(firms["siret"] == siret)["status"].item() == "Offre déposée"
    finally:
        store.close()


@pytest.mark.postgres
def test_contacts_recorded_after_the_demo_outcomes_on_postgresql(followup_postgres: str) -> None:
    """The demo's contacts have explicit ids: the serial must move past them."""
    import datetime as dt

    from sqlalchemy import func, select

    from planner.db import models
    from planner.services.demo.outcomes import add_demo_outcomes

    store = open_store(followup_postgres)
    try:
        add_demo_outcomes(store, seed=3, today=dt.date(2025, 3, 20))
        with store.session() as session:
            before = session.scalar(select(func.count(models.Contact.id)))
            siret = session.scalars(select(models.Assignment.siret)).first()
            assert before and siret
            session.add(models.Contact(siret=siret, date=dt.date(2025, 3, 21), outcome="Refus"))
        with store.session() as session:
            assert session.scalar(select(func.count(models.Contact.id))) == before + 1
    finally:
        store.close()
