"""A campaign's stable identity (a UUID) and secret key, and the read-back policy.

Both live in the ``setting`` table: created with the campaign, or at the first
export for a campaign made before signatures (SQLite or PostgreSQL, where two
first exports at once are settled by the table's primary key). The key signs
every exported call list (``planner.domain.export_signature``) and never
leaves the campaign.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.export_signature import KEY_BYTES, new_secret
from planner.io.outcome_workbook import CampaignKey

IDENTITY_KEY = "campaign_identity"
REFUSE_UNSIGNED_KEY = "outcomes_refuse_unsigned"


@dataclass(frozen=True)
class CampaignIdentity:
    """The campaign's id, name and secret key."""

    campaign_id: str
    name: str
    secret: bytes = field(repr=False)
    since: dt.datetime | None = None
    """When signing began (local time): no genuine unsigned list is later."""
    born_signed: bool = False
    """Made with the campaign: it never exported an unsigned list."""

    def key(self) -> CampaignKey:
        """What the outcome reader checks signatures with."""
        return CampaignKey(self.campaign_id, self.name, self.secret)


def new_identity_setting(*, with_campaign: bool = True) -> models.Setting:
    """A fresh identity: for a campaign being created, or lazily for an older one."""
    return models.Setting(
        key=IDENTITY_KEY,
        value={
            "id": str(uuid.uuid4()),
            "key": new_secret().hex(),
            # Local time, as export dates are written.
            "since": dt.datetime.now().replace(microsecond=0).isoformat(),
            "born_signed": with_campaign,
        },
    )


def _identity(name: str, value: dict[str, object]) -> CampaignIdentity | None:
    parsed = _parse(value)
    if parsed is None:
        return None
    try:
        since: dt.datetime | None = dt.datetime.fromisoformat(str(value["since"]))
    except (KeyError, ValueError):
        since = None  # identities made before this field: no lower bound known
    return CampaignIdentity(
        parsed[0], name, parsed[1], since, bool(value.get("born_signed", False))
    )


def _parse(value: dict[str, object]) -> tuple[str, bytes] | None:
    try:
        secret = bytes.fromhex(str(value["key"]))
        campaign_id = str(uuid.UUID(str(value["id"])))
    except (KeyError, ValueError, TypeError):
        return None
    return (campaign_id, secret) if len(secret) == KEY_BYTES else None


def stored_identity(store: CampaignStore) -> CampaignIdentity | None:
    """The campaign's identity if it has one (reading never creates it)."""
    with store.session() as session:
        name = session.scalars(select(models.Campaign.name)).one()
        setting = session.get(models.Setting, IDENTITY_KEY)
        return _identity(name, setting.value) if setting is not None else None


def campaign_identity(store: CampaignStore) -> CampaignIdentity:
    """The campaign's identity, created (once, for good) if it has none yet."""
    for _attempt in range(2):
        with store.session() as session:
            name = session.scalars(select(models.Campaign.name)).one()
            setting = session.get(models.Setting, IDENTITY_KEY)
            if setting is not None and (found := _identity(name, setting.value)) is not None:
                return found
        if setting is not None:
            raise PlannerError("Identité de la campagne illisible dans la table des réglages.")
        try:
            with store.session() as session:
                session.add(new_identity_setting(with_campaign=False))
        except IntegrityError:
            continue  # another export created it at the same time: read that one
    raise PlannerError("Identité de la campagne introuvable après sa création.")


def refuse_unsigned(store: CampaignStore) -> bool:
    """Whether the coordinator refuses call lists read back without a signature."""
    with store.session() as session:
        setting = session.get(models.Setting, REFUSE_UNSIGNED_KEY)
        return bool(setting is not None and setting.value.get("refuse"))


def set_refuse_unsigned(store: CampaignStore, refuse: bool) -> None:
    """Store the coordinator's choice about unsigned call lists."""
    with store.session() as session:
        setting = session.get(models.Setting, REFUSE_UNSIGNED_KEY)
        if setting is None:
            session.add(models.Setting(key=REFUSE_UNSIGNED_KEY, value={"refuse": refuse}))
        else:
            setting.value = {"refuse": refuse}
