"""Create a campaign and read back what it holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shapely import to_wkb
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore, create_store, is_url
from planner.domain.headcount_bands import BAND_ORDER
from planner.domain.nomenclature import ABSENT, NOMENCLATURES, codes_of
from planner.geo.reference import CommuneReference
from planner.io.nomenclatures import load_nomenclature
from planner.services.campaign.bassin import Bassin
from planner.services.campaign.identity import new_identity_setting
from planner.services.campaign.naf_reference import (
    initial_reference,
    reference_in_session,
)
from planner.services.followup.contact_summary import ContactSummary, contact_summary
from planner.services.followup.dashboard.accompanied import FollowupInfo, followup_info
from planner.services.sessions.summary import SessionSummary, session_summary
from planner.services.task_force.summary import AssignmentCounts, TeamRow, task_force_summary


@dataclass(frozen=True)
class CampaignHeader:
    """The campaign's identity, as the UI and CLI show it."""

    name: str
    bassin_kind: str
    bassin_code: str
    bassin_label: str
    is_demo: bool
    communes: list[str]


@dataclass(frozen=True, slots=True)
class BassinInfo:
    """The bassin as ``planner info --json`` shows it: kind, code, label, communes."""

    kind: str
    code: str
    label: str
    communes: int
    commune_codes: list[str]


@dataclass(frozen=True, slots=True)
class EstablishmentCounts:
    """The establishments in target, as ``planner info --json`` counts them.

    Attributes:
        total: establishments in target.
        active: of which active (état A).
        placed: of which with coordinates.
        non_diffusible: non-diffusible establishments counted by the last SIRENE import.
        by_size_band: per headcount band, in band order; ``NN`` takes the unknown.
        naf_reference: the campaign's reference nomenclature.
        naf_codes: per nomenclature, establishments with a known code in it.
        by_naf_section: per section of the reference nomenclature, ``absent`` last.
    """

    total: int
    active: int
    placed: int
    non_diffusible: int
    by_size_band: dict[str, int]
    naf_reference: str
    naf_codes: dict[str, int]
    by_naf_section: dict[str, int]


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    """Everything ``planner info --json`` prints, in its order.

    ``dataclasses.asdict`` gives the JSON object: the fields' order is the keys'.
    """

    name: str
    demo: bool
    bassin: BassinInfo
    establishments: EstablishmentCounts
    imports: int
    partners: int
    advisers: int
    teams: list[TeamRow]
    assignments: AssignmentCounts
    contacts: ContactSummary
    sessions: SessionSummary
    followup: FollowupInfo


def create_campaign(
    target: str | Path,
    name: str,
    bassin: Bassin,
    reference: CommuneReference,
    *,
    is_demo: bool = False,
) -> CampaignStore:
    """Create a campaign file (or database) for a resolved bassin.

    If anything fails, a half-made file is removed.
    """
    store = create_store(target)
    try:
        frame = reference.geometries(bassin.communes)
        shapes = dict(zip(frame["code"], frame.geometry, strict=True))
        sources: dict[str, list[str]] = {}
        for old, new in bassin.mapped.items():
            sources.setdefault(new, []).append(old)
        with store.session() as session:
            session.add(
                models.Campaign(
                    name=name,
                    bassin_kind=bassin.kind,
                    bassin_code=bassin.code,
                    bassin_label=bassin.label,
                    is_demo=is_demo,
                )
            )
            initial_reference(session)
            session.add(new_identity_setting())
            full = reference.frame
            for code in bassin.communes:
                row = full.loc[code]
                geometry = shapes.get(code)
                session.add(
                    models.BassinCommune(
                        code=code,
                        name=str(row["nom"]),
                        population=reference.population(code),
                        departement=str(row["departement"]),
                        epci=row["epci"] if isinstance(row["epci"], str) else None,
                        ept=row["ept_siren"] if isinstance(row["ept_siren"], str) else None,
                        geometry_wkb=to_wkb(geometry) if geometry is not None else None,
                        source_codes=",".join(sorted(sources.get(code, []))) or None,
                    )
                )
    except Exception:
        store.close()
        if not is_url(target):
            Path(target).unlink(missing_ok=True)
        raise
    return store


