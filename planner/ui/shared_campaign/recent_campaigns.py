"""Shared campaigns among the recent campaigns, as files are.

The recent list (``recent/files`` in the settings) holds a shared campaign as
its URL **without password** (``postgresql+psycopg://user@server:5432/base``);
its name is kept beside it (``recent/shared_names``) so that the menu says
« nom de la campagne — serveur/base ». The password, when remembered, is in
the system's keyring only.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

from planner.domain.errors import PlannerError
from planner.services.shared_campaign.connection import ServerAddress, address_of_url

NAMES_KEY = "recent/shared_names"


def is_shared(entry: str) -> bool:
    """Whether a recent entry is a shared campaign (a URL), not a file."""
    return "://" in entry


def address_of(entry: str) -> ServerAddress | None:
    """The address of a recent shared campaign, or None when the entry is unreadable."""
    try:
        return address_of_url(entry)
    except PlannerError:
        return None


def _names(settings: QSettings) -> dict[str, str]:
    raw = settings.value(NAMES_KEY, "")
    try:
        names = json.loads(str(raw)) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


def remember_name(settings: QSettings, address: ServerAddress, name: str) -> str:
    """Keep the campaign's name for the menu; the entry to put in the recent list."""
    entry = address.public_url()
    names = _names(settings)
    names[entry] = name
    settings.setValue(NAMES_KEY, json.dumps(names, ensure_ascii=False))
    return entry


def forget_names(settings: QSettings, kept: list[str]) -> None:
    """Drop the names of shared campaigns no longer in the recent list."""
    names = _names(settings)
    trimmed = {k: v for k, v in names.items() if k in kept}
    if trimmed != names:
        settings.setValue(NAMES_KEY, json.dumps(trimmed, ensure_ascii=False))


def label(settings: QSettings, entry: str) -> str:
    """« nom de la campagne — serveur/base » (never a password)."""
    address = address_of(entry)
    where = address.label if address is not None else "campagne partagée"
    name = _names(settings).get(entry)
    return f"{name} — {where}" if name else where
