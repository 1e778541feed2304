"""Remit rules: which firms a partner may be given, evaluated on the firm frame.

A partner's rules of one kind are alternatives (any NAF code listed), rules of
different kinds all apply (NAF *and* band). A partner with no rule may take
every firm. An *exclusive* partner is the only one that may take the firms of
its remit: other partners lose them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from planner.domain.nomenclature import dotted

RULE_KINDS = ("naf", "band", "commune", "craft", "created_since")
RULE_LABELS = {
    "naf": "section ou division NAF",
    "band": "tranche d'effectif",
    "commune": "commune",
    "craft": "répertoire des métiers",
    "created_since": "créée depuis",
}


@dataclass(frozen=True)
class Rule:
    """One remit rule: ``kind`` (see :data:`RULE_KINDS`) and its value."""

    kind: str
    value: str

    def label(self) -> str:
        """The rule in French, as a coordinator reads it."""
        if self.kind == "craft":
            return RULE_LABELS["craft"]
        return f"{RULE_LABELS.get(self.kind, self.kind)} {self.value}"


@dataclass(frozen=True)
class Remit:
    """A partner's remit: its rules and whether it is exclusive for them."""

    partner: str
    rules: tuple[Rule, ...] = ()
    exclusive: bool = False

    def label(self) -> str:
        """The remit in French (for messages)."""
        if not self.rules:
            return "toutes les entreprises"
        return " et ".join(
            " ou ".join(r.label() for r in self.rules if r.kind == kind)
            for kind in RULE_KINDS
            if any(r.kind == kind for r in self.rules)
        )


def validate_rule(rule: Rule) -> str | None:
    """Why ``rule`` is invalid (in French), or None."""
    if rule.kind not in RULE_KINDS:
        return f"type de règle inconnu « {rule.kind} » (attendu : {', '.join(RULE_KINDS)})"
    if rule.kind == "created_since":
        try:
            _parse_date(rule.value)
        except ValueError:
            return f"date invalide « {rule.value} » (attendu jj/mm/aaaa)"
    elif rule.kind != "craft" and not rule.value.strip():
        return "valeur manquante"
    return None


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _kind_expr(kind: str, values: list[str]) -> pl.Expr:
    if kind == "naf":
        # Only codes of the campaign's reference nomenclature (those with a
        # section): an older code such as NAF rév. 1's 17.1P is not division 17.
        naf_code = pl.when(pl.col("section").is_not_null()).then(pl.col("naf_code"))
        parts = []
        for value in values:
            # As INSEE writes codes (``471`` is group ``47.1``): firm codes are dotted.
            code = dotted(value)
            if len(code) == 1:
                parts.append(pl.col("section") == code)
            else:
                parts.append(naf_code.fill_null("").str.starts_with(code))
        expr = parts[0]
        for part in parts[1:]:
            expr = expr | part
        return expr.fill_null(False)
    if kind == "band":
        return pl.col("band").is_in(
            pl.Series([v.strip() for v in values], dtype=pl.String).implode()
        )
    if kind == "commune":
        codes = pl.Series([v.strip() for v in values], dtype=pl.String)
        return pl.col("commune_code").is_in(codes.implode())
    if kind == "craft":
        return pl.col("craft").fill_null(False)
    if kind == "created_since":
        since = min(_parse_date(v) for v in values)
        return (pl.col("date_creation") >= since).fill_null(False)
    raise ValueError(kind)


def remit_mask(firms: pl.DataFrame, rules: Sequence[Rule]) -> np.ndarray:
    """Boolean array: which firms match the rules (all when there is none)."""
    if not rules:
        return np.ones(firms.height, dtype=bool)
    expr = pl.lit(True)
    for kind in RULE_KINDS:
        values = [r.value for r in rules if r.kind == kind]
        if values:
            expr = expr & _kind_expr(kind, values)
    return firms.select(expr.alias("m"))["m"].to_numpy().astype(bool)


@dataclass
class Eligibility:
    """Which partner may take which firm.

    Attributes:
        allowed: (firms × partners) booleans, exclusivity applied.
        exclusive_of: per firm, the index of the exclusive partner claiming
            it, -1 when none.
    """

    allowed: np.ndarray
    exclusive_of: np.ndarray


def eligibility(firms: pl.DataFrame, remits: Sequence[Remit]) -> Eligibility:
    """Apply every partner's remit and exclusivity to the firm frame."""
    n = firms.height
    matches = np.zeros((n, len(remits)), dtype=bool)
    for j, remit in enumerate(remits):
        matches[:, j] = remit_mask(firms, remit.rules)
    exclusive = np.array([r.exclusive and bool(r.rules) for r in remits], dtype=bool)
    exclusive_of = np.full(n, -1, dtype=np.int64)
    if exclusive.any():
        claimed = matches[:, exclusive]
        any_claim: np.ndarray = np.asarray(claimed.any(axis=1))
        first = np.flatnonzero(exclusive)[np.argmax(claimed, axis=1)]
        exclusive_of = np.where(any_claim, first, -1)
        allowed = np.where(any_claim[:, None], matches & exclusive[None, :], matches)
    else:
        allowed = matches
    return Eligibility(allowed=allowed, exclusive_of=exclusive_of)
