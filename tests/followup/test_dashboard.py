from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import open_store
from planner.services.followup.dashboard.data import (
    AXES,
    UNKNOWN,
    axis_table,
    dashboard,
    load_followup,
)
from planner.services.followup.dashboard.needs import NO_CODE, needs_table, rome_labels
from planner.services.followup.dashboard.progress import TOTAL, progress_over_time, progress_table


def test_dashboard_counts_by_partner_and_team(
    followup_campaign: Path, partners: tuple[str, ...]
) -> None:
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            sirets = session.scalars(
                select(models.Assignment.siret).order_by(models.Assignment.siret).limit(3)
            ).all()
            need = models.Contact(
                siret=sirets[0], date=dt.date(2025, 3, 3), outcome="Offre déposée"
            )
            need.needs.append(models.ContactNeed(rome_code="N1103", posts=3, offer_deposited=True))
            session.add_all(
                [
                    models.Contact(siret=sirets[0], date=dt.date(2025, 3, 1), outcome="Non joint"),
                    need,
                    models.Contact(siret=sirets[2], date=dt.date(2025, 3, 1), outcome="Non joint"),
                ]
            )
        by_partner = dashboard(store, "partner")
        by_team = dashboard(store, "team")
    finally:
        store.close()
    assert sorted(by_partner["partner"].to_list()) == sorted(partners)
    assert by_partner["assigned"].sum() == 400
    assert by_partner["contacted"].sum() == 2  # two firms, three contacts
    assert by_partner["reached"].sum() == 1
    assert by_partner["posts"].sum() == 3
    assert by_partner["offers"].sum() == 1
    assert by_team["capacity"].to_list() == [400, 400]


@pytest.fixture
def dated_campaign(followup_campaign: Path) -> Path:
    """Known contacts over four weeks (the third one empty) for two teams.

    The fixture assigns firm i to adviser i % 4: firms 0 and 1 to « Équipe 1 »,
    firms 2 and 3 to « Équipe 2 ». One more contact is on a firm nobody has.
    """
    store = open_store(followup_campaign)
    try:
        with store.session() as session:
            s = session.scalars(
                select(models.Assignment.siret).order_by(models.Assignment.siret).limit(4)
            ).all()
            stray = session.scalar(
                select(models.Establishment.siret)
                .where(models.Establishment.siret.not_in(select(models.Assignment.siret)))
                .limit(1)
            )
            assert stray is not None
            found = models.Contact(
                siret=s[0], date=dt.date(2025, 3, 12), outcome="Besoin recueilli"
            )
            found.needs.append(models.ContactNeed(rome_code="n1103", posts=2))
            offer = models.Contact(siret=s[3], date=dt.date(2025, 3, 24), outcome="Offre déposée")
            offer.needs.append(models.ContactNeed(rome_code="K2204", posts=3, offer_deposited=True))
            offer.needs.append(models.ContactNeed(rome_code=None, posts=1))
            elsewhere = models.Contact(
                siret=stray, date=dt.date(2025, 2, 3), outcome="Offre déposée"
            )
            elsewhere.needs.append(models.ContactNeed(rome_code="F1703", posts=9))
            session.add_all(
                [
                    models.Contact(siret=s[0], date=dt.date(2025, 3, 3), outcome="Non joint"),
                    found,
                    models.Contact(siret=s[1], date=dt.date(2025, 3, 7), outcome="Pas de besoin"),
                    models.Contact(siret=s[2], date=dt.date(2025, 3, 16), outcome="Refus"),
                    offer,
                    elsewhere,
                ]
            )
    finally:
        store.close()
    return followup_campaign


def _series(table: pl.DataFrame, team: str, column: str) -> list[object]:
    return table.filter(pl.col("team") == team)[column].to_list()


