"""BMO import into a campaign (SQLite and PostgreSQL) and the métiers in tension."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore, create_store
from planner.domain.errors import InputError
from planner.services.followup.bmo_tension import (
    WITHHELD_TEXT,
    Figure,
    import_bmo,
    metiers_in_tension,
    top_metiers,
)

BMO_2024 = "bmo/Base_open_data_BMO_2024__bassins_93.xlsx"


@pytest.fixture
def bmo_file(shared_data: Path) -> Path:
    path = shared_data / BMO_2024
    if not path.exists():
        pytest.fail(f"classeur BMO absent : {path}")
    return path


def _campaign(target: str | Path, kind: str, code: str) -> CampaignStore:
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(name="Test", bassin_kind=kind, bassin_code=code, bassin_label=code)
        )
    return store


def _rows(store: CampaignStore) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(models.BmoProject)) or 0


def test_import_replaces_the_year_in_one_transaction(
    campaign_target: str | Path, bmo_file: Path, tmp_path: Path
) -> None:
    store = _campaign(campaign_target, "bmo", "1147")
    try:
        first = import_bmo(store, bmo_file)
        assert first.bassins == {"1147": "T6 Plaine Commune"}
        assert (first.rows, first.metiers, first.replaced) == (177, 177, 0)
        assert (first.withheld_projects, first.withheld_difficult) == (10, 51)
        again = import_bmo(store, bmo_file)
        assert again.replaced == 177
        assert _rows(store) == 177

        # A workbook that breaks on its last line: nothing of it is written.
        broken = tmp_path / "casse.xlsx"
        wb = load_workbook(bmo_file)
        ws = wb["BMO_2024_open_data"]
        ws.cell(row=ws.max_row, column=12, value="beaucoup")
        wb.save(broken)
        with pytest.raises(InputError, match="colonne L \\(met\\)"):
            import_bmo(store, broken, bassins=["1147", "1149"])
        assert _rows(store) == 177
        assert metiers_in_tension(store)[0].projects == Figure(2445)

        top = top_metiers(store, limit=3)
        assert [m.code for m in top] == ["U1X91", "T3X61", "T4X60"]
        assert top[0].difficult.text() == WITHHELD_TEXT  # withheld, not 0
        assert top[0].difficulty_share is None
        assert top[1].difficulty_share == pytest.approx(858 / 1545)
    finally:
        store.close()


def test_withheld_parts_across_departements(campaign_target: str | Path, bmo_file: Path) -> None:
    """Roissy spans 93, 95 and 77: its totals add the départements' lines."""
    store = _campaign(campaign_target, "departement", "93")
    try:
        with pytest.raises(InputError, match="--bassin"):
            import_bmo(store, bmo_file)
        import_bmo(store, bmo_file, bassins=["1148"])  # the wrong bassin, then the right one
        assert import_bmo(store, bmo_file, bassins=["1119"]).replaced == 156
        assert _rows(store) == 398
        farmers = next(m for m in metiers_in_tension(store) if m.code == "A0X40")
        # 93: met 26, xmet *, smet *; 95: met 12, xmet *, smet 12 (77 has no line).
        assert farmers.projects == Figure(38)
        assert farmers.difficult == Figure(None)
        assert farmers.difficult.text() == WITHHELD_TEXT
        assert farmers.seasonal == Figure(12, partial=True)
        assert farmers.seasonal.text() == "≥ 12 (en partie secret)"
        assert farmers.difficulty_share is None
        by_share = top_metiers(store, by="difficulty", limit=200)
        shares = [m.difficulty_share for m in by_share]
        known = [s for s in shares if s is not None]
        assert known == sorted(known, reverse=True)
        assert shares[: len(known)] == known  # shares that cannot be computed come last
    finally:
        store.close()


def test_unknown_bassin_lists_the_bassins_of_the_file(tmp_path: Path, bmo_file: Path) -> None:
    store = _campaign(tmp_path / "c.planner", "bmo", "9999")
    try:
        with pytest.raises(InputError) as caught:
            import_bmo(store, bmo_file)
        assert "aucune ligne pour le bassin 9999" in str(caught.value)
        assert "1147 (T6 Plaine Commune)" in str(caught.value)
        assert _rows(store) == 0
    finally:
        store.close()


def test_ept_campaign_finds_its_bassin_by_name(tmp_path: Path, bmo_file: Path) -> None:
    store = _campaign(tmp_path / "c.planner", "ept", "T8")
    try:
        assert import_bmo(store, bmo_file).bassins == {"1148": "T8 Est Ensemble"}
    finally:
        store.close()
