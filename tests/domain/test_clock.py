"""One day for a whole run: ``PLANNER_TODAY`` pins today for the process and for the
processes it starts; unset or unreadable, the calendar's day is used."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.domain import clock
from planner.services.demo.demo_campaign import create_demo

FAR = dt.date(2031, 3, 17)


def test_the_pinned_day_is_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV_VAR, " 2031-03-17 ")
    assert clock.pinned_day() == FAR
    assert clock.today() == FAR


@pytest.mark.parametrize("value", ["", "17/03/2031", "2031-02-30", "demain"])
def test_unset_or_unreadable_gives_the_calendar(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(clock.ENV_VAR, value)
    assert clock.pinned_day() is None
    assert clock.today() == dt.date.today()
    monkeypatch.delenv(clock.ENV_VAR)
    assert clock.today() == dt.date.today()


def test_the_test_run_is_pinned() -> None:
    """tests/conftest.py pins the run before any test module is imported."""
    assert clock.pinned_day() is not None


def test_a_started_process_sees_the_pinned_day(tmp_path: Path) -> None:
    """``planner firm block --until`` refuses an end date before the pinned day, even one
    still ahead on the calendar, and accepts the pinned day itself."""
    campaign = tmp_path / "c.planner"
    create_demo(campaign, rows=200, seed=3)
    store = open_store(campaign)
    try:
        with store.session() as session:
            siret = session.scalars(
                select(models.Establishment.siret).order_by(models.Establishment.siret)
            ).first()
    finally:
        store.close()
    assert siret
    env = {**os.environ, clock.ENV_VAR: FAR.isoformat()}

    command = [sys.executable, "-m", "planner", "firm", "block", str(campaign), siret]
    command += ["--reason", "refus"]

    def block(until: dt.date) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "--until", f"{until:%d/%m/%Y}"],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    refused = block(FAR - dt.timedelta(days=1))
    assert refused.returncode == 2, refused.stderr
    assert "16/03/2031 est déjà passée" in refused.stderr
    kept = block(FAR)
    assert kept.returncode == 0, kept.stderr


def test_now_is_the_time_of_day_on_the_pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV_VAR, FAR.isoformat())
    before = dt.datetime.now()
    pinned = clock.now()
    after = dt.datetime.now()
    assert pinned.date() == FAR
    if before.date() == after.date():  # not across midnight
        assert before.time() <= pinned.time() <= after.time()
    monkeypatch.delenv(clock.ENV_VAR)
    assert clock.now().date() in {before.date(), dt.date.today()}
