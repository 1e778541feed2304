"""NAF rév. 2 and NAF 2025 side by side: levels, sections, and the translation of codes.

A campaign reads its firms' activities in one *reference* nomenclature
(:data:`REV2` or :data:`NAF2025`). A section letter or a division does not mean
the same activity in both (the old J is split into J and K, every later section
moves up one letter, division 45 disappears), so rules written in one are
translated to the other through INSEE's correspondence table, sous-classe by
sous-classe, and a translation that is not one-to-one is shown to the
coordinator before it is applied.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

REV2 = "rev2"
NAF2025 = "naf2025"
NOMENCLATURES: tuple[str, ...] = (REV2, NAF2025)
NOMENCLATURE_NAMES: dict[str, str] = {REV2: "NAF rév. 2", NAF2025: "NAF 2025"}
SWITCH_DATE = dt.date(2027, 1, 1)
"""NAF 2025 becomes INSEE's reference for APE codes on that day."""

ABSENT = "absent"
"""Key of the firms without a code in the reference nomenclature (``planner info``)."""

# SIRENE's ``nomenclatureActivitePrincipaleEtablissement`` values read as NAF 2025.
# INSEE has not published the value it will use; NACE Rev. 2.1 is its base.
NAF2025_SIRENE_NAMES: frozenset[str] = frozenset(
    {"NAF2025", "NAFRev2.1", "NAFREV2.1", "NAF25", "NACERev2.1"}
)
REV2_SIRENE_NAMES: frozenset[str] = frozenset({"NAFRev2", ""})

LEVEL_NAMES = {1: "section", 2: "division", 3: "groupe", 4: "classe", 5: "sous-classe"}
_SUBCLASS = re.compile(r"^\d\d\.\d\d[A-Z]$")


def nomenclature_name(key: str) -> str:
    """``"naf2025"`` → ``"NAF 2025"``."""
    return NOMENCLATURE_NAMES.get(key, key)


def absent_label(key: str) -> str:
    """``"Code NAF 2025 absent"`` (or ``"Code NAF rév. 2 absent"``)."""
    return f"Code {nomenclature_name(key)} absent"


def default_nomenclature(today: dt.date) -> str:
    """The reference of a campaign created ``today``: rév. 2 before the switch."""
    return NAF2025 if today >= SWITCH_DATE else REV2


def check_nomenclature(key: str) -> str:
    """``key`` if it names a nomenclature; else ValueError with a French message."""
    if key not in NOMENCLATURES:
        raise ValueError(
            f"nomenclature inconnue « {key} » (attendu : {' ou '.join(NOMENCLATURES)})"
        )
    return key


def codes_of(
    code: str | None, sirene_nomenclature: str | None, naf25_code: str | None
) -> dict[str, str | None]:
    """A firm's code in each nomenclature from SIRENE's three fields (None where absent).

    Args:
        code: ``activitePrincipaleEtablissement``.
        sirene_nomenclature: ``nomenclatureActivitePrincipaleEtablissement``.
        naf25_code: ``activitePrincipaleNAF25Etablissement`` (since December 2025).
    """
    code = (code or "").strip() or None
    name = (sirene_nomenclature or "").strip()
    return {
        REV2: code if name in REV2_SIRENE_NAMES else None,
        NAF2025: (naf25_code or "").strip() or (code if name in NAF2025_SIRENE_NAMES else None),
    }


def dotted(code: str) -> str:
    """A NAF code as INSEE writes it: ``5610A`` → ``56.10A``, ``471`` → ``47.1``.

    Section letters, divisions and codes already dotted are returned upper-cased.
    """
    text = code.strip().upper().replace(" ", "")
    if "." in text or len(text) <= 2:
        return text
    return f"{text[:2]}.{text[2:]}"


def undotted(code: str) -> str:
    """``56.10A`` → ``5610A`` (priority sectors are stored so)."""
    return code.replace(".", "")


def level_of(code: str) -> int:
    """1 (section ``C``) … 5 (sous-classe ``56.10A``) from the shape of a dotted code."""
    if len(code) == 1:
        return 1
    if len(code) == 2:
        return 2
    if len(code) == 4:
        return 3
    if len(code) == 5:
        return 4
    return 5