def read_header(store: CampaignStore) -> CampaignHeader:
    """The campaign's name and bassin."""
    with store.session() as session:
        campaign = session.scalars(select(models.Campaign)).one()
        communes = list(session.scalars(select(models.BassinCommune.code).order_by("code")))
        return CampaignHeader(
            name=campaign.name,
            bassin_kind=campaign.bassin_kind,
            bassin_code=campaign.bassin_code,
            bassin_label=campaign.bassin_label,
            is_demo=campaign.is_demo,
            communes=communes,
        )


def bassin_aliases(store: CampaignStore, reference: CommuneReference) -> dict[str, str]:
    """Every commune code an establishment of the bassin may carry → current code."""
    communes = read_header(store).communes
    aliases = {code: code for code in communes}
    aliases.update(reference.aliases_of(communes))
    return aliases


def campaign_info(store: CampaignStore) -> CampaignInfo:
    """Everything ``planner info --json`` prints."""
    header = read_header(store)
    E = models.Establishment  # noqa: N806
    with store.session() as session:
        target = E.in_target.is_(True)
        total = session.scalar(select(func.count()).where(target)) or 0
        active = session.scalar(select(func.count()).where(target, E.etat == "A")) or 0
        placed = session.scalar(select(func.count()).where(target, E.lon.is_not(None))) or 0
        bands: dict[str | None, int] = dict(
            session.execute(
                select(E.tranche_effectifs, func.count())
                .where(target)
                .group_by(E.tranche_effectifs)
            )
            .tuples()
            .all()
        )
        nafs = session.execute(
            select(E.naf_code, E.naf_nomenclature, E.naf25_code, func.count())
            .where(target)
            .group_by(E.naf_code, E.naf_nomenclature, E.naf25_code)
        ).all()
        reference = reference_in_session(session)
        last_import = session.scalar(
            select(models.ImportRun.id)
            .where(models.ImportRun.kind == "sirene")
            .order_by(models.ImportRun.id.desc())
            .limit(1)
        )
        non_diffusible = 0
        if last_import is not None:
            non_diffusible = (
                session.scalar(
                    select(func.coalesce(func.sum(models.NonDiffusibleCount.total), 0)).where(
                        models.NonDiffusibleCount.import_id == last_import
                    )
                )
                or 0
            )
        imports = session.scalar(select(func.count(models.ImportRun.id))) or 0
    by_band = {code: bands[code] for code in BAND_ORDER if bands.get(code)}
    if bands.get(None):
        by_band["NN"] = by_band.get("NN", 0) + bands[None]
    sections: Counter[str] = Counter()
    have: Counter[str] = Counter()
    naf = load_nomenclature(reference)
    known = {key: load_nomenclature(key).known_subclass for key in NOMENCLATURES}
    for code, nomenclature, naf25_code, count in nafs:
        codes = {k: known[k](v) for k, v in codes_of(code, nomenclature, naf25_code).items()}
        for key, value in codes.items():
            have[key] += count if value else 0
        sections[naf.section_of(codes[reference]) or ABSENT] += count
    task_force = task_force_summary(store)
    return CampaignInfo(
        name=header.name,
        demo=header.is_demo,
        bassin=BassinInfo(
            kind=header.bassin_kind,
            code=header.bassin_code,
            label=header.bassin_label,
            communes=len(header.communes),
            commune_codes=header.communes,
        ),
        establishments=EstablishmentCounts(
            total=total,
            active=active,
            placed=placed,
            non_diffusible=int(non_diffusible),
            by_size_band=by_band,
            naf_reference=reference,
            naf_codes={key: have[key] for key in NOMENCLATURES},
            by_naf_section={
                key: sections[key]
                for key in [*naf.sections, ABSENT]
                if sections.get(key) or key == ABSENT
            },
        ),
        imports=imports,
        partners=task_force.partners,
        advisers=task_force.advisers,
        teams=task_force.teams,
        assignments=task_force.assignments,
        contacts=contact_summary(store),
        sessions=session_summary(store),
        followup=followup_info(store),
    )
