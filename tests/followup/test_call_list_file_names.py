"""Call-list files of partners whose names clean alike, or are very long."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.cli.main import run
from planner.db import models
from planner.db.store import open_store
from planner.services.followup.call_lists import export_call_lists


def _rename(campaign: Path, names: dict[str, str]) -> None:
    with open_store(campaign) as store, store.session() as session:
        for partner in session.scalars(select(models.Partner)):
            partner.name = names.get(partner.name, partner.name)


def test_partners_cleaning_alike_get_distinct_files(
    followup_campaign: Path, partners: tuple[str, ...], tmp_path: Path
) -> None:
    _rename(followup_campaign, {partners[0]: "A.B", partners[1]: "AB"})
    with open_store(followup_campaign) as store:
        files = export_call_lists(store, tmp_path / "listes", now=dt.datetime(2026, 3, 1, 9))
    by_partner = {f.partner: f.path for f in files if f.partner}
    assert by_partner["A.B"].name == "Liste_appels_AB_20260301.xlsx"
    assert by_partner["AB"].name == "Liste_appels_AB_2_20260301.xlsx"
    written = sorted(p.name for p in (tmp_path / "listes").iterdir())
    assert written == sorted(f.path.name for f in files)  # the report is what was written


def test_long_partner_name_gives_a_short_file_name(
    followup_campaign: Path, partners: tuple[str, ...], tmp_path: Path
) -> None:
    long_name = "Mission locale intercommunale " * 10  # 300 characters
    _rename(followup_campaign, {partners[0]: long_name})
    out = tmp_path / "listes"
    assert run(["export", "call-lists", str(followup_campaign), "--out", str(out)]) == 0
    names = [p.name for p in out.iterdir()]
    assert len(names) == 4  # two partners, the coordinator's workbook and CSV
    assert all(len(n.encode()) < 120 for n in names)


def test_failure_midway_names_the_files_already_written(
    followup_campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from planner.io.output_file import OutputError, describe_os_error
    from planner.services.followup import call_lists

    real = call_lists.write_call_list
    calls: list[Path] = []

    def full_on_second(path: Path, *args: object) -> int:
        calls.append(path)
        if len(calls) == 2:
            raise OutputError(describe_os_error(OSError(errno.ENOSPC, "plein"), path), path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(call_lists, "write_call_list", full_on_second)
    out = tmp_path / "listes"
    with open_store(followup_campaign) as store, pytest.raises(OutputError) as caught:
        export_call_lists(store, out, now=dt.datetime(2026, 3, 1, 9))
    message = str(caught.value)
    assert "Disque plein" in message and calls[0].name in message
    assert [p.name for p in out.iterdir()] == [calls[0].name]
