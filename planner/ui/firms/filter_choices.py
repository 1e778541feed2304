"""The entries of the firm filter lists (sections, divisions, bands, communes,
teams, advisers, stages, locks), counted from the firm frame."""

from __future__ import annotations

from typing import Any

import polars as pl

from planner.domain.headcount_bands import BAND_ORDER, band_label
from planner.domain.nomenclature import ABSENT, REV2, absent_label
from planner.io.nomenclatures import load_nomenclature
from planner.services.firms.firm_filter import LOCKED, NONE, UNLOCKED
from planner.services.firms.firm_query import normalize_text
from planner.services.firms.prospect_status import STAGE_ORDER
from planner.ui.firms.check_list import Entry


def _counts(firms: pl.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """``(values..., count)`` of each non-null combination of ``columns``."""
    if not firms.height:
        return []
    grouped = firms.drop_nulls(columns[0]).group_by(list(columns)).len().sort(columns[0])
    return [tuple(row) for row in grouped.iter_rows()]


def section_entries(firms: pl.DataFrame, nomenclature: str = REV2) -> list[Entry]:
    """Sections of the campaign's nomenclature, with « code absent » last if any."""
    sections = load_nomenclature(nomenclature).sections
    entries = [
        (code, f"{code} – {sections.get(code, '')}", n) for code, n in _counts(firms, "section")
    ]
    absent = int(firms["section"].is_null().sum()) if firms.height else 0
    if absent:
        entries.append((ABSENT, absent_label(nomenclature), absent))
    return entries


def division_entries(firms: pl.DataFrame, nomenclature: str = REV2) -> list[Entry]:
    """Divisions of the campaign's nomenclature."""
    labels = load_nomenclature(nomenclature).labels
    return [(code, f"{code} – {labels.get(code, '')}", n) for code, n in _counts(firms, "division")]


def band_entries(firms: pl.DataFrame) -> list[Entry]:
    """Headcount bands, in the bands' own order."""
    rank = {code: i for i, code in enumerate(BAND_ORDER)}
    rows = sorted(_counts(firms, "band"), key=lambda r: (rank.get(r[0], 99), r[0]))
    return [(code, band_label(code), n) for code, n in rows]


def commune_entries(firms: pl.DataFrame) -> list[Entry]:
    """Communes, by name."""
    rows = _counts(firms, "commune_code", "commune_name")
    rows.sort(key=lambda r: (normalize_text(r[1] or ""), r[0]))
    return [(code, name or code, n) for code, name, n in rows]


def team_entries(firms: pl.DataFrame) -> list[Entry]:
    """Teams, by name, with « Sans équipe » last if any."""
    if "team_id" not in firms.columns or not firms.height:
        return []
    rows = _counts(firms, "team_id", "team")
    rows.sort(key=lambda r: (normalize_text(r[1] or ""), r[0]))
    entries = [(str(team_id), name or f"Équipe n° {team_id}", n) for team_id, name, n in rows]
    none = int(firms["team_id"].is_null().sum())
    if none:
        entries.append((NONE, "Sans équipe", none))
    return entries


def adviser_entries(firms: pl.DataFrame) -> list[tuple[str, str, int, str]]:
    """``(code, label, count, team code)``: each adviser with the team's name."""
    if "adviser_id" not in firms.columns or not firms.height:
        return []
    rows = _counts(firms, "adviser_id", "adviser", "team_id", "team")
    rows.sort(key=lambda r: (normalize_text(r[1] or ""), r[0]))
    entries = [
        (str(a), f"{name or f'Conseiller n° {a}'} — {team or ''}", n, str(team_id))
        for a, name, team_id, team, n in rows
    ]
    none = int(firms["adviser_id"].is_null().sum())
    if none:
        entries.append((NONE, "Sans conseiller", none, NONE))
    return entries


def stage_entries(firms: pl.DataFrame) -> list[Entry]:
    """Prospecting stages, in the stages' own order (unknown ones after)."""
    if "stage" not in firms.columns or not firms.height:
        return []
    counts = dict(firms["stage"].drop_nulls().value_counts().iter_rows())
    order = [*STAGE_ORDER, *sorted(set(counts) - set(STAGE_ORDER))]
    return [(stage, stage, int(counts[stage])) for stage in order if stage in counts]


def lock_entries(firms: pl.DataFrame) -> list[Entry]:
    """Locked and unlocked firms."""
    if "locked" not in firms.columns or not firms.height:
        return []
    locked = int(firms["locked"].fill_null(False).sum())
    return [
        (LOCKED, "Verrouillées", locked),
        (UNLOCKED, "Non verrouillées", firms.height - locked),
    ]
