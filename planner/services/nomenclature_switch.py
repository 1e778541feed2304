"""Change a campaign's reference nomenclature, translating the rules written in the old one.

:func:`plan_switch` reads the campaign and says what would change, without
writing anything: each NAF remit rule and each priority sector written in the
other nomenclature, translated through INSEE's correspondence, whether the
translation is one-to-one, the one-to-many links to confirm, and how many of
the campaign's firms each remit rule would lose or gain. :func:`apply_switch`
writes the plan (the coordinator has confirmed it) in one transaction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.nomenclature import (
    Link,
    Translation,
    check_nomenclature,
    dotted,
    nomenclature_name,
    undotted,
)
from planner.domain.priority import PriorityWeights
from planner.domain.remit import Rule, remit_mask
from planner.io.nomenclatures import load_correspondence, load_nomenclature
from planner.services.firm_query import load_firms, reference_view
from planner.services.naf_reference import reference_in_session, write_reference
from planner.services.priorities import SETTING_KEY as WEIGHTS_KEY

_SHOWN_TARGETS = 6


@dataclass(frozen=True)
class RuleChange:
    """One NAF remit rule of a partner, translated.

    Attributes:
        rule_id: the ``remit_rule`` row.
        partner: the partner's name.
        translation: the rule's value written in the new nomenclature.
        lost: firms the rule matches now and would no longer match.
        gained: firms the rule would match and does not match now.
    """

    rule_id: int
    partner: str
    translation: Translation
    lost: int = 0
    gained: int = 0

    @property
    def kept(self) -> bool:
        """True when nothing maps: the rule is left as it is, to be reviewed by hand."""
        return not self.translation.targets


@dataclass(frozen=True)
class SectorChange:
    """One priority sector (a NAF code prefix), translated."""

    translation: Translation

    @property
    def codes(self) -> tuple[str, ...]:
        """The new prefixes as priority sectors store them (no dots, no section letters)."""
        return tuple(undotted(code) for code in self.translation.targets)


@dataclass(frozen=True)
class ThemeChange:
    """One NAF theme of a discovery session, translated."""

    session_id: int
    title: str
    translation: Translation


@dataclass(frozen=True)
class SwitchPlan:
    """What changing the reference from ``source`` to ``target`` would do."""

    source: str
    target: str
    rules: tuple[RuleChange, ...] = ()
    sectors: tuple[SectorChange, ...] = ()
    themes: tuple[ThemeChange, ...] = ()
    firms_without_code: int = 0
    firms: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def changes_reference(self) -> bool:
        return self.source != self.target

    @property
    def translates_nothing(self) -> bool:
        """No remit rule, priority sector or session theme names a NAF code."""
        return not self.rules and not self.sectors and not self.themes

    @property
    def needs_confirmation(self) -> bool:
        """A translation is not one-to-one, or a rule would lose or gain firms."""
        return bool(self.to_confirm) or any(r.lost or r.gained for r in self.rules)

    @property
    def to_confirm(self) -> list[Translation]:
        """Translations that are not one-to-one (they need the coordinator's yes)."""
        found = [r.translation for r in self.rules if not r.translation.exact]
        found += [t.translation for t in self.themes if not t.translation.exact]
        return found + [s.translation for s in self.sectors if not s.translation.exact]

    def lines(self) -> list[str]:
        """The plan in French, as ``planner campaign set`` prints it."""
        old, new = nomenclature_name(self.source), nomenclature_name(self.target)
        if not self.changes_reference:
            return [f"La nomenclature de référence est déjà la {new}."]
        lines = [f"Nomenclature de référence : {old} → {new}."]
        lines.append(
            f"Entreprises sans code {new} : {self.firms_without_code} sur {self.firms} "
            f"(affichées sous « Code {new} absent »)."
        )
        if not self.rules and not self.sectors and not self.themes:
            lines.append("Aucune règle NAF, secteur prioritaire ni thème de séance à traduire.")
        for change in self.rules:
            lines.append(
                f"Règle NAF de « {change.partner} » : {_arrow(change.translation, old, new)}"
                + (
                    ""
                    if change.kept
                    else f" ; entreprises perdues {change.lost}, gagnées {change.gained}"
                )
                + "."
            )
            lines.extend(_details(change.translation, old, new))
        for sector in self.sectors:
            lines.append(f"Secteur prioritaire : {_arrow(sector.translation, old, new)}.")
            lines.extend(_details(sector.translation, old, new))
        for theme in self.themes:
            lines.append(
                f"Thème de la séance « {theme.title} » : {_arrow(theme.translation, old, new)}."
            )
            lines.extend(_details(theme.translation, old, new))
        lines.extend(self.notes)
        return lines

    def to_dict(self) -> dict[str, Any]:
        def translation(t: Translation) -> dict[str, Any]:
            return {
                "source": t.source,
                "targets": list(t.targets),
                "exact": t.exact,
                "unknown": t.unknown,
                "one_to_many": {link.source: list(link.targets) for link in t.one_to_many},
                "incoming": {link.source: list(link.targets) for link in t.incoming},
            }

        return {
            "from": self.source,
            "to": self.target,
            "firms": self.firms,
            "firms_without_code": self.firms_without_code,
            "rules": [
                {
                    "partner": r.partner,
                    "rule_id": r.rule_id,
                    **translation(r.translation),
                    "lost": r.lost,
                    "gained": r.gained,
                    "kept": r.kept,
                }
                for r in self.rules
            ],
            "priority_sectors": [
                {**translation(s.translation), "codes": list(s.codes)} for s in self.sectors
            ],
            "session_themes": [
                {"session_id": t.session_id, "title": t.title, **translation(t.translation)}
                for t in self.themes
            ],
            "to_confirm": len(self.to_confirm),
        }


def _arrow(t: Translation, old: str, new: str) -> str:
    if not t.targets:
        return f"{old} {t.source} → aucun code {new} : règle laissée telle quelle, à revoir"
    kind = "correspondance un pour un" if t.exact else "à confirmer"
    return f"{old} {t.source} → {new} {', '.join(t.targets)} ({kind})"


def _details(t: Translation, old: str, new: str) -> list[str]:
    lines = []
    for link in t.one_to_many:
        shown = ", ".join(link.targets[:_SHOWN_TARGETS])
        more = len(link.targets) - _SHOWN_TARGETS
        lines.append(
            f"  un pour plusieurs : {old} {link.source} → {len(link.targets)} sous-classes "
            f"{new} ({shown}{f' et {more} autres' if more > 0 else ''})"
        )
    if t.incoming:
        sources = [link.source for link in t.incoming]
        more = len(sources) - _SHOWN_TARGETS
        lines.append(
            f"  les sous-classes {new} visées reçoivent aussi {len(sources)} sous-classe(s) "
            f"{old} hors règle ({', '.join(sources[:_SHOWN_TARGETS])}"
            f"{f' et {more} autres' if more > 0 else ''})"
        )
    return lines


def _sector_translation(code: str, source: str, target: str) -> Translation:
    """A priority sector translated; sections become their divisions (prefixes match codes)."""
    table = load_correspondence()
    t = table.translate(dotted(code), source, target)
    naf = load_nomenclature(target)
    targets: list[str] = []
    for value in t.targets:
        targets.extend(naf.children(value) if len(value) == 1 else [value])
    return dataclasses.replace(t, targets=tuple(targets))


def plan_switch(store: CampaignStore, target: str, firms: pl.DataFrame | None = None) -> SwitchPlan:
    """What setting the reference to ``target`` would change (nothing is written).

    Args:
        firms: a :func:`load_firms` frame, to spare loading it again.

    Raises:
        PlannerError: unknown nomenclature (French message).
    """
    try:
        check_nomenclature(target)
    except ValueError as exc:
        raise PlannerError(str(exc)) from None
    with store.session() as session:
        source = reference_in_session(session)
        rules = session.execute(
            select(models.RemitRule.id, models.Partner.name, models.RemitRule.value)
            .join(models.Partner, models.Partner.id == models.RemitRule.partner_id)
            .where(models.RemitRule.kind == "naf")
            .order_by(models.Partner.name, models.RemitRule.id)
        ).all()
        setting = session.get(models.Setting, WEIGHTS_KEY)
        weights = PriorityWeights.from_json(setting.value) if setting else PriorityWeights()
        theme_rows = session.execute(
            select(
                models.SessionTheme.session_id,
                models.DiscoverySession.title,
                models.SessionTheme.code,
            )
            .join(
                models.DiscoverySession,
                models.DiscoverySession.id == models.SessionTheme.session_id,
            )
            .where(models.SessionTheme.kind == "naf")
            .order_by(models.SessionTheme.session_id, models.SessionTheme.code)
        ).all()
    if source == target:
        return SwitchPlan(source, target)
    if firms is None:
        firms = load_firms(store, source)
    before = reference_view(firms, source)
    after = reference_view(firms, target)
    table = load_correspondence()
    changes = []
    for rule_id, partner, value in rules:
        translation = table.translate(value, source, target)
        lost = gained = 0
        if translation.targets:
            old = remit_mask(before, [Rule("naf", value)])
            new = remit_mask(after, [Rule("naf", v) for v in translation.targets])
            lost, gained = int((old & ~new).sum()), int((new & ~old).sum())
        changes.append(RuleChange(rule_id, partner, translation, lost, gained))
    sectors = tuple(SectorChange(_sector_translation(c, source, target)) for c in weights.sectors)
    themes = tuple(
        ThemeChange(sid, title, table.translate(code, source, target))
        for sid, title, code in theme_rows
    )
    without = int(after["naf_code"].is_null().sum())
    return SwitchPlan(source, target, tuple(changes), sectors, themes, without, firms.height)


def apply_switch(store: CampaignStore, plan: SwitchPlan) -> None:
    """Write a confirmed plan: translated rules and sectors, and the new reference.

    Raises:
        PlannerError: the campaign changed since the plan was made.
    """
    with store.session() as session:
        if reference_in_session(session) != plan.source:
            raise PlannerError(
                "La nomenclature de référence a changé depuis l'aperçu : recommencez."
            )
        for change in plan.rules:
            if change.kept:
                continue
            rule = session.get(models.RemitRule, change.rule_id)
            if (
                rule is None
                or rule.kind != "naf"
                or dotted(rule.value) != change.translation.source
            ):
                raise PlannerError(
                    f"Les règles de « {change.partner} » ont changé depuis l'aperçu : recommencez."
                )
            partner_id = rule.partner_id
            session.delete(rule)
            for value in change.translation.targets:
                session.add(models.RemitRule(partner_id=partner_id, kind="naf", value=value))
        if plan.sectors:
            setting = session.get(models.Setting, WEIGHTS_KEY)
            weights = PriorityWeights.from_json(setting.value) if setting else PriorityWeights()
            codes: dict[str, None] = {}
            for sector in plan.sectors:
                kept = sector.codes or (undotted(sector.translation.source),)
                codes.update(dict.fromkeys(kept))
            weights = dataclasses.replace(weights, sectors=tuple(codes))
            if setting is None:
                session.add(models.Setting(key=WEIGHTS_KEY, value=weights.to_json()))
            else:
                setting.value = weights.to_json()
        for theme in plan.themes:
            if not theme.translation.targets:
                continue
            old = [
                row
                for row in session.scalars(
                    select(models.SessionTheme).where(
                        models.SessionTheme.session_id == theme.session_id,
                        models.SessionTheme.kind == "naf",
                    )
                )
                if dotted(row.code) == theme.translation.source
            ]
            for row in old:
                session.delete(row)
            session.flush()
            present = set(
                session.scalars(
                    select(models.SessionTheme.code).where(
                        models.SessionTheme.session_id == theme.session_id,
                        models.SessionTheme.kind == "naf",
                    )
                )
            )
            for code in theme.translation.targets:
                if code not in present:
                    present.add(code)
                    session.add(
                        models.SessionTheme(session_id=theme.session_id, kind="naf", code=code)
                    )
        write_reference(session, plan.target)


__all__ = [
    "Link",
    "RuleChange",
    "SectorChange",
    "SwitchPlan",
    "ThemeChange",
    "apply_switch",
    "plan_switch",
]
