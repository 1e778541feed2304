"""What the main window shows of an open campaign, loaded off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from planner.domain.json_types import GeoJson
from planner.domain.nomenclature import REV2
from planner.services.campaign.campaign_file import CampaignHeader, read_header
from planner.services.campaign.campaign_store import CampaignStore, open_campaign
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.map.bassin_geometry import bassin_geojson
from planner.ui.firms.firm_table_model import FirmTableModel, PreparedFirms


@dataclass
class LoadedCampaign:
    """What the window shows of an open campaign (plain data, built off the GUI thread)."""

    store: CampaignStore
    header: CampaignHeader
    firms: pl.DataFrame
    prepared: PreparedFirms
    communes: GeoJson
    outline: GeoJson
    nomenclature: str = REV2  # the campaign's reference NAF (rev2 or naf2025)


def load_campaign(path_or_url: str | Path) -> LoadedCampaign:
    """Open a campaign and read what the window shows of it (runs off the GUI thread)."""
    store = open_campaign(path_or_url)
    communes, outline = bassin_geojson(store)
    reference = reference_nomenclature(store)
    firms = load_firms(store, reference)
    return LoadedCampaign(
        store,
        read_header(store),
        firms,
        FirmTableModel.prepare(firms),
        communes,
        outline,
        reference,
    )


def reload_firms(loaded: LoadedCampaign) -> LoadedCampaign:
    """The same campaign with its firms read again (runs off the GUI thread)."""
    reference = reference_nomenclature(loaded.store)
    firms = load_firms(loaded.store, reference)
    return LoadedCampaign(
        loaded.store,
        read_header(loaded.store),
        firms,
        FirmTableModel.prepare(firms),
        loaded.communes,
        loaded.outline,
        reference,
    )
