"""Métiers in tension in the bassin, from France Travail's BMO survey.

The BMO open-data workbook is imported for the campaign's bassin(s) in one
transaction (it replaces that year's previous rows); the coordinator then
looks at the métiers with the most recruitment projects and with the highest
share judged difficult. Withheld figures (``*``) stay withheld: a total with a
withheld part is a lower bound, and no share is computed from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain.errors import InputError
from planner.domain.french_numbers import integer
from planner.domain.json_types import JsonObject
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.io.bmo_projects_workbook import BmoRow, iter_bmo_projects

WITHHELD_TEXT = "secret statistique"
SORT_KEYS = ("projects", "difficulty")


@dataclass(frozen=True)
class Figure:
    """A BMO figure summed over the lines of a métier.

    Attributes:
        value: the sum of the published parts, ``None`` if every part is withheld.
        partial: some parts are withheld, so ``value`` is only a lower bound.
    """

    value: int | None
    partial: bool = False

    @property
    def known(self) -> bool:
        """Published in full: usable in a share."""
        return self.value is not None and not self.partial

    def text(self) -> str:
        """French text: ``38``, ``≥ 38 (en partie secret)`` or ``secret statistique``."""
        if self.value is None:
            return WITHHELD_TEXT
        number = integer(self.value)
        return f"≥ {number} (en partie secret)" if self.partial else number

    def to_json(self) -> JsonObject:
        return {"value": self.value, "withheld": self.value is None, "partial": self.partial}


@dataclass(frozen=True)
class MetierTension:
    """A métier of the bassin with its BMO figures.

    Attributes:
        code: BMO métier code (FAP 2021).
        label: the métier's name.
        family: the métier family's name, if known.
        projects: recruitment projects.
        difficult: projects judged difficult.
        seasonal: seasonal projects.
    """

    code: str
    label: str
    family: str | None
    projects: Figure
    difficult: Figure
    seasonal: Figure

    @property
    def difficulty_share(self) -> float | None:
        """Share of projects judged difficult (0–1), only when both are published."""
        if not (self.projects.known and self.difficult.known) or not self.projects.value:
            return None
        return (self.difficult.value or 0) / self.projects.value

    def to_json(self) -> JsonObject:
        share = self.difficulty_share
        return {
            "code": self.code,
            "label": self.label,
            "family": self.family,
            "projects": self.projects.to_json(),
            "difficult": self.difficult.to_json(),
            "seasonal": self.seasonal.to_json(),
            "difficulty_share": None if share is None else round(share, 4),
        }


@dataclass(frozen=True)
class BmoImportSummary:
    """What an import stored.

    Attributes:
        file: the workbook's name.
        years: survey years found.
        bassins: code → label of the bassins stored.
        rows: lines stored.
        metiers: distinct métiers.
        withheld_projects: lines whose projects are withheld.
        withheld_difficult: lines whose difficult projects are withheld.
        replaced: lines of the same survey years that were replaced.
    """

    file: str
    years: tuple[int, ...]
    bassins: dict[str, str]
    rows: int
    metiers: int
    withheld_projects: int
    withheld_difficult: int
    replaced: int

    def to_json(self) -> JsonObject:
        return {
            "file": self.file,
            "years": list(self.years),
            "bassins": self.bassins,
            "rows": self.rows,
            "metiers": self.metiers,
            "withheld_projects": self.withheld_projects,
            "withheld_difficult": self.withheld_difficult,
            "replaced": self.replaced,
        }


def campaign_bmo_bassins(store: CampaignStore, path: Path | None = None) -> tuple[str, ...]:
    """The BMO bassin codes of the campaign.

    A campaign defined by a BMO bassin has its code. For a campaign defined by
    an EPT, the BMO bassins of the Grand Paris are named after it (« T6 Plaine
    Commune »), so the bassin of ``path`` whose label starts with the EPT code
    is taken. Otherwise nothing: the user must say which bassin.
    """
    with store.session() as session:
        campaign = session.scalars(select(models.Campaign)).first()
    if campaign is None:
        return ()
    if campaign.bassin_kind == "bmo":
        return tuple(c.strip() for c in campaign.bassin_code.split(",") if c.strip())
    if campaign.bassin_kind == "ept" and path is not None:
        prefix = campaign.bassin_code.strip().upper() + " "
        return tuple(
            code
            for code, label in bassins_in_file(path).items()
            if label.upper().startswith(prefix)
        )
    return ()


def bassins_in_file(path: Path) -> dict[str, str]:
    """Code → label of every bassin of a BMO workbook (to let the user choose)."""
    found: dict[str, str] = {}
    for row in iter_bmo_projects(path):
        found.setdefault(row.bassin_code, row.bassin_label)
    return dict(sorted(found.items()))


def _listing(path: Path) -> str:
    return ", ".join(f"{c} ({label})" for c, label in bassins_in_file(path).items()) or "aucun"


def import_bmo(
    store: CampaignStore,
    path: Path,
    *,
    bassins: Iterable[str] | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> BmoImportSummary:
    """Store the BMO lines of the campaign's bassin(s), replacing that year's lines.

    Args:
        store: the campaign.
        path: France Travail's ``Base_open_data_BMO_*.xlsx``.
        bassins: bassin codes to import; by default the campaign's own BMO bassin.
        progress: ``(done, total, message)`` callback.
        cancel: checked between reading and writing; nothing is written if cancelled.

    Raises:
        InputError: bad workbook, no bassin to import, or no line for it.
    """
    name = Path(path).name
    wanted = {b.strip() for b in bassins or () if b.strip()} or set(
        campaign_bmo_bassins(store, path)
    )
    if not wanted:
        raise InputError(
            "la campagne n'est pas définie par un bassin BMO : indiquez le ou les bassins "
            f"à importer (option --bassin ; bassins du classeur : {_listing(path)}).",
            file=name,
        )
    progress(0, 3, f"Lecture de {name}")
    rows: list[BmoRow] = []
    for row in iter_bmo_projects(path, bassins=wanted):
        rows.append(row)
        if cancel is not None and len(rows) % 500 == 0:
            cancel.check()
    if not rows:
        raise InputError(
            f"aucune ligne pour le bassin {', '.join(sorted(wanted))} dans ce classeur "
            f"(bassins présents : {_listing(path)}).",
            file=name,
        )
    if cancel is not None:
        cancel.check()
    progress(1, 3, "Enregistrement dans la campagne")
    years = tuple(sorted({r.year for r in rows}))
    found = {r.bassin_code: r.bassin_label for r in rows}
    values = [_values(r, name) for r in rows]
    with store.session() as session:
        # The year's figures are replaced as a whole, so that a bassin imported
        # by mistake does not stay summed with the right one.
        same_year = models.BmoProject.year.in_(years)
        replaced = session.scalar(select(func.count()).where(same_year)) or 0
        session.execute(delete(models.BmoProject).where(same_year))
        session.execute(insert(models.BmoProject), values)
        session.add(
            models.ImportRun(
                kind="bmo",
                finished_at=dt.datetime.now().replace(microsecond=0),
                files={"bmo": name},
                options={"bassins": sorted(found)},
                summary={"rows": len(rows), "years": list(years)},
            )
        )
    progress(3, 3, "Import terminé")
    return BmoImportSummary(
        file=name,
        years=years,
        bassins=dict(sorted(found.items())),
        rows=len(rows),
        metiers=len({r.metier_code for r in rows}),
        withheld_projects=sum(r.projects_withheld for r in rows),
        withheld_difficult=sum(r.difficult_withheld for r in rows),
        replaced=int(replaced),
    )


def _values(row: BmoRow, source: str) -> JsonObject:
    return {
        "year": row.year,
        "bassin_code": row.bassin_code,
        "bassin_label": row.bassin_label,
        "departement": row.departement or "",
        "metier_code": row.metier_code,
        "metier_label": row.metier_label,
        "family_label": row.family_label,
        "projects": row.projects,
        "difficult": row.difficult,
        "seasonal": row.seasonal,
        "projects_withheld": row.projects_withheld,
        "difficult_withheld": row.difficult_withheld,
        "seasonal_withheld": row.seasonal_withheld,
        "source": source,
    }


def bmo_years(store: CampaignStore) -> list[int]:
    """Survey years stored in the campaign, newest first."""
    with store.session() as session:
        years = session.scalars(
            select(models.BmoProject.year).distinct().order_by(models.BmoProject.year.desc())
        )
        return list(years)


@dataclass(frozen=True, slots=True)
class BmoCounts:
    """The stored BMO lines and métiers of the newest year (None and 0 without BMO)."""

    year: int | None
    rows: int
    metiers: int


def bmo_counts(store: CampaignStore) -> BmoCounts:
    """For ``planner info``: stored lines and métiers of the newest year."""
    with store.session() as session:
        year = session.scalar(select(func.max(models.BmoProject.year)))
        if year is None:
            return BmoCounts(year=None, rows=0, metiers=0)
        rows, metiers = session.execute(
            select(func.count(), func.count(func.distinct(models.BmoProject.metier_code))).where(
                models.BmoProject.year == year
            )
        ).one()
    return BmoCounts(year=year, rows=rows, metiers=metiers)


def _sum(values: list[tuple[int | None, bool]]) -> Figure:
    published = [v for v, withheld in values if not withheld and v is not None]
    if not published:
        return Figure(None)
    return Figure(sum(published), partial=len(published) < len(values))


def metiers_in_tension(store: CampaignStore, *, year: int | None = None) -> list[MetierTension]:
    """Every métier of the stored BMO year (the newest by default), summed over the
    campaign's bassins and départements, most recruitment projects first."""
    m = models.BmoProject
    with store.session() as session:
        if year is None:
            year = session.scalar(select(func.max(m.year)))
        if year is None:
            return []
        rows = session.execute(
            select(
                m.metier_code,
                m.metier_label,
                m.family_label,
                m.projects,
                m.projects_withheld,
                m.difficult,
                m.difficult_withheld,
                m.seasonal,
                m.seasonal_withheld,
            )
            .where(m.year == year)
            .order_by(m.metier_code, m.bassin_code, m.departement)
        ).all()
    parts: dict[str, list[Any]] = {}
    for row in rows:
        parts.setdefault(row.metier_code, []).append(row)
    metiers = [
        MetierTension(
            code=code,
            label=lines[0].metier_label,
            family=lines[0].family_label,
            projects=_sum([(r.projects, r.projects_withheld) for r in lines]),
            difficult=_sum([(r.difficult, r.difficult_withheld) for r in lines]),
            seasonal=_sum([(r.seasonal, r.seasonal_withheld) for r in lines]),
        )
        for code, lines in parts.items()
    ]
    return sort_metiers(metiers, "projects")


