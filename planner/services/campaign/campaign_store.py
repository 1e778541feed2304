"""The handle on an open campaign that the UI and the CLI hold, and how to get one.

The UI never names ``planner.db``: it opens a campaign here, annotates with
:class:`CampaignStore` from here, and asks here what a database error means.
"""

from __future__ import annotations

from pathlib import Path

from planner.db.store import CampaignStore, StoreError, open_store
from planner.db.store import describe_database_error as _describe_database_error

__all__ = ["CampaignStore", "StoreError", "describe_database_error", "open_campaign"]


def open_campaign(target: str | Path) -> CampaignStore:
    """Open an existing campaign file or database URL, migrating it if needed.

    Raises:
        StoreError: the campaign does not exist, is not a campaign, or was
            written by a newer version of planner.
    """
    return open_store(target)


def describe_database_error(exc: BaseException, label: str = "") -> str | None:
    """A French message for a database error a user can act on, or None.

    Args:
        exc: any exception; only database errors get a message.
        label: how to name the campaign (its file name).
    """
    return _describe_database_error(exc, label)