def test_progress_cumulates_firms_week_by_week_per_team_and_in_total(dated_campaign: Path) -> None:
    store = open_store(dated_campaign)
    try:
        table = progress_over_time(store)
    finally:
        store.close()
    weeks = [dt.date(2025, 3, 3), dt.date(2025, 3, 10), dt.date(2025, 3, 17), dt.date(2025, 3, 24)]
    assert table["team"].unique(maintain_order=True).to_list() == ["Équipe 1", "Équipe 2", TOTAL]
    for team in ("Équipe 1", "Équipe 2", TOTAL):
        assert _series(table, team, "week") == weeks
    assert _series(table, "Équipe 1", "contacted") == [2, 2, 2, 2]
    assert _series(table, "Équipe 1", "reached") == [1, 2, 2, 2]  # firm 0 reached on 12/03
    assert _series(table, "Équipe 2", "contacted") == [0, 1, 1, 2]  # Sunday 16/03 is week 10/03
    assert _series(table, "Équipe 2", "reached") == [0, 1, 1, 2]
    assert _series(table, TOTAL, "contacted") == [2, 3, 3, 4]
    assert _series(table, TOTAL, "reached") == [1, 3, 3, 4]
    assert _series(table, "Équipe 1", "capacity") == [400] * 4
    assert _series(table, TOTAL, "capacity") == [800] * 4
    assert _series(table, TOTAL, "share") == [2 / 800, 3 / 800, 3 / 800, 4 / 800]


def test_progress_is_empty_before_any_contact(followup_campaign: Path) -> None:
    store = open_store(followup_campaign)
    try:
        table = progress_over_time(store)
    finally:
        store.close()
    assert table.is_empty()
    assert table.columns == ["week", "team", "capacity", "contacted", "reached", "share"]


def test_needs_by_rome_metier_with_labels_and_axis_filter(dated_campaign: Path) -> None:
    store = open_store(dated_campaign)
    try:
        data = load_followup(store)
    finally:
        store.close()
    everything = needs_table(data)
    assert everything.select("rome_code", "posts", "needs", "firms", "offers").rows() == [
        ("K2204", 3, 1, 1, 1),
        ("N1103", 2, 1, 1, 0),  # typed in lower case
        (NO_CODE, 1, 1, 1, 0),
    ]  # F1703 belongs to a firm nobody was assigned
    labels = rome_labels()
    assert everything["rome_label"].to_list() == [labels["K2204"], labels["N1103"], ""]
    assert labels["K2204"] == "Agent / Agente de nettoyage industriel"
    assert needs_table(data, "team", "Équipe 1")["rome_code"].to_list() == ["N1103"]
    assert needs_table(data, "adviser", "Conseiller 2.2")["posts"].to_list() == [3, 1]
    assert needs_table(data, "team", "Nobody").is_empty()


def test_every_axis_adds_up_to_the_assigned_firms(dated_campaign: Path) -> None:
    store = open_store(dated_campaign)
    try:
        tables = {axis: dashboard(store, axis) for axis in AXES}
    finally:
        store.close()
    assert list(tables) == ["partner", "team", "adviser", "commune", "section"]
    for axis, table in tables.items():
        assert table.columns[0] == axis
        assert table["assigned"].sum() == 400
        assert table["contacted"].sum() == 4
        assert table["reached"].sum() == 4
        assert table["posts"].sum() == 6
        assert table["offers"].sum() == 1
    assert len(tables["adviser"]) == 4
    # Sections carry their INSEE label after the letter.
    sections = tables["section"]["section"].to_list()
    assert all(" — " in s or s == UNKNOWN for s in sections)
    assert any(" — " in s for s in sections)


@pytest.mark.postgres
def test_dashboard_on_postgresql_matches_sqlite(
    followup_postgres: str, followup_campaign: Path
) -> None:
    from planner.services.demo.outcomes import add_demo_outcomes

    figures = []
    for url in (followup_postgres, str(followup_campaign)):
        store = open_store(url)
        try:
            add_demo_outcomes(store, seed=4, today=dt.date(2025, 3, 20))
            data = load_followup(store)
        finally:
            store.close()
        by_team = axis_table(data, "team")
        progress = progress_table(data)
        total = progress.filter(pl.col("team") == TOTAL)
        figures.append(
            (
                by_team.rows(),
                total.rows(),
                needs_table(data).rows(),
            )
        )
        # The last week's cumulative counts are the dashboard's totals.
        assert total["contacted"][-1] == by_team["contacted"].sum() > 0
        assert total["reached"][-1] == by_team["reached"].sum()
        assert needs_table(data)["posts"].sum() == by_team["posts"].sum()
    assert figures[0] == figures[1]
