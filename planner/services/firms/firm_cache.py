"""A columnar cache of the firm frame, so that a region's campaign opens in a blink.

Reading 500,000 establishments through a database driver costs one Python
object per value; the frame ``load_firms`` derives from them is kept instead
as one Arrow IPC file in the user's cache folder (``planner/firmes``), keyed
by the campaign (the SQLite file's path, or the PostgreSQL server, database,
session login and role: row-level security shows each login its own rows, and
the login's grant is part of the fingerprint) and by the reference
nomenclature. Files of campaigns that are gone, or unread for 45 days, are
pruned at each write.

The file is served only when a cheap fingerprint of the database's last
change still matches the one it was written with: the imports
(``import_run``), the establishments' count, the count and highest version
of every table the frame reads (versions are clock readings never reused,
``planner/db/row_versions.py``), the firms already supported, the journal's
last entry and the schema's revision. Any mismatch, a truncated or damaged file (its CRC is
checked) or another frame layout rebuilds it from the database. Only the
target is cached: non-diffusible establishments have left it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from planner.db import models
from planner.db.store import CampaignStore
from planner.io.user_folders import user_cache_folder

_log = logging.getLogger(__name__)

FORMAT = 3
"""Bumped whenever the frame's derivation changes, to drop every older file."""

_MAGIC = b"PLNRFC01"
_HEAD = struct.Struct("<8sIIQ")  # magic, header length, payload CRC-32, payload length

_VERSIONED = (
    models.Assignment,
    models.Contact,
    models.Team,
    models.Adviser,
    models.Setting,
    models.ContactService,
    models.FirmBlock,
    models.DiscoverySession,
    models.SessionInvitee,
)

MAX_AGE_DAYS = 45
"""A cache file unread for this long is removed (its campaign moved, was deleted, or is
no longer opened); so is one whose campaign file is gone."""


def cache_folder() -> Path:
    """The user's cache folder for firm frames (``~/.cache/planner/firmes`` on Linux)."""
    override = os.environ.get("PLANNER_FIRM_CACHE")
    if override:
        return Path(override)
    return user_cache_folder() / "firmes"


def _campaign_key(conn: Connection) -> str:
    """Which campaign (and, on a server, which login) this connection reads."""
    url = conn.engine.url
    if conn.dialect.name == "sqlite":
        return "sqlite:" + str(Path(url.database or "").resolve())
    # Row-level security decides by the session's login (``session_user``), even
    # under ``SET ROLE``: the key follows it, and the role in force.
    session_login, role = conn.execute(text("SELECT session_user, current_user")).one()
    return f"pg:{url.host}:{url.port}:{url.database}:{session_login}:{role}"


def cache_path(conn: Connection, nomenclature: str) -> Path:
    """The cache file of this campaign (and login) in ``nomenclature``."""
    digest = hashlib.sha256(_campaign_key(conn).encode()).hexdigest()[:32]
    return cache_folder() / f"{digest}-{nomenclature}.arrow"


_ESTABLISHMENT_STATE = text(
    "SELECT count(*), "
    "sum(CASE WHEN non_diffusible THEN 1 ELSE 0 END), "
    "sum(CASE WHEN in_target THEN 1 ELSE 0 END), "
    "sum(length(coalesce(name, '')) + length(coalesce(enseigne, '')) "
    "+ length(coalesce(libelle_voie, '')) + length(coalesce(naf_code, ''))), "
    "sum(coalesce(lon, 0)), sum(coalesce(lat, 0)) FROM establishment"
)


def fingerprint(conn: Connection, nomenclature: str) -> dict[str, Any]:
    """What changes whenever anything the firm frame shows changes (a few indexed reads)."""
    campaign = conn.execute(select(models.Campaign.id, models.Campaign.created_at)).first()
    run = models.ImportRun
    state: dict[str, Any] = {
        "format": FORMAT,
        "nomenclature": nomenclature,
        "campaign": [str(v) for v in campaign] if campaign else None,
        "imports": list(conn.execute(select(func.max(run.id), func.count())).one()),
        "establishments": conn.execute(
            select(func.count()).select_from(models.Establishment)
        ).scalar_one(),
        "communes": conn.execute(
            select(func.count()).select_from(models.BassinCommune)
        ).scalar_one(),
        "supported": [
            str(v)
            for v in conn.execute(
                select(func.count(), func.max(models.SupportedFirm.imported_at))
            ).one()
        ],
        "journal": conn.execute(select(func.max(models.JournalEntry.id))).scalar_one(),
        # Establishments carry no version: what a wipe, an import or a direct SQL
        # edit changes in them (flags, text lengths, positions), summed; it also
        # tells apart two copies of a campaign put in turn at the same path.
        "establishment_state": [repr(v) for v in conn.execute(_ESTABLISHMENT_STATE).one()],
        # A migration may rewrite stored values without an import.
        "schema": conn.execute(text("SELECT version_num FROM alembic_version")).scalar(),
    }
    for model in _VERSIONED:
        state[model.__tablename__] = list(
            conn.execute(select(func.count(), func.max(model.version))).one()
        )
    if conn.dialect.name == "postgresql":
        # The login's grant decides which rows it sees: a grant moved to another
        # partner with the same counts must not be served the former partner's firms.
        grant = models.AccessGrant
        state["grant"] = [
            str(v)
            for v in conn.execute(
                select(grant.role, grant.partner_id, grant.adviser_id, grant.granted_at).where(
                    grant.login == func.session_user()
                )
            ).all()
        ]
    return state


