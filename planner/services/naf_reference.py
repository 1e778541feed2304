"""The campaign's reference nomenclature (NAF rév. 2 or NAF 2025), kept in ``setting``.

A campaign created before 1 January 2027 reads activities in NAF rév. 2, one
created on or after it in NAF 2025; a campaign without the setting (made by an
earlier planner) is in rév. 2. The coordinator changes it with
:mod:`planner.services.nomenclature_switch`, which translates the rules.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
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
    key = default_nomenclature(today or dt.date.today())
    write_reference(session, key)
    return key
