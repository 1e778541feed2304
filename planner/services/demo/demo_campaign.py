"""The demo campaign: bassin T6 Plaine Commune with fictitious firms.

No real establishment file of that size is available offline, so the demo's
firms are generated in INSEE's exact StockEtablissement/StockUniteLegale
formats and go through the real import. The campaign is flagged as a demo and
the app says plainly that its firms are fictitious.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from planner.db.store import CampaignStore
from planner.domain.import_filters import ImportFilters
from planner.domain.nomenclature import REV2
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.geo.reference import CommuneReference
from planner.services.campaign.bassin import BassinSpec, resolve_bassin
from planner.services.campaign.campaign_file import bassin_aliases, create_campaign
from planner.services.campaign.naf_reference import (
    reference_nomenclature,
    write_reference,
)
from planner.services.campaign.nomenclature_switch import apply_switch, plan_switch
from planner.services.demo.accompanied_target import add_demo_target
from planner.services.demo.fictitious_stock import CommuneArea, generate_stock
from planner.services.demo.offers import add_demo_services
from planner.services.demo.outcomes import add_demo_outcomes
from planner.services.demo.sessions import add_demo_sessions
from planner.services.demo.solicitation import add_demo_solicitation
from planner.services.demo.task_force import add_demo_task_force
from planner.services.sirene_import.pipeline import ImportSummary, SireneFiles, import_sirene

DEMO_NAME = "Démo — Task force entreprises Plaine Commune (entreprises fictives)"
DEMO_EPT = "T6"
# Share of generated rows that pass the default filters (active, employer,
# under 250): the generator is asked for enough rows to keep about ``rows``.
_KEPT_SHARE = 0.41


def commune_areas(reference: CommuneReference, codes: list[str]) -> list[CommuneArea]:
    """Generator input for these communes: boundary, postal code, population weight."""
    frame = reference.frame.loc[codes]
    areas = []
    for code, row in frame.iterrows():
        population = reference.population(str(code))
        weight = float(population) if population else 1000.0
        postal = row["mairie_code_postal"]
        areas.append(
            CommuneArea(
                code=str(code),
                name=str(row["nom"]),
                postal_code=str(postal) if isinstance(postal, str) and postal else str(code),
                geometry=row["geometry"],
                weight=weight,
            )
        )
    return areas


def create_demo(
    target: str | Path,
    *,
    rows: int = 15_000,
    seed: int = 2026,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ImportSummary:
    """Write the demo campaign to ``target`` (about ``rows`` firms kept).

    Returns the import summary. If anything fails, no file is left behind.
    """
    reference = CommuneReference.load()
    bassin = resolve_bassin(BassinSpec("ept", DEMO_EPT), reference)
    progress(0, 100, "Génération des entreprises fictives")
    with tempfile.TemporaryDirectory(prefix="planner-demo-") as tmp:
        stock = generate_stock(
            Path(tmp),
            commune_areas(reference, bassin.communes),
            int(rows / _KEPT_SHARE),
            seed=seed,
            closed_share=0.03,
            non_diffusible_share=0.02,
            legal_units=True,
            layout=54,  # as INSEE publishes since 16/12/2025: NAF 2025 codes beside rév. 2
        )
        (cancel or CancelToken()).check()
        store = create_campaign(target, DEMO_NAME, bassin, reference, is_demo=True)
        try:
            # The demo's remits and themes are written in NAF rév. 2; from
            # 1 January 2027 they are translated to NAF 2025 at the end, as a
            # coordinator would (every link accepted).
            wanted = reference_nomenclature(store)
            with store.session() as session:
                write_reference(session, REV2)
            summary = import_sirene(
                store,
                SireneFiles(stock.establishments, stock.legal_units),
                ImportFilters(),
                bassin_aliases(store, reference),
                progress=lambda d, t, m: progress(10 + 90 * d // max(t, 1), 100, m),
                cancel=cancel,
            )
            # What a coordinator sets up next: the task force and its first
            # division, a few weeks of outcomes read back, two months of sessions.
            add_demo_task_force(store, seed=seed)
            add_demo_outcomes(store, seed=seed)
            add_demo_solicitation(store, seed=seed)
            add_demo_sessions(store, seed=seed)
            add_demo_services(store, seed=seed)
            add_demo_target(store)
            if wanted != REV2:
                apply_switch(store, plan_switch(store, wanted))
            _advance_sequences(store)
        except BaseException:
            _discard(store, target)
            raise
        store.close()
    return summary


def _advance_sequences(store: CampaignStore) -> None:
    """On PostgreSQL, move the id sequences past the rows the demo wrote with explicit ids.

    Otherwise the first contact, session or venue a user adds reuses id 1.
    """
    if store.engine.dialect.name != "postgresql":
        return
    from planner.services.shared_campaign.publish import advance_sequences

    with store.engine.begin() as conn:
        advance_sequences(conn)


def _discard(store: CampaignStore, target: str | Path) -> None:
    store.close()
    if isinstance(target, Path) or "://" not in str(target):
        Path(target).unlink(missing_ok=True)
