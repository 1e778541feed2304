"""A small demo campaign with two partners, their teams, advisers and assignments."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from planner.db import models
from planner.db.store import CampaignStore, open_store
from planner.services.demo.demo_campaign import create_demo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARTNERS = ("Mission locale", "CCI Seine-Saint-Denis")


def assign_partners(store: CampaignStore) -> None:
    """Replace any task force by two partners splitting the firms alternately."""
    with store.session() as session:
        session.execute(delete(models.Contact))
        session.execute(delete(models.FirmBlock))  # the demo's « ne pas solliciter » marks
        session.execute(delete(models.Assignment))
        session.execute(delete(models.Partner))
        session.flush()
        advisers = []
        for p_index, name in enumerate(PARTNERS):
            partner = models.Partner(name=name, kind="partenaire")
            team = models.Team(name=f"Équipe {p_index + 1}", capacity=400)
            partner.teams.append(team)
            for a_index in range(2):
                adviser = models.Adviser(
                    name=f"Conseiller {p_index + 1}.{a_index + 1}",
                    base_lon=2.36,
                    base_lat=48.93,
                    capacity=200,
                )
                team.advisers.append(adviser)
                advisers.append((team, adviser))
            session.add(partner)
        session.flush()
        sirets = session.scalars(
            select(models.Establishment.siret)
            .where(models.Establishment.in_target.is_(True))
            .order_by(models.Establishment.siret)
            .limit(400)
        ).all()
        for index, siret in enumerate(sirets):
            team, adviser = advisers[index % len(advisers)]
            session.add(models.Assignment(siret=siret, team_id=team.id, adviser_id=adviser.id))


@pytest.fixture(scope="session")
def followup_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("followup") / "modele.planner"
    create_demo(path, rows=2500, seed=5)
    store = open_store(path)
    try:
        assign_partners(store)
    finally:
        store.close()
    return path


@pytest.fixture
def followup_campaign(followup_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the campaign for one test."""
    path = tmp_path / "campagne.planner"
    shutil.copy(followup_template, path)
    return path


@pytest.fixture
def partners() -> tuple[str, ...]:
    return PARTNERS


@pytest.fixture
def followup_postgres(pg_database: str) -> str:
    """The same small campaign in a fresh PostgreSQL database."""
    create_demo(pg_database, rows=2500, seed=5)
    store = open_store(pg_database)
    try:
        assign_partners(store)
    finally:
        store.close()
    return pg_database


def make_older_campaign(store: CampaignStore) -> None:
    """Give the campaign the identity of one made before signatures: created
    lazily at its first signed export (now), so unsigned lists dated earlier
    are still read."""
    from planner.services.campaign.identity import IDENTITY_KEY

    with store.session() as session:
        setting = session.get(models.Setting, IDENTITY_KEY)
        assert setting is not None
        setting.value = {**setting.value, "born_signed": False}