@dataclass(frozen=True, eq=False)
class Nomenclature:
    """One NAF version: every code with its French label, in nomenclature order.

    Attributes:
        key: :data:`REV2` or :data:`NAF2025`.
        labels: code → label, all five levels (sections ``A``, divisions ``56``,
            groups ``56.1``, classes ``56.10``, sous-classes ``56.10A``).
        division_section: division → its section letter.
    """

    key: str
    labels: Mapping[str, str]
    division_section: Mapping[str, str]

    @property
    def name(self) -> str:
        return nomenclature_name(self.key)

    def codes(self, level: int) -> list[str]:
        """The codes of one level, in nomenclature order."""
        return [code for code in self.labels if level_of(code) == level]

    @cached_property
    def sections(self) -> dict[str, str]:
        """Section letter → label."""
        return {code: self.labels[code] for code in self.codes(1)}

    @cached_property
    def subclasses(self) -> tuple[str, ...]:
        return tuple(self.codes(5))

    def known_subclass(self, code: str | None) -> str | None:
        """A firm's code as a sous-classe of this nomenclature, or None (then « absent »).

        Case, spaces and a missing dot are forgiven (``47 11g`` → ``47.11G``);
        anything else that is not one of its sous-classes (``47.11``, a rév. 2
        ``47.11Z`` read as NAF 2025, ``G``, ``NN``) is not a code of it.
        """
        if not code:
            return None
        text = re.sub(r"\s+", "", code).upper()
        if re.fullmatch(r"\d{4}[A-Z]", text):
            text = f"{text[:2]}.{text[2:]}"
        return text if text in self._subclass_set else None

    @cached_property
    def _subclass_set(self) -> frozenset[str]:
        return frozenset(self.subclasses)

    def section_of(self, code: str | None) -> str | None:
        """The section letter of a code (``56.10A`` → ``I``), None if unknown."""
        if not code:
            return None
        code = dotted(code)
        if len(code) == 1:
            return code if code in self.labels else None
        return self.division_section.get(code[:2])

    def division_of(self, code: str | None) -> str | None:
        """The division of a code (``56.10A`` → ``56``), None if unknown or a section."""
        if not code or len(code.strip()) < 2:
            return None
        division = dotted(code)[:2]
        return division if division in self.division_section else None

    def knows(self, code: str) -> bool:
        return dotted(code) in self.labels

    def label(self, code: str) -> str:
        return self.labels.get(dotted(code), "")

    def subclasses_under(self, code: str) -> tuple[str, ...]:
        """The sous-classes a code covers (itself for a sous-classe); empty if unknown."""
        return self._under.get(dotted(code), ())

    @cached_property
    def _under(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for sub in self.subclasses:
            ancestors = [sub, sub[:5], sub[:4], sub[:2], self.division_section.get(sub[:2], "")]
            for code in dict.fromkeys(ancestors):
                if code in self.labels:
                    found.setdefault(code, []).append(sub)
        return {code: tuple(subs) for code, subs in found.items()}

    def children(self, code: str) -> list[str]:
        """The codes one level below ``code``."""
        level = level_of(code)
        return (
            self._children.get(code, [])
            if level > 1
            else [d for d, s in self.division_section.items() if s == code]
        )

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for code in self.labels:
            level = level_of(code)
            if level > 2:
                parent = {3: code[:2], 4: code[:4], 5: code[:5]}[level]
                found.setdefault(parent, []).append(code)
        return found

    def cover(self, subclasses: Iterable[str]) -> list[str]:
        """The fewest codes, highest level first, that cover exactly ``subclasses``."""
        wanted = set(subclasses)
        found: list[str] = []

        def walk(code: str) -> None:
            under = set(self.subclasses_under(code))
            if not under & wanted:
                return
            if under <= wanted:
                found.append(code)
                return
            for child in self.children(code):
                walk(child)

        for section in self.sections:
            walk(section)
        return found


@dataclass(frozen=True)
class Link:
    """One sous-classe and the sous-classes it maps to in the other nomenclature."""

    source: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Translation:
    """A code of one nomenclature written in the other.

    Attributes:
        source: the code as written (dotted).
        targets: the codes of the other nomenclature that cover the image of
            the source's sous-classes (empty when nothing maps).
        one_to_many: sous-classes of the source that map to several sous-classes.
        incoming: sous-classes from *outside* the source that map into its
            targets (firms the translated rule may gain).
        unknown: True if the source code is not in its nomenclature.
    """

    source: str
    targets: tuple[str, ...]
    one_to_many: tuple[Link, ...] = ()
    incoming: tuple[Link, ...] = ()
    unknown: bool = False

    @property
    def exact(self) -> bool:
        """One-to-one: the same activities on both sides, nothing to confirm."""
        if self.unknown or not self.targets:
            return False
        return not self.one_to_many and not self.incoming


@dataclass(frozen=True, eq=False)
class Correspondence:
    """INSEE's NAF rév. 2 → NAF 2025 table, sous-classe by sous-classe, both ways."""

    rev2: Nomenclature
    naf2025: Nomenclature
    forward: Mapping[str, tuple[str, ...]]
    backward: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(rév. 2 sous-classe, NAF 2025 sous-classe) → INSEE's ``contenu_commun``."""

    def __post_init__(self) -> None:
        if not self.backward:
            back: dict[str, list[str]] = {}
            for source, targets in self.forward.items():
                for target in targets:
                    back.setdefault(target, []).append(source)
            object.__setattr__(self, "backward", {k: tuple(v) for k, v in back.items()})

    def nomenclature(self, key: str) -> Nomenclature:
        return self.rev2 if key == REV2 else self.naf2025

    def links(self, source_key: str) -> Mapping[str, tuple[str, ...]]:
        """Sous-classe → sous-classes of the other nomenclature, from ``source_key``."""
        return self.forward if source_key == REV2 else self.backward

    def note(self, source: str, target: str, source_key: str) -> str:
        """INSEE's explanation of the link (what of the source the target takes)."""
        pair = (source, target) if source_key == REV2 else (target, source)
        return self.notes.get(pair, "")

    def main_targets(self, source: str, source_key: str) -> tuple[str, ...]:
        """The target INSEE marks as the main one of a one-to-many link.

        A rév. 2 → NAF 2025 row whose ``contenu_commun`` is not a ``- …`` list of
        extracted activities (« tout le contenu… », « À l'exception de… ») takes
        the bulk of the sous-classe; without one, the target closest to the
        source's code, else the table's first.
        """
        targets = self.links(source_key).get(source, ())
        if len(targets) <= 1:
            return targets
        main = [t for t in targets if not self.note(source, t, source_key).startswith("-")]
        if main:
            return tuple(main[:1])
        # No row says so: the target that stays closest to the source (same class,
        # group, then division: 52.10A → 52.10G rather than 10.51H, its first row).
        for width in (5, 4, 2):
            close = [t for t in targets if t[:width] == source[:width]]
            if close:
                return tuple(close[:1])
        return targets[:1]

    def one_to_many(self, source_key: str = REV2) -> dict[str, tuple[str, ...]]:
        """The sous-classes of ``source_key`` that map to several sous-classes."""
        return {s: t for s, t in self.links(source_key).items() if len(t) > 1}

    def translate(
        self,
        code: str,
        source_key: str,
        target_key: str,
        keep: Mapping[str, tuple[str, ...]] | None = None,
    ) -> Translation:
        """``code`` of ``source_key`` written in ``target_key`` (see :class:`Translation`).

        Args:
            keep: for a one-to-many sous-classe, the targets the coordinator
                keeps (all of them when it is not a key).
        """
        code = dotted(code)
        if source_key == target_key:
            return Translation(code, (code,))
        source = self.nomenclature(source_key)
        target = self.nomenclature(target_key)
        under = source.subclasses_under(code)
        if not under:
            return Translation(code, (), unknown=True)
        links = self.links(source_key)
        back = self.links(target_key)
        images: dict[str, None] = {}
        many: list[Link] = []
        for sub in under:
            targets = links.get(sub, ())
            if len(targets) > 1:
                many.append(Link(sub, targets))
                if keep is not None and sub in keep:
                    targets = tuple(t for t in targets if t in keep[sub])
            images.update(dict.fromkeys(targets))
        inside = set(under)
        incoming: dict[str, list[str]] = {}
        for image in images:
            for origin in back.get(image, ()):
                if origin not in inside:
                    incoming.setdefault(origin, []).append(image)
        return Translation(
            code,
            tuple(target.cover(images)),
            tuple(many),
            tuple(Link(s, tuple(t)) for s, t in sorted(incoming.items())),
        )


def prune_overlaps(codes: Iterable[str], naf: Nomenclature) -> tuple[str, ...]:
    """``codes`` without duplicates nor codes another one already covers, in order.

    ``47`` and ``47.9`` give ``47``; ``10.13`` and ``10.13A`` give ``10.13``.
    Codes unknown to ``naf`` are compared as they are written.
    """
    written = list(dict.fromkeys(dotted(code) for code in codes if code.strip()))

    def under(code: str) -> frozenset[str]:
        return frozenset(naf.subclasses_under(code)) or frozenset({code})

    covers = {code: under(code) for code in written}
    kept: list[str] = []
    for code in written:
        mine = covers[code]
        if any(other != code and mine < covers[other] for other in written):
            continue
        if any(covers[other] == mine for other in kept):
            continue
        kept.append(code)
    return tuple(kept)


def is_subclass(code: str) -> bool:
    return bool(_SUBCLASS.match(code))