def sort_metiers(metiers: list[MetierTension], by: str) -> list[MetierTension]:
    """Best first by ``projects`` or ``difficulty`` (share); withheld figures go last.

    A lower bound (partly withheld total) ranks by its published part.
    """
    if by not in SORT_KEYS:
        raise ValueError(f"unknown sort key {by!r}")

    def key(m: MetierTension) -> tuple[bool, float, float, str]:
        projects = -float(m.projects.value or 0)
        if by == "projects":
            return (m.projects.value is None, projects, 0.0, m.code)
        share = m.difficulty_share
        return (share is None, -(share or 0.0), projects, m.code)

    return sorted(metiers, key=key)


def top_metiers(
    store: CampaignStore,
    *,
    by: str = "projects",
    limit: int = 10,
    min_projects: int = 0,
    year: int | None = None,
) -> list[MetierTension]:
    """The ``limit`` métiers in most tension, by projects or by difficulty share.

    Args:
        min_projects: leave out métiers with fewer published projects (a share
            of 5 difficult out of 5 says little).
    """
    metiers = [
        m for m in metiers_in_tension(store, year=year) if (m.projects.value or 0) >= min_projects
    ]
    return sort_metiers(metiers, by)[:limit]


def stored_bassins(store: CampaignStore, year: int) -> dict[str, str]:
    """Code → label of the bassins stored for a survey year."""
    m = models.BmoProject
    with store.session() as session:
        rows = session.execute(
            select(m.bassin_code, m.bassin_label).where(m.year == year).distinct()
        ).all()
    return dict(sorted((code, label) for code, label in rows))
