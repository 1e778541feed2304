"""The campaign's reference nomenclature (NAF rév. 2 or NAF 2025), kept in ``setting``.

A campaign created before 1 January 2027 reads activities in NAF rév. 2, one
created on or after it in NAF 2025; a campaign without the setting (made by an
earlier planner) is in rév. 2. The coordinator changes it with
:mod:`planner.services.campaign.nomenclature_switch`, which translates the rules.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.nomenclature import REV2, check_nomenclature, default_nomenclature

SETTING_KEY = "naf_reference"


def reference_in_session(session: Session) -> str:
    """The reference nomenclature, ``rev2`` or ``naf2025``, read in an open session."""
    setting = session.get(models.Setting, SETTING_KEY)
    value = (setting.value or {}).get("nomenclature") if setting is not None else None
    return value if value in (REV2, "naf2025") else REV2


def reference_nomenclature(store: CampaignStore) -> str:
    """The campaign's reference nomenclature (``rev2`` when never set)."""
    with store.session() as session:
        return reference_in_session(session)


def write_reference(session: Session, key: str) -> None:
    """Store the reference nomenclature (no translation: see ``nomenclature_switch``)."""
    value = {"nomenclature": check_nomenclature(key)}
    setting = session.get(models.Setting, SETTING_KEY)
    if setting is None:
        session.add(models.Setting(key=SETTING_KEY, value=value))
    else:
        setting.value = value


def initial_reference(session: Session, today: dt.date | None = None) -> str:
    """Write the reference of a new campaign (rév. 2 before the switch date) and return it."""
    key = default_nomenclature(today or clock.today())
    write_reference(session, key)
    return key


def lock_reference(session: Session, *, write: bool) -> str:
    """Lock the reference row for the rest of the transaction and return the reference.

    A nomenclature switch takes it for writing; a write of NAF rules (teams
    import, priority sectors) for reading, so that it checks its codes against
    the reference in force when it commits. On SQLite a no-op update takes the
    file's write lock at once (as ``BEGIN IMMEDIATE`` would); on PostgreSQL
    ``SELECT … FOR UPDATE`` / ``FOR SHARE``.
    """
    if session.get(models.Setting, SETTING_KEY) is None:
        write_reference(session, REV2)
        session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(models.Setting)
            .where(models.Setting.key == SETTING_KEY)
            .values(key=models.Setting.key)
        )
    else:
        session.execute(
            select(models.Setting.key)
            .where(models.Setting.key == SETTING_KEY)
            .with_for_update(read=not write)
        )
    session.expire_all()
    return reference_in_session(session)