def _schema_of(frame: pl.DataFrame) -> list[list[str]]:
    return [[name, str(dtype)] for name, dtype in frame.schema.items()]


def read_cache(path: Path, expected: dict[str, Any]) -> pl.DataFrame | None:
    """The cached frame at ``path`` if it was written with ``expected``, else None
    (absent, stale, truncated or damaged)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(_HEAD.size)
            if len(head) < _HEAD.size:
                return None
            magic, header_len, crc, payload_len = _HEAD.unpack(head)
            # Lengths checked against the file before anything is read by them.
            if magic != _MAGIC or header_len > 1 << 20:
                return None
            if _HEAD.size + header_len + payload_len != size:
                return None
            header = json.loads(stream.read(header_len))
            if not isinstance(header, dict) or header.get("fingerprint") != expected:
                return None
            payload = stream.read(payload_len + 1)
    except (OSError, ValueError, MemoryError, OverflowError):
        return None
    if len(payload) != payload_len or zlib.crc32(payload) != crc:
        _log.warning("Cache des établissements endommagé, reconstruit : %s", path)
        return None
    try:
        frame = pl.read_ipc(io.BytesIO(payload))
    except Exception:  # any decoding failure means: rebuild
        return None
    if _schema_of(frame) != header.get("schema"):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: kept by ``prune``
    return frame


def write_cache(
    path: Path, stamp: dict[str, Any], frame: pl.DataFrame, campaign_file: str | None = None
) -> None:
    """Write ``frame`` with ``stamp`` whole or not at all (temporary file, then rename).

    ``campaign_file``: the SQLite campaign's path, so that ``prune`` can remove the
    file once the campaign is gone. A failure (full disk, read-only folder) only
    costs the next load its speed."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="lz4")
    payload = buffer.getbuffer()
    header = json.dumps(
        {"fingerprint": stamp, "schema": _schema_of(frame), "campaign_file": campaign_file}
    ).encode()
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            # Firm names and addresses: readable by this user only.
            Path(tmp).chmod(0o600)
            stream.write(_HEAD.pack(_MAGIC, len(header), zlib.crc32(payload), len(payload)))
            stream.write(header)
            stream.write(payload)
        Path(tmp).replace(path)
        tmp = None
    except OSError as exc:
        _log.warning("Cache des établissements non écrit (%s) : %s", path, exc)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _campaign_file_of(path: Path) -> str | None:
    """The campaign file named in a cache file's header (None: a server, or unreadable)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD.size)
            if len(head) < _HEAD.size:
                return None
            magic, header_len, _, _ = _HEAD.unpack(head)
            if magic != _MAGIC or header_len > 1 << 20:
                return None
            header = json.loads(stream.read(header_len))
    except (OSError, ValueError):
        return None
    value = header.get("campaign_file") if isinstance(header, dict) else None
    return value if isinstance(value, str) else None


def prune(now: float | None = None) -> int:
    """Remove the cache files of campaigns that are gone or unread for ``MAX_AGE_DAYS``,
    and temporary files left by a crash; how many were removed."""
    import time

    folder = cache_folder()
    moment = time.time() if now is None else now
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for entry in entries:
        try:
            if not entry.is_file():
                continue
            age_days = (moment - entry.stat().st_mtime) / 86_400
            stale = (
                (entry.suffix == ".tmp" and age_days > 1)
                or (entry.suffix == ".arrow" and age_days > MAX_AGE_DAYS)
                or (
                    entry.suffix == ".arrow"
                    and (campaign := _campaign_file_of(entry)) is not None
                    and not Path(campaign).exists()
                )
            )
            if stale:
                entry.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def discard(store: CampaignStore) -> None:
    """Remove every cached frame of this campaign (and login), in any nomenclature."""
    with store.engine.connect() as conn:
        stem = cache_path(conn, "x").name.split("-", 1)[0]
    for path in cache_folder().glob(f"{stem}-*.arrow"):
        path.unlink(missing_ok=True)


def cached_frame(
    conn: Connection, nomenclature: str, build: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """The firm frame from the cache when it is current, else ``build()`` written to it.

    The stamp is read before the frame is built: a change committed in between
    makes the file look older than it is (rebuilt next time), never newer."""
    if os.environ.get("PLANNER_NO_FIRM_CACHE"):
        return build()
    path = cache_path(conn, nomenclature)
    stamp = fingerprint(conn, nomenclature)
    frame = read_cache(path, stamp)
    if frame is not None:
        return frame
    # A stale file may still hold what a wipe erased: gone before anything else.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
    frame = build()
    campaign_file = (
        str(Path(conn.engine.url.database or "").resolve())
        if conn.dialect.name == "sqlite"
        else None
    )
    write_cache(path, stamp, frame, campaign_file)
    prune()
    return frame
