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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import PlannerError
from planner.domain.json_types import JsonObject
from planner.domain.nomenclature import (
    REV2,
    Link,
    Translation,
    check_nomenclature,
    dotted,
    nomenclature_name,
    prune_overlaps,
    undotted,
)
from planner.domain.priority import PriorityWeights
from planner.domain.remit import Rule, remit_mask
from planner.io.nomenclatures import load_correspondence, load_nomenclature
from planner.services.campaign.naf_reference import (
    lock_reference,
    reference_in_session,
    write_reference,
)
from planner.services.firms.firm_query import load_firms, reference_view
from planner.services.followup.priorities import SETTING_KEY as WEIGHTS_KEY

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

    def to_dict(self) -> JsonObject:
        def translation(t: Translation) -> JsonObject:
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


@dataclass(frozen=True)
class _State:
    """What a switch reads: the reference and every rule naming a NAF code."""

    source: str
    rules: tuple[tuple[int, int, str, str], ...]  # rule id, partner id, partner, value
    sectors: tuple[str, ...]
    themes: tuple[tuple[int, str, str], ...]  # session id, title, code
    snapshot: JsonObject | None


def _read_state(session: Session) -> _State:
    rules = session.execute(
        select(
            models.RemitRule.id,
            models.Partner.id,
            models.Partner.name,
            models.RemitRule.value,
        )
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
    snapshot = session.get(models.Setting, SNAPSHOT_KEY)
    return _State(
        reference_in_session(session),
        tuple((r[0], r[1], r[2], r[3]) for r in rules),
        tuple(weights.sectors),
        tuple((t[0], t[1], t[2]) for t in theme_rows),
        dict(snapshot.value) if snapshot is not None and snapshot.value else None,
    )


def _same(left: Iterable[str], right: Iterable[str]) -> bool:
    return sorted(left) == sorted(right)


def _originals(state: _State, target: str) -> JsonObject | None:
    """The snapshot of the switch this one goes back on (``target`` → current reference)."""
    snap = state.snapshot
    if not snap or snap.get("from") != target or snap.get("to") != state.source:
        return None
    return snap


def _build(
    state: _State,
    target: str,
    keep: Mapping[str, tuple[str, ...]] | None,
    firms: pl.DataFrame | None,
) -> SwitchPlan:
    source = state.source
    if source == target:
        return SwitchPlan(source, target)
    table = load_correspondence()
    naf = load_nomenclature(target)
    originals = _originals(state, target)
    choices = _choices(state, target, originals, keep, firms)
    keep = {c.source: c.kept for c in choices}
    before_rules: dict[str, list[str]] = (originals or {}).get("before", {}).get("rules", {})
    written_rules: dict[str, list[str]] = (originals or {}).get("written", {}).get("rules", {})
    partner_rules: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for rule_id, partner_id, partner, value in state.rules:
        partner_rules.setdefault(partner_id, (partner, []))[1].append((rule_id, value))
    views = (
        (reference_view(firms, source), reference_view(firms, target))
        if firms is not None
        else None
    )
    changes: list[RuleChange] = []
    partners: list[PartnerRules] = []
    for partner_id, (partner, rows) in partner_rules.items():
        values = tuple(value for _, value in rows)
        key = str(partner_id)
        restored = key in before_rules and _same(values, written_rules.get(key, ()))
        if restored:
            after = tuple(before_rules[key])
        else:
            translated: list[str] = []
            for rule_id, value in rows:
                translation = table.translate(value, source, target, keep)
                lost = gained = 0
                if views is not None and translation.targets:
                    old = remit_mask(views[0], [Rule("naf", value)])
                    new = remit_mask(views[1], [Rule("naf", v) for v in translation.targets])
                    lost, gained = int((old & ~new).sum()), int((new & ~old).sum())
                changes.append(RuleChange(rule_id, partner, translation, lost, gained))
                translated.extend(translation.targets or (value,))
            after = prune_overlaps(translated, naf)
        lost = gained = 0
        if views is not None:
            old = remit_mask(views[0], [Rule("naf", v) for v in values])
            new = remit_mask(views[1], [Rule("naf", v) for v in after])
            lost, gained = int((old & ~new).sum()), int((new & ~old).sum())
        partners.append(PartnerRules(partner_id, partner, values, after, restored, lost, gained))

    sectors_restored = bool(originals) and _same(
        state.sectors,
        originals["written"].get("sectors", ()),  # type: ignore[index]
    )
    sectors: tuple[SectorChange, ...] = ()
    if sectors_restored:
        sectors_after = tuple(originals["before"]["sectors"])  # type: ignore[index]
    else:
        sectors = tuple(
            SectorChange(_sector_translation(c, source, target, keep)) for c in state.sectors
        )
        codes: list[str] = []
        for sector in sectors:
            codes.extend(sector.codes or (undotted(sector.translation.source),))
        sectors_after = tuple(undotted(c) for c in prune_overlaps(codes, naf))

    before_themes = (originals or {}).get("before", {}).get("themes", {})
    written_themes = (originals or {}).get("written", {}).get("themes", {})
    by_session: dict[int, tuple[str, list[str]]] = {}
    for sid, title, code in state.themes:
        by_session.setdefault(sid, (title, []))[1].append(code)
    themes: list[ThemeChange] = []
    sessions: list[SessionThemes] = []
    for sid, (title, codes_now) in by_session.items():
        key = str(sid)
        restored = key in before_themes and _same(codes_now, written_themes.get(key, ()))
        if restored:
            after = tuple(before_themes[key])
        else:
            translated = []
            for code in codes_now:
                translation = table.translate(code, source, target, keep)
                themes.append(ThemeChange(sid, title, translation))
                translated.extend(translation.targets or (code,))
            after = prune_overlaps(translated, naf)
        sessions.append(SessionThemes(sid, title, tuple(codes_now), after, restored))
    without = total = 0
    if views is not None and firms is not None:
        without, total = int(views[1]["naf_code"].is_null().sum()), firms.height
    return SwitchPlan(
        source,
        target,
        tuple(changes),
        sectors,
        tuple(themes),
        without,
        total,
        partners=tuple(partners),
        sectors_before=state.sectors,
        sectors_after=sectors_after,
        sectors_restored=sectors_restored,
        sessions=tuple(sessions),
        choices=choices,
    )


def _codes_to_translate(state: _State, target: str, originals: JsonObject | None) -> list[str]:
    """The codes a switch translates (those of rules it restores left out)."""
    written = (originals or {}).get("written", {})
    before = (originals or {}).get("before", {})
    by_partner: dict[int, list[str]] = {}
    for _, partner_id, _, value in state.rules:
        by_partner.setdefault(partner_id, []).append(value)
    codes = [
        value
        for pid, values in by_partner.items()
        if not (
            str(pid) in before.get("rules", {})
            and _same(values, written.get("rules", {}).get(str(pid), ()))
        )
        for value in values
    ]
    if not (originals and _same(state.sectors, written.get("sectors", ()))):
        codes.extend(dotted(c) for c in state.sectors)
    by_session: dict[int, list[str]] = {}
    for sid, _, code in state.themes:
        by_session.setdefault(sid, []).append(code)
    codes.extend(
        code
        for sid, values in by_session.items()
        if not (
            str(sid) in before.get("themes", {})
            and _same(values, written.get("themes", {}).get(str(sid), ()))
        )
        for code in values
    )
    return codes


def _choices(
    state: _State,
    target: str,
    originals: JsonObject | None,
    keep: Mapping[str, tuple[str, ...]] | None,
    firms: pl.DataFrame | None,
) -> tuple[Choice, ...]:
    """The one-to-many links the switch goes through, with the targets kept.

    Raises:
        PlannerError: ``keep`` names a code or target that is not one of them.
    """
    source = state.source
    table = load_correspondence()
    old, new = load_nomenclature(source), load_nomenclature(target)
    links: dict[str, tuple[str, ...]] = {}
    for code in _codes_to_translate(state, target, originals):
        for link in table.translate(code, source, target).one_to_many:
            links.setdefault(link.source, link.targets)
    pairs: dict[tuple[str, str], int] = {}
    if firms is not None and links:
        columns = ("naf_rev2", "naf_2025") if source == REV2 else ("naf_2025", "naf_rev2")
        counted = (
            firms.select(pl.col(columns[0]).alias("s"), pl.col(columns[1]).alias("t"))
            .drop_nulls()
            .group_by("s", "t")
            .len()
        )
        pairs = {(s_, t_): n for s_, t_, n in counted.iter_rows()}
    by_target: dict[str, int] = {}
    for (_, t_), n in pairs.items():
        by_target[t_] = by_target.get(t_, 0) + n
    wanted = {dotted(k): tuple(dotted(v) for v in vs) for k, vs in (keep or {}).items()}
    for code, kept in wanted.items():
        if code not in links:
            raise PlannerError(
                f"« {code} » n'est pas un lien un pour plusieurs de ce changement de "
                f"nomenclature (liens : {', '.join(links) or 'aucun'})."
            )
        wrong = [t for t in kept if t not in links[code]]
        if wrong or not kept:
            raise PlannerError(
                f"{', '.join(wrong) or 'aucune sous-classe'} : choix impossible pour "
                f"{code} (sous-classes possibles : {', '.join(links[code])})."
            )
    choices = []
    for code, targets in links.items():
        main = table.main_targets(code, source)
        counts = {t: pairs.get((code, t), 0) for t in targets}
        default = tuple(main)
        options = tuple(
            TargetOption(
                t,
                new.label(t),
                table.note(code, t, source),
                t in main,
                counts[t],
                by_target.get(t, 0) - counts[t],
            )
            for t in targets
        )
        choices.append(Choice(code, old.label(code), options, wanted.get(code, default), default))
    return tuple(choices)


def plan_switch(
    store: CampaignStore,
    target: str,
    firms: pl.DataFrame | None = None,
    keep: Mapping[str, tuple[str, ...]] | None = None,
) -> SwitchPlan:
    """What setting the reference to ``target`` would change (nothing is written).

    Args:
        firms: a :func:`load_firms` frame, to spare loading it again.
        keep: targets kept per one-to-many sous-classe (all when absent).

    Raises:
        PlannerError: unknown nomenclature (French message).
    """
    try:
        check_nomenclature(target)
    except ValueError as exc:
        raise PlannerError(str(exc)) from None
    with store.session() as session:
        state = _read_state(session)
    if state.source != target and firms is None:
        firms = load_firms(store, state.source)
    return _build(state, target, keep, firms)


def _snapshot(plan: SwitchPlan) -> JsonObject:
    return {
        "from": plan.source,
        "to": plan.target,
        "before": {
            "rules": {str(p.partner_id): list(p.before) for p in plan.partners},
            "sectors": list(plan.sectors_before),
            "themes": {str(s.session_id): list(s.before) for s in plan.sessions},
        },
        "written": {
            "rules": {str(p.partner_id): list(p.after) for p in plan.partners},
            "sectors": list(plan.sectors_after),
            "themes": {str(s.session_id): list(s.after) for s in plan.sessions},
        },
    }


def apply_switch(
    store: CampaignStore, plan: SwitchPlan, keep: Mapping[str, tuple[str, ...]] | None = None
) -> None:
    """Write a confirmed plan: translated rules, sectors and themes, and the new reference.

    The plan is made again inside the transaction, the reference row locked, so
    that a rule written since the preview is neither lost nor left untranslated.

    Raises:
        PlannerError: the campaign changed since the plan was made.
    """
    with store.session() as session:
        lock_reference(session, write=True)
        state = _read_state(session)
        if state.source != plan.source:
            raise PlannerError(
                "La nomenclature de référence a changé depuis l'aperçu : revoyez-le et recommencez."
            )
        changed = PlannerError(
            "Les règles NAF, secteurs prioritaires ou thèmes de séance ont changé depuis "
            "l'aperçu : revoyez-le et recommencez."
        )
        try:
            fresh = _build(state, plan.target, plan.keep if keep is None else keep, None)
        except PlannerError:
            raise changed from None
        if fresh.fingerprint() != plan.fingerprint():
            raise changed
        for partner in fresh.partners:
            session.execute(
                delete(models.RemitRule).where(
                    models.RemitRule.partner_id == partner.partner_id,
                    models.RemitRule.kind == "naf",
                )
            )
            for value in partner.after:
                session.add(
                    models.RemitRule(partner_id=partner.partner_id, kind="naf", value=value)
                )
        if fresh.sectors_before or fresh.sectors_after:
            setting = session.get(models.Setting, WEIGHTS_KEY)
            weights = PriorityWeights.from_json(setting.value) if setting else PriorityWeights()
            weights = dataclasses.replace(weights, sectors=fresh.sectors_after)
            if setting is None:
                session.add(models.Setting(key=WEIGHTS_KEY, value=weights.to_json()))
            else:
                setting.value = weights.to_json()
        for themes in fresh.sessions:
            session.execute(
                delete(models.SessionTheme).where(
                    models.SessionTheme.session_id == themes.session_id,
                    models.SessionTheme.kind == "naf",
                )
            )
            for code in themes.after:
                session.add(
                    models.SessionTheme(session_id=themes.session_id, kind="naf", code=code)
                )
        snapshot = session.get(models.Setting, SNAPSHOT_KEY)
        if snapshot is None:
            session.add(models.Setting(key=SNAPSHOT_KEY, value=_snapshot(fresh)))
        else:
            snapshot.value = _snapshot(fresh)
        write_reference(session, plan.target)


__all__ = [
    "DEFAULT_CHOICE_TEXT",
    "SNAPSHOT_KEY",
    "Choice",
    "Link",
    "PartnerRules",
    "RuleChange",
    "SectorChange",
    "SessionThemes",
    "SwitchPlan",
    "TargetOption",
    "ThemeChange",
    "apply_switch",
    "plan_switch",
]
