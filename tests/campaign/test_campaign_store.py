"""The UI's handle on a campaign: opened, and its errors told, through services."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planner.services.campaign.campaign_store import (
    StoreError,
    describe_database_error,
    open_campaign,
)


def test_open_campaign_refuses_a_file_that_is_not_a_campaign(tmp_path: Path) -> None:
    path = tmp_path / "notes.planner"
    path.write_text("pas une base", encoding="utf-8")
    with pytest.raises(StoreError, match="n'est pas une campagne planner"):
        open_campaign(path)


def test_database_errors_are_described_in_french_and_others_are_not() -> None:
    message = describe_database_error(sqlite3.OperationalError("database is locked"), "c.planner")
    assert message is not None and "« c.planner » est verrouillée" in message
    assert describe_database_error(ValueError("database is locked")) is None
