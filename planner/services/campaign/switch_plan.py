"""What switching a campaign's nomenclature would change: the plan that
:func:`planner.services.campaign.nomenclature_switch.plan_switch` builds and
:func:`~planner.services.campaign.nomenclature_switch.apply_switch` writes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.domain.nomenclature import (
    Translation,
    dotted,
    nomenclature_name,
    undotted,
)
from planner.io.nomenclatures import load_correspondence, load_nomenclature

_SHOWN_TARGETS = 6
SNAPSHOT_KEY = "naf_switch_snapshot"
"""Setting: the rules, sectors and themes before the last switch and as it wrote them,
so that switching back with nothing edited restores the originals exactly."""


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
class TargetOption:
    """One target of a one-to-many link, as the coordinator chooses it.

    Attributes:
        code: the target sous-classe.
        label: its label.
        note: INSEE's explanation of the link (``contenu_commun``).
        main: INSEE marks it as taking the bulk of the source.
        firms_same: campaign firms with the source code and this target code
            (lost when the target is left out).
        firms_other: campaign firms with this target code and another source
            code (taken in when the target is kept).
    """

    code: str
    label: str
    note: str
    main: bool
    firms_same: int = 0
    firms_other: int = 0


@dataclass(frozen=True)
class Choice:
    """A one-to-many sous-classe named by a rule: its targets, which are kept, the default."""

    source: str
    label: str
    options: tuple[TargetOption, ...]
    kept: tuple[str, ...]
    default: tuple[str, ...]


DEFAULT_CHOICE_TEXT = (
    "Par défaut, pour chaque lien un pour plusieurs, seule est gardée la sous-classe qu'INSEE "
    "désigne comme principale (« tout le contenu… », « à l'exception de… ») ou, à défaut, "
    "celle du même code (classe, groupe, division) ; les autres, avec les entreprises "
    "qu'elles feraient gagner ou perdre, sont à cocher une à une."
)


@dataclass(frozen=True)
class PartnerRules:
    """A partner's NAF rules before and after the switch (overlaps removed).

    Attributes:
        restored: the rules are those the previous switch replaced, given back
            because nobody edited them since.
    """

    partner_id: int
    partner: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    restored: bool = False
    lost: int = 0
    gained: int = 0


@dataclass(frozen=True)
class SessionThemes:
    """A discovery session's NAF themes before and after the switch."""

    session_id: int
    title: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    restored: bool = False


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
    partners: tuple[PartnerRules, ...] = ()
    sectors_before: tuple[str, ...] = ()
    sectors_after: tuple[str, ...] = ()
    sectors_restored: bool = False
    sessions: tuple[SessionThemes, ...] = ()
    choices: tuple[Choice, ...] = ()

    @property
    def keep(self) -> dict[str, tuple[str, ...]]:
        """The targets kept per one-to-many sous-classe (what ``apply_switch`` writes)."""
        return {c.source: c.kept for c in self.choices}

    def fingerprint(self) -> tuple[Any, ...]:
        """What the plan reads and would write (not the firm counts): two plans with the
        same fingerprint write the same thing."""
        return (
            self.source,
            self.target,
            tuple((p.partner_id, p.before, p.after) for p in self.partners),
            self.sectors_before,
            self.sectors_after,
            tuple((s.session_id, s.before, s.after) for s in self.sessions),
        )

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
        restored = [p.partner for p in self.partners if p.restored]
        if restored or self.sectors_restored:
            names = ", ".join(f"« {n} »" for n in restored)
            what = names + (" et " if names and self.sectors_restored else "")
            what += "les secteurs prioritaires" if self.sectors_restored else ""
            lines.append(
                f"Règles d'origine rétablies (non modifiées depuis le passage en {old}) : {what}."
            )
        for choice in self.choices:
            lines.append(f"Lien un pour plusieurs {old} {choice.source} ({choice.label}) :")
            for option in choice.options:
                mark = "[x]" if option.code in choice.kept else "[ ]"
                lines.append(
                    f"  {mark} {option.code} {option.label}"
                    f"{' (principale)' if option.main else ''} : {option.firms_same} "
                    f"entreprise(s) de ce code, {option.firms_other} d'autres codes"
                    f"{' — ' + option.note if option.note else ''}"
                )
        if self.choices:
            lines.append(DEFAULT_CHOICE_TEXT)
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
            "choices": [
                {
                    "source": c.source,
                    "label": c.label,
                    "kept": list(c.kept),
                    "default": list(c.default),
                    "targets": [dataclasses.asdict(o) for o in c.options],
                }
                for c in self.choices
            ],
            "partners": [
                {
                    "partner": p.partner,
                    "before": list(p.before),
                    "after": list(p.after),
                    "restored": p.restored,
                    "lost": p.lost,
                    "gained": p.gained,
                }
                for p in self.partners
            ],
            "priority_sectors_after": list(self.sectors_after),
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


def _sector_translation(
    code: str, source: str, target: str, keep: Mapping[str, tuple[str, ...]] | None = None
) -> Translation:
    """A priority sector translated; sections become their divisions (prefixes match codes)."""
    table = load_correspondence()
    t = table.translate(dotted(code), source, target, keep)
    naf = load_nomenclature(target)
    targets: list[str] = []
    for value in t.targets:
        targets.extend(naf.children(value) if len(value) == 1 else [value])
    return dataclasses.replace(t, targets=tuple(targets))
