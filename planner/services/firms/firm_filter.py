"""The filter panel's choices as a boolean mask over the firm frame (``FirmFilter``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import polars as pl

from planner.domain.nomenclature import (
    ABSENT,
)
from planner.services.firms.firm_labels import (
    normalize_text,
    normalize_text_expr,
)


def _in(column: str, values: frozenset[str]) -> pl.Expr:
    return pl.col(column).is_in(pl.Series(sorted(values), dtype=pl.String).implode())


NONE = "-"
"""The code of « no team » (or « no adviser ») in :attr:`FirmFilter.teams` and ``advisers``."""

LOCKED = "oui"
UNLOCKED = "non"
"""The codes of :attr:`FirmFilter.locked`; a firm without a team is not locked."""


def _ids_expr(column: str, codes: frozenset[str]) -> pl.Expr:
    """Firms whose ``column`` (a team or adviser id) is one of ``codes``; :data:`NONE`
    keeps those without one."""
    ids = sorted(int(c) for c in codes if c != NONE)
    expr = pl.col(column).is_in(pl.Series(ids, dtype=pl.Int64).implode()).fill_null(False)
    if NONE in codes:
        expr = expr | pl.col(column).is_null()
    return expr


def _locked_expr(codes: frozenset[str]) -> pl.Expr:
    locked = pl.col("locked").fill_null(False)
    if codes >= {LOCKED, UNLOCKED}:
        return pl.repeat(True, pl.len())
    if LOCKED in codes:
        return locked
    if UNLOCKED in codes:
        return ~locked
    return pl.repeat(False, pl.len())


def _sections_expr(sections: frozenset[str]) -> pl.Expr:
    """Firms in ``sections``; :data:`ABSENT` keeps those without a code in the reference."""
    expr = _in("section", sections - {ABSENT})
    if ABSENT in sections:
        expr = expr.fill_null(False) | pl.col("section").is_null()
    return expr


@dataclass(frozen=True)
class FirmFilter:
    """What the coordinator asked to see; ``None`` (or empty text) means "any".

    An empty set matches nothing. Every criterion must hold.

    Attributes:
        sections: section letters of the reference nomenclature (``{"I"}``),
            with :data:`ABSENT` for the firms without a code in it.
        divisions: NAF divisions, two digits (``{"56"}``).
        bands: headcount band codes, ``NN`` for an unknown band.
        communes: current commune codes.
        states: administrative states, ``A`` (active) or ``F`` (closed).
        created_from: first creation date kept (inclusive).
        created_to: last creation date kept (inclusive).
        teams: team ids as text, :data:`NONE` for the firms without a team.
        advisers: adviser ids as text, :data:`NONE` for the firms without one.
        stages: prospecting stages (``prospect_status.STAGE_ORDER``).
        locked: :data:`LOCKED` and/or :data:`UNLOCKED`.
        text: words that must all appear in the name (case and accents
            ignored), or digits of the SIRET (spaces ignored).
    """

    sections: frozenset[str] | None = None
    divisions: frozenset[str] | None = None
    bands: frozenset[str] | None = None
    communes: frozenset[str] | None = None
    states: frozenset[str] | None = None
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    teams: frozenset[str] | None = None
    advisers: frozenset[str] | None = None
    stages: frozenset[str] | None = None
    locked: frozenset[str] | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps every firm."""
        return replace(self, text=self.text.strip()) == FirmFilter()

    def expression(self, columns: list[str] | None = None) -> pl.Expr:
        """The filter as one polars boolean expression (null counts as false)."""
        parts: list[pl.Expr] = []
        if self.sections is not None:
            parts.append(_sections_expr(self.sections))
        for values, column in (
            (self.divisions, "division"),
            (self.bands, "band"),
            (self.communes, "commune_code"),
            (self.states, "etat"),
        ):
            if values is not None:
                parts.append(_in(column, values))
        if self.teams is not None:
            parts.append(_ids_expr("team_id", self.teams))
        if self.advisers is not None:
            parts.append(_ids_expr("adviser_id", self.advisers))
        if self.stages is not None:
            parts.append(_in("stage", self.stages))
        if self.locked is not None:
            parts.append(_locked_expr(self.locked))
        if self.created_from is not None:
            parts.append(pl.col("date_creation") >= self.created_from)
        if self.created_to is not None:
            parts.append(pl.col("date_creation") <= self.created_to)
        text = self._text_expr(columns)
        if text is not None:
            parts.append(text)
        if not parts:
            return pl.repeat(True, pl.len())
        return pl.all_horizontal(parts).fill_null(False)

    def _text_expr(self, columns: list[str] | None) -> pl.Expr | None:
        words = normalize_text(self.text).split()
        if not words:
            return None
        if columns is None or "name_key" in columns:
            key = pl.col("name_key")
        else:
            key = normalize_text_expr(pl.col("name"))
        in_name = pl.all_horizontal([key.str.contains(w, literal=True) for w in words])
        digits = "".join(words)
        if digits.isdigit():
            return in_name | pl.col("siret").str.contains(digits, literal=True)
        return in_name

    def apply(self, firms: pl.DataFrame) -> pl.Series:
        """A boolean mask over ``firms`` (a :func:`load_firms` frame), True = kept."""
        return (
            firms.select(self.expression(firms.columns).alias("mask")).to_series().fill_null(False)
        )
