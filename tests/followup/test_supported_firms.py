"""Firms already supported: import in one transaction, then flagged or left out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.domain.errors import InputError
from planner.services.firms.firm_query import load_firms
from planner.services.firms.prospect_status import (
    ALREADY_SUPPORTED,
    NOT_CONTACTED,
    attach_supported,
)
from planner.services.followup.call_lists import call_list_frame, export_call_lists
from planner.services.followup.priorities import (
    leave_out_supported,
    load_weights,
    save_weights,
    score_firms,
)
from planner.services.followup.supported_firms import import_supported, supported_counts

UNKNOWN = "73282932000074"  # a valid SIRET that the demo campaign does not have


def _write_list(path: Path, sirets: list[str]) -> Path:
    lines = ["Entreprise;SIRET;Date d'entrée"]
    lines += [f"E{i};{s[:3]} {s[3:6]} {s[6:9]} {s[9:]};01/02/2025" for i, s in enumerate(sirets)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def campaign(request: pytest.FixtureRequest) -> str | Path:
    if request.param == "sqlite":
        return request.getfixturevalue("followup_campaign")  # type: ignore[no-any-return]
    return request.getfixturevalue("followup_postgres")  # type: ignore[no-any-return]


def test_import_flags_and_leaves_out(campaign: str | Path, tmp_path: Path) -> None:
    store = open_store(campaign)
    try:
        assigned = call_list_frame(store)["siret"].to_list()
        chosen = assigned[:3]
        contacted = chosen[0]
        with store.session() as session:
            session.add(models.Contact(siret=contacted, date=dt.date(2025, 3, 1), outcome="Refus"))
        listing = _write_list(tmp_path / "pic.csv", [*chosen, UNKNOWN, chosen[1]])
        result = import_supported(store, listing)
        assert (result.sirets, result.matched, result.unknown) == (4, 3, 1)
        assert result.duplicates == 1 and not result.bad
        assert supported_counts(store) == {"total": 4, "matched": 3}

        firms = load_firms(store)
        status = dict(zip(firms["siret"], firms["status"], strict=True))
        assert status[contacted] == "Refus"  # a recorded outcome wins over the list
        assert status[chosen[1]] == status[chosen[2]] == ALREADY_SUPPORTED
        others = firms.filter(~firms["siret"].is_in(chosen))
        assert set(others["status"].unique()) == {NOT_CONTACTED}
        with store.engine.connect() as conn:
            flagged = attach_supported(conn, firms).filter(pl.col("supported"))
        assert sorted(flagged["siret"].to_list()) == sorted(chosen)

        scored = call_list_frame(store)
        weights = load_weights(store)
        assert leave_out_supported(scored, weights).height == scored.height  # "flag"
        excluded = leave_out_supported(
            scored, dataclasses.replace(weights, supported_policy="exclude")
        )
        assert excluded.height == scored.height - 3
        assert not set(chosen) & set(excluded["siret"].to_list())
        assert scored.filter(pl.col("supported")).height == 3
        bare = score_firms(store, firms, weights)
        assert bare.filter(bare["supported"]).height == 3

        # A list with no valid SIRET changes nothing.
        bad = tmp_path / "bad.csv"
        bad.write_text("SIRET\n12345678901234\n", encoding="utf-8")
        with pytest.raises(InputError, match="aucun SIRET valide"):
            import_supported(store, bad)
        assert supported_counts(store)["total"] == 4

        # Replace (default) versus add.
        import_supported(store, _write_list(tmp_path / "v2.csv", [chosen[2]]))
        with store.session() as session:
            assert list(session.scalars(select(models.SupportedFirm.siret))) == [chosen[2]]
        added = import_supported(store, _write_list(tmp_path / "v3.csv", [UNKNOWN]), add=True)
        assert added.replaced == 0
        assert supported_counts(store) == {"total": 2, "matched": 1}
    finally:
        store.close()


def _supported_column(path: Path) -> dict[str, str]:
    """SIRET → « Déjà accompagnée » cell of every data sheet of a workbook."""
    from openpyxl import load_workbook

    found: dict[str, str] = {}
    book = load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, ())
            if "Déjà accompagnée" not in header:
                continue
            siret_col = header.index("SIRET")
            flag_col = header.index("Déjà accompagnée")
            for row in rows:
                if row[siret_col]:
                    found[str(row[siret_col])] = str(row[flag_col] or "")
    finally:
        book.close()
    return found


def test_call_lists_flag_or_leave_out_supported_firms(
    followup_campaign: Path, tmp_path: Path
) -> None:
    store = open_store(followup_campaign)
    try:
        chosen = call_list_frame(store)["siret"].to_list()[:2]
        import_supported(store, _write_list(tmp_path / "pic.csv", chosen))
        files = export_call_lists(store, tmp_path / "flag")
        coordinator = next(f.path for f in files if f.partner is None and f.path.suffix == ".xlsx")
        flags = _supported_column(coordinator)
        assert {s for s, v in flags.items() if v == "oui"} == set(chosen)
        assert len(flags) > len(chosen)

        save_weights(store, dataclasses.replace(load_weights(store), supported_policy="exclude"))
        files = export_call_lists(store, tmp_path / "exclude")
        coordinator = next(f.path for f in files if f.partner is None and f.path.suffix == ".xlsx")
        left = _supported_column(coordinator)
        assert not set(chosen) & set(left)
        assert len(left) == len(flags) - len(chosen)
    finally:
        store.close()
