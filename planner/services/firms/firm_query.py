"""The firms of a campaign, as the table, the filters and the card read them.

The names callers have always imported from here, re-exported from the
modules that hold them: ``firm_table`` (the frame), ``firm_filter`` (the
filter panel's mask), ``firm_card`` (a firm's card) and ``firm_labels``
(French labels and formats).
"""

from __future__ import annotations

from planner.services.firms.firm_card import (
    DETAIL_SECTIONS,
    CardSection,
    firm_detail_sections,
    firm_details,
)
from planner.services.firms.firm_filter import FirmFilter
from planner.services.firms.firm_labels import (
    GEO_SOURCE_LABELS,
    NOMENCLATURE_LABELS,
    POSITION_OUTSIDE_COMMUNE,
    STATE_LABELS,
    format_date,
    format_date_expr,
    format_siret,
    format_siret_expr,
    normalize_text,
    normalize_text_expr,
)
from planner.services.firms.firm_table import (
    FIRM_SCHEMA,
    firms_frame,
    load_firms,
    naf_code_exprs,
    reference_view,
)

__all__ = [
    "DETAIL_SECTIONS",
    "FIRM_SCHEMA",
    "GEO_SOURCE_LABELS",
    "NOMENCLATURE_LABELS",
    "POSITION_OUTSIDE_COMMUNE",
    "STATE_LABELS",
    "CardSection",
    "FirmFilter",
    "firm_detail_sections",
    "firm_details",
    "firms_frame",
    "format_date",
    "format_date_expr",
    "format_siret",
    "format_siret_expr",
    "load_firms",
    "naf_code_exprs",
    "normalize_text",
    "normalize_text_expr",
    "reference_view",
]
