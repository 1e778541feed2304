"""Colour firms on the map by an attribute, with the legend that goes with it."""

from __future__ import annotations

import colorsys

import numpy as np
import numpy.typing as npt
import polars as pl

from planner.domain.french_numbers import integer
from planner.domain.headcount_bands import BAND_LABELS, BAND_ORDER
from planner.domain.nomenclature import REV2, absent_label, nomenclature_name
from planner.io.nomenclatures import load_nomenclature
from planner.services.firms.prospect_status import (
    NOT_CONTACTED,
    STAGE_COLORS,
    STAGE_NOT_CONTACTED,
    STAGE_ORDER,
    STATUS_COLORS,
    STATUS_ORDER,
)

COLOR_ATTRIBUTES: dict[str, str] = {
    "band": "Tranche d'effectifs",
    "section": "Section NAF",
    "team": "Équipe",
    "adviser": "Conseiller attitré",
    "stage": "Statut",
    "status": "Dernier résultat d'appel",
}
"""Colouring key → menu entry and legend title. « Statut » is the firm table's stage
(how far prospecting went); « Dernier résultat d'appel » the latest contact's outcome."""

# Sequential blues-to-purples for headcount (small to large), grey for unknown.
_BAND_COLORS = {
    "NN": "#9e9e9e", "00": "#c6dbef", "01": "#9ecae1", "02": "#6baed6", "03": "#4292c6",
    "11": "#2171b5", "12": "#08519c", "21": "#6a51a3", "22": "#54278f", "31": "#3f007d",
    "32": "#67000d", "41": "#a50f15", "42": "#cb181d", "51": "#ef3b2c", "52": "#fb6a4a",
    "53": "#fc9272",
}  # fmt: skip

# Qualitative palette for the NAF sections (21 in rév. 2, 22 in NAF 2025).
_SECTION_COLORS = [
    "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896",
    "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7",
    "#bcbd22", "#dbdb8d", "#17becf", "#9edae5", "#393b79", "#637939",
]  # fmt: skip
ABSENT_COLOR = "#bdbdbd"


def attribute_title(attribute: str, nomenclature: str = REV2) -> str:
    """The legend's title: « Section NAF 2025 » when colouring by section in NAF 2025."""
    if attribute == "section":
        return f"Section {nomenclature_name(nomenclature)}"
    return COLOR_ATTRIBUTES[attribute]


def categories(
    firms: pl.DataFrame, attribute: str, nomenclature: str = REV2
) -> tuple[npt.NDArray[np.int32], list[tuple[str, str]]]:
    """Category index of each firm and the legend ``[(label, colour), ...]``.

    Args:
        firms: the firms frame (``band`` or ``section`` column).
        attribute: a key of :data:`COLOR_ATTRIBUTES`.
        nomenclature: the reference the frame's sections are in (``rev2`` or
            ``naf2025``); firms without a code in it are « Code NAF 2025 absent ».
    """
    if attribute == "band":
        keys = list(BAND_ORDER)
        legend = [(f"{BAND_LABELS[k]}", _BAND_COLORS[k]) for k in keys]
        column = firms["band"].fill_null("NN")
    elif attribute == "section":
        sections = load_nomenclature(nomenclature).sections
        keys = [*sections, "?"]
        legend = [
            (f"{k} — {label}", _SECTION_COLORS[i]) for i, (k, label) in enumerate(sections.items())
        ]
        legend.append((absent_label(nomenclature), ABSENT_COLOR))
        column = firms["section"].fill_null("?")
    elif attribute == "stage" and "stage" in firms.columns:
        keys = list(STAGE_ORDER)
        legend = [(k, STAGE_COLORS[k]) for k in keys]
        column = firms["stage"].fill_null(STAGE_NOT_CONTACTED)
    elif attribute == "status" and "status" in firms.columns:
        keys = list(STATUS_ORDER)
        legend = [(k, STATUS_COLORS[k]) for k in keys]
        column = firms["status"].fill_null(NOT_CONTACTED)
    elif attribute in ("team", "adviser") and attribute in firms.columns:
        return _assignment_categories(firms, attribute)
    else:
        raise ValueError(f"Attribut de couleur inconnu : {attribute}")
    # Only the categories present get a legend entry, in their natural order.
    present = set(column.unique().to_list())
    kept = [i for i, k in enumerate(keys) if k in present] or [len(keys) - 1]
    index = {keys[i]: n for n, i in enumerate(kept)}
    codes = column.replace_strict(index, default=len(kept) - 1, return_dtype=pl.Int32)
    return codes.to_numpy().astype(np.int32), [legend[i] for i in kept]


# Qualitative palette for teams and advisers: d3's category10 (without its
# grey), Kelly's colours of maximum contrast (without white, black, grey),
# then the lighter and darker d3 tones. No grey: grey is « Non attribuées ».
ASSIGNMENT_PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
    "#17becf", "#f3c300", "#875692", "#a1caf1", "#be0032", "#c2b280", "#008856", "#0067a5",
    "#f99379", "#604e97", "#dcd300", "#882d17", "#8db600", "#654522", "#2b3d26", "#e68fac",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d",
    "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
UNASSIGNED_COLOR = "#bdbdbd"


def distinct_colors(count: int) -> list[str]:
    """``count`` different colours: the palette, then hues spread by the golden angle."""
    colors = list(ASSIGNMENT_PALETTE[:count])
    seen = set(colors) | {UNASSIGNED_COLOR}
    step = 0
    while len(colors) < count:
        step += 1
        hue = (step * 0.618033988749895) % 1.0
        lightness = (0.35, 0.5, 0.65)[step % 3]
        red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.75)
        color = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
        if color not in seen:
            seen.add(color)
            colors.append(color)
    return colors


def _assignment_categories(
    firms: pl.DataFrame, attribute: str
) -> tuple[npt.NDArray[np.int32], list[tuple[str, str]]]:
    """Colour by team or adviser; the legend gives each team's capacity.

    Advisers are listed team by team and coloured in that order from a
    palette at least as long as the largest team: two advisers of a team
    never share a colour, nor do advisers of two neighbouring teams while
    both teams together fit in the palette (38 colours).
    """
    key = f"{attribute}_id"
    groups = (
        firms.filter(pl.col(key).is_not_null())
        .group_by(key)
        .agg(
            pl.col(attribute).first().alias("label"),
            pl.col("team_capacity").first().alias("capacity"),
            pl.col("team_id").first().alias("team"),
        )
        .sort("team", key)
    )
    team_sizes = groups.group_by("team").len()["len"].to_list() if attribute == "adviser" else []
    largest_team = max(team_sizes, default=0)
    colors = distinct_colors(max(len(ASSIGNMENT_PALETTE), largest_team))
    legend: list[tuple[str, str]] = []
    index: dict[int, int] = {}
    for n, row in enumerate(groups.iter_rows(named=True)):
        index[row[key]] = n
        # The legend's own column counts the firms shown: the label names
        # the adviser, or the team with its capacity (what its count is
        # measured against).
        text = str(row["label"])
        if attribute == "team" and row["capacity"]:
            text += f" (capacité {integer(int(row['capacity']))})"
        legend.append((text, colors[n % len(colors)]))
    legend.append(("Non attribuées", UNASSIGNED_COLOR))
    codes = firms[key].replace_strict(index, default=len(legend) - 1, return_dtype=pl.Int32)
    return codes.fill_null(len(legend) - 1).to_numpy().astype(np.int32), legend
