"""The firm table's « Statut »: how far the task force got with each firm, over its
whole contact history, on a real campaign (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from planner.db import models
from planner.db.store import create_store
from planner.domain.import_filters import ImportFilters
from planner.services.firms.firm_query import FirmFilter, load_firms
from planner.services.firms.prospect_status import (
    ACCOMPANIED_COLUMN,
    STAGE_ACCOMPANIED,
    STAGE_CONTACTED,
    STAGE_NEED,
    STAGE_NOT_CONTACTED,
    STAGE_REACHED,
    attach_stage,
)
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)


def test_stage_is_the_furthest_point_of_the_history(
    campaign_target: str | Path, sirene_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_NO_FIRM_CACHE", "1")
    store = create_store(campaign_target)
    try:
        with store.session() as session:
            session.add(
                models.Campaign(name="T", bassin_kind="communes", bassin_code="*", bassin_label="T")
            )
        with (sirene_dir / STOCK).open(encoding="utf-8", newline="") as handle:
            codes = {
                r["codeCommuneEtablissement"]: r["codeCommuneEtablissement"]
                for r in csv.DictReader(handle)
            }
        import_sirene(store, SireneFiles(sirene_dir / STOCK), EVERYTHING, codes)
        sirets = load_firms(store)["siret"].head(5).to_list()
        day = dt.date(2026, 11, 2)
        later = dt.date(2026, 11, 20)
        with store.session() as session:
            contacts = [
                # called, not reached
                models.Contact(siret=sirets[1], date=day, outcome="Non joint"),
                # reached once, then not reached: stays « Jointe »
                models.Contact(siret=sirets[2], date=day, outcome="Pas de besoin"),
                models.Contact(siret=sirets[2], date=later, outcome="Non joint"),
                # a need collected, then a refusal: stays « Besoin »
                models.Contact(siret=sirets[3], date=day, outcome="Besoin recueilli"),
                models.Contact(siret=sirets[3], date=later, outcome="Refus"),
                # a need row on an outcome that does not carry one by itself
                models.Contact(
                    siret=sirets[4],
                    date=day,
                    outcome="À rappeler",
                    needs=[models.ContactNeed(rome_code="D1106", posts=2)],
                ),
            ]
            session.add_all(contacts)
        firms = load_firms(store)
        stages = dict(firms.filter(pl.col("siret").is_in(sirets)).select("siret", "stage").rows())
        assert [stages[s] for s in sirets] == [
            STAGE_NOT_CONTACTED,
            STAGE_CONTACTED,
            STAGE_REACHED,
            STAGE_NEED,
            STAGE_NEED,
        ]
        assert firms["stage"].null_count() == 0
        # The table's filter keeps exactly those stages.
        kept = firms.filter(FirmFilter(stages=frozenset({STAGE_NEED})).apply(firms))
        assert sorted(kept["siret"]) == sorted(sirets[3:5])

        # The hook for « Accompagnée »: a boolean column added before the stage.
        with store.engine.connect() as conn:
            flagged = firms.drop("stage").with_columns(
                (pl.col("siret") == sirets[2]).alias(ACCOMPANIED_COLUMN)
            )
            staged = attach_stage(conn, flagged)
        assert staged.filter(pl.col("siret") == sirets[2])["stage"].item() == STAGE_ACCOMPANIED
        assert staged.filter(pl.col("siret") == sirets[3])["stage"].item() == STAGE_NEED

        # Issue 14: a POEI realised for the firm makes it « Accompagnée » in the table,
        # a POEI merely proposed does not.
        with store.session() as session:
            poei = session.scalar(
                select(models.ServiceOffer.id).where(models.ServiceOffer.code == "POEI")
            )
            assert poei is not None
            for siret, status in ((sirets[3], "done"), (sirets[2], "proposed")):
                # A service belongs to its contact's firm (PostgreSQL refuses another).
                contact = session.scalars(
                    select(models.Contact).where(models.Contact.siret == siret)
                ).first()
                assert contact is not None
                session.add(
                    models.ContactService(
                        contact_id=contact.id, siret=siret, offer_id=poei, status=status, date=later
                    )
                )
        monkeypatch.delenv("PLANNER_NO_FIRM_CACHE")
        for _ in range(2):  # built, then served from the cache
            firms = load_firms(store)
            stages = dict(
                firms.filter(pl.col("siret").is_in(sirets)).select("siret", "stage").rows()
            )
            assert stages[sirets[3]] == STAGE_ACCOMPANIED
            assert stages[sirets[2]] == STAGE_REACHED
    finally:
        store.close()
