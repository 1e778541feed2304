"""Export the call lists: one workbook per partner, a coordinator workbook, CSV."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore
from planner.domain import clock
from planner.domain.errors import InputError, PlannerError
from planner.domain.file_names import unique_stems
from planner.domain.french_numbers import integer
from planner.domain.nomenclature import nomenclature_name
from planner.domain.progress import CancelToken, Progress, no_progress
from planner.io.call_list_csv import write_call_list_csv
from planner.io.call_list_workbook import (
    CallListMeta,
    CallListRow,
    ExportSigning,
    LeftOutRow,
    write_call_list,
)
from planner.io.output_file import OutputError
from planner.services.campaign.identity import campaign_identity
from planner.services.campaign.naf_reference import reference_nomenclature
from planner.services.firms.firm_query import load_firms
from planner.services.followup.outcome_services import load_catalogue
from planner.services.followup.priorities import leave_out_supported, load_weights, score_firms
from planner.services.followup.solicitation.pressure import read_cap, solicitation_exclusions
from planner.services.shared_campaign.access import current_access

Per = Literal["adviser", "team"]
NO_ADVISER = "Sans conseiller"


@dataclass(frozen=True)
class ExportedFile:
    """One file written, for the report."""

    path: Path
    partner: str | None
    rows: int
    sheets: int


def _assignments(store: CampaignStore) -> pl.DataFrame:
    with store.session() as session:
        rows = session.execute(
            select(
                models.Assignment.siret,
                models.Partner.name,
                models.Team.name,
                models.Adviser.name,
                models.Adviser.base_lon,
                models.Adviser.base_lat,
                models.LegalUnit.denomination,
                models.Adviser.id,
                models.Partner.id,
            )
            .join(models.Team, models.Team.id == models.Assignment.team_id)
            .join(models.Partner, models.Partner.id == models.Team.partner_id)
            .outerjoin(models.Adviser, models.Adviser.id == models.Assignment.adviser_id)
            .join(models.Establishment, models.Establishment.siret == models.Assignment.siret)
            .outerjoin(models.LegalUnit, models.LegalUnit.siren == models.Establishment.siren)
        ).all()
    return pl.DataFrame(
        rows,
        schema={
            "siret": pl.String(),
            "partner": pl.String(),
            "team": pl.String(),
            "adviser": pl.String(),
            "base_lon": pl.Float64(),
            "base_lat": pl.Float64(),
            "legal_name": pl.String(),
            "adviser_id": pl.Int64(),
            "partner_id": pl.Int64(),
        },
        orient="row",
    )


@dataclass(frozen=True)
class LeftOut:
    """A firm left out of the call lists: marked *ne pas solliciter*, or over the cap."""

    siret: str
    name: str
    partner: str
    reason: str  # "blocked" | "over_cap"
    label: str
    detail: str


@dataclass(frozen=True)
class CallListExport:
    """What an export wrote, and the firms it left out (with why)."""

    files: list[ExportedFile]
    left_out: list[LeftOut]
    cap: str  # the cap in force, in French (« 2 contacts en 30 jours »)

    def counts(self) -> dict[str, int]:
        """Firms left out by reason (``blocked``, ``over_cap``)."""
        counts = {"blocked": 0, "over_cap": 0}
        for firm in self.left_out:
            counts[firm.reason] += 1
        return counts

    def summary(self) -> str:
        """One French sentence: how many firms were left out, and why."""
        return left_out_sentence(self.counts(), self.cap)


def left_out_sentence(counts: dict[str, int], cap: str) -> str:
    """« 3 entreprises laissées de côté : 2 marquées « ne pas solliciter », 1 au plafond
    de sollicitations (2 contacts en 30 jours). »"""
    total = counts.get("blocked", 0) + counts.get("over_cap", 0)
    if total == 0:
        return f"Aucune entreprise laissée de côté (plafond : {cap})."
    blocked, over = counts.get("blocked", 0), counts.get("over_cap", 0)
    plural = "s" if total > 1 else ""
    return (
        f"{integer(total)} entreprise{plural} laissée{plural} de côté : "
        f"{integer(blocked)} marquée{'s' if blocked > 1 else ''} « ne pas solliciter », "
        f"{integer(over)} au plafond de sollicitations ({cap})."
    )


def cap_text(store: CampaignStore) -> str:
    """The campaign's cap in French."""
    with store.session() as session:
        cap = read_cap(session)
    return f"{cap.count} contact{'s' if cap.count > 1 else ''} en {cap.days} jours"


def left_out_counts(store: CampaignStore, today: dt.date | None = None) -> dict[str, int]:
    """How many assigned firms an export made ``today`` would leave out, by reason."""
    day = today or clock.today()
    with store.session() as session:
        assigned = set(session.scalars(select(models.Assignment.siret)))
        excluded = solicitation_exclusions(session, day, assigned)
    counts = {"blocked": 0, "over_cap": 0}
    for exclusion in excluded.values():
        counts[exclusion.reason] += 1
    return counts


def partners_with_firms(store: CampaignStore) -> list[tuple[str, int]]:
    """Partners that have assigned firms, with how many, by name: what can be exported."""
    with store.session() as session:
        rows = session.execute(
            select(models.Partner.name, func.count(models.Assignment.siret))
            .join(models.Team, models.Team.partner_id == models.Partner.id)
            .join(models.Assignment, models.Assignment.team_id == models.Team.id)
            .group_by(models.Partner.name)
            .order_by(models.Partner.name)
        ).all()
    return [(str(name), int(count)) for name, count in rows]


def _km(lon1: pl.Expr, lat1: pl.Expr, lon2: pl.Expr, lat2: pl.Expr) -> pl.Expr:
    rad = 3.141592653589793 / 180
    dlat = (lat2 - lat1) * rad
    dlon = (lon2 - lon1) * rad
    a = (dlat / 2).sin() ** 2 + (lat1 * rad).cos() * (lat2 * rad).cos() * (dlon / 2).sin() ** 2
    return 2 * 6371.0 * a.sqrt().arcsin()


def call_list_frame(store: CampaignStore) -> pl.DataFrame:
    """Assigned firms with their partner, team, adviser and priority, best first."""
    firms = load_firms(store)
    assigned = _assignments(store).join(firms, on="siret", how="inner")
    assigned = assigned.with_columns(
        _km(pl.col("lon"), pl.col("lat"), pl.col("base_lon"), pl.col("base_lat")).alias("base_km"),
        pl.col("adviser").fill_null(NO_ADVISER),
    )
    weights = load_weights(store)
    scored = leave_out_supported(score_firms(store, assigned, weights), weights)
    return scored.sort(["priority", "siret"], descending=[True, False])


_ROW_COLUMNS = (
    "siret",
    "name",
    "legal_name",
    "address",
    "commune_name",
    "naf_code",
    "naf_label",
    "band_label",
    "date_creation",
    "adviser",
)


def _rows(frame: pl.DataFrame) -> list[CallListRow]:
    # Nulls are filled column-wise and rows come out as plain tuples: building
    # a dict per row cost more than writing it.
    texts = [c for c in _ROW_COLUMNS if c not in ("siret", "date_creation", "adviser")]
    flat = frame.select(
        pl.col("siret"),
        *(pl.col(c).fill_null("") for c in texts),
        pl.col("date_creation"),
        pl.col("adviser").fill_null("").replace("", NO_ADVISER),
        (pl.col("supported").fill_null(False) if "supported" in frame.columns else pl.lit(False)),
        pl.col("adviser_id"),
    )
    return [CallListRow(*values) for values in flat.iter_rows()]


def export_call_lists(
    store: CampaignStore,
    out_dir: Path,
    *,
    partner: str | None = None,
    partners: Sequence[str] | None = None,
    per: Per = "adviser",
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    now: dt.datetime | None = None,
) -> list[ExportedFile]:
    """The files of :func:`run_call_list_export` (same arguments)."""
    return run_call_list_export(
        store,
        out_dir,
        partner=partner,
        partners=partners,
        per=per,
        progress=progress,
        cancel=cancel,
        now=now,
    ).files


def _leave_out(
    store: CampaignStore, frame: pl.DataFrame, day: dt.date
) -> tuple[pl.DataFrame, list[LeftOut]]:
    """The frame without the firms not to solicit on ``day``, and those firms.

    Done here, in the export, not in :func:`call_list_frame`: « Mon portefeuille »
    reads that frame and must still show an adviser every firm they follow.
    """
    with store.session() as session:
        excluded = solicitation_exclusions(session, day, set(frame["siret"].to_list()))
    if not excluded:
        return frame, []
    gone = frame.filter(pl.col("siret").is_in(list(excluded)))
    left_out = [
        LeftOut(
            siret,
            name or legal_name or "",
            partner,
            excluded[siret].reason,
            excluded[siret].label,
            excluded[siret].detail,
        )
        for siret, name, legal_name, partner in gone.select(
            "siret", "name", "legal_name", "partner"
        ).iter_rows()
    ]
    left_out.sort(key=lambda f: (f.reason, f.partner, f.siret))
    return frame.filter(~pl.col("siret").is_in(list(excluded))), left_out


def run_call_list_export(
    store: CampaignStore,
    out_dir: Path,
    *,
    partner: str | None = None,
    partners: Sequence[str] | None = None,
    per: Per = "adviser",
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    now: dt.datetime | None = None,
) -> CallListExport:
    """Write one workbook per partner (or only ``partner``, or only ``partners``),
    plus, when every partner is exported, the coordinator's workbook and CSV.

    Firms marked *ne pas solliciter* or over the solicitation cap on ``now``'s day
    are left out of every list; the coordinator's workbook lists them on a sheet of
    their own. Returns the files written and the firms left out (of the partners
    exported)."""
    cancel = cancel or CancelToken()
    access = current_access(store)
    if access.role != "coordination":
        raise PlannerError(
            "Seule la coordination exporte les listes d'appel : elles sont signées avec la clé "
            f"de la campagne, que le compte « {access.login} » ({access.role}) ne lit pas. "
            "Enregistrez vos appels dans « Mon portefeuille »."
        )
    now = (now or clock.now()).replace(microsecond=0)
    frame = call_list_frame(store)
    known = sorted(frame["partner"].unique().to_list())
    partner_ids = dict(frame.select("partner", "partner_id").unique().iter_rows())
    frame, left_out = _leave_out(store, frame, now.date())
    chosen = list(partners) if partners is not None else [partner] if partner else None
    if chosen is not None:
        missing = [name for name in chosen if name not in known]
        if missing:
            raise InputError(
                f"partenaire « {missing[0]} » sans entreprise attribuée "
                f"(partenaires : {', '.join(known) or 'aucun'})"
            )
    all_partners = chosen is None or set(chosen) == set(known)
    partners = known if chosen is None else sorted(set(chosen))
    if not all_partners:
        left_out = [firm for firm in left_out if firm.partner in partners]
    with store.session() as session:
        catalogue = load_catalogue(session)
    identity = campaign_identity(store)
    campaign = identity.name
    naf_name = nomenclature_name(reference_nomenclature(store))
    batch = uuid.uuid4().hex[:10]
    written: list[ExportedFile] = []
    stamp = now.strftime("%Y%m%d")
    total = len(partners) + (1 if all_partners else 0)
    # "A.B" and "AB" clean to the same name; the coordination files keep theirs.
    stems = unique_stems(["coordination", *partners])
    try:
        for index, name in enumerate(partners):
            cancel.check()
            progress(index, total, f"Liste d'appels de {name}")
            own = frame.filter(pl.col("partner") == name)
            sheets: dict[str, Sequence[CallListRow]] = {}
            group = "adviser" if per == "adviser" else "team"
            for key in sorted(own[group].unique().to_list()):
                sheets[key] = _rows(own.filter(pl.col(group) == key))
            if not sheets:  # every firm of the partner left out: an empty list all the same
                sheets[NO_ADVISER] = []
            path = out_dir / f"Liste_appels_{stems[name]}_{stamp}.xlsx"
            signing = ExportSigning(
                identity.campaign_id, str(partner_ids[name]), str(uuid.uuid4()), identity.secret
            )
            services = tuple(catalogue.offered_by(partner_ids[name]))
            meta = CallListMeta(
                campaign, name, f"{batch}{index:02d}", now, signing, naf_name, services
            )
            count = write_call_list(path, meta, sheets)
            written.append(ExportedFile(path, name, count, len(sheets)))
        if all_partners:
            cancel.check()
            progress(len(partners), total, "Classeur du coordinateur")
            sheets = {"Toutes les entreprises": _rows(frame)}
            path = out_dir / f"Liste_appels_coordination_{stamp}.xlsx"
            signing = ExportSigning(identity.campaign_id, "", str(uuid.uuid4()), identity.secret)
            services = tuple(catalogue.offered_by(None))
            meta = CallListMeta(
                campaign, "Coordination", f"{batch}cc", now, signing, naf_name, services
            )
            rows = [LeftOutRow(f.siret, f.name, f.partner, f.label, f.detail) for f in left_out]
            count = write_call_list(path, meta, sheets, rows)
            written.append(ExportedFile(path, None, count, 1))
            csv_path = out_dir / f"Liste_appels_coordination_{stamp}.csv"
            write_call_list_csv(csv_path, frame, NO_ADVISER)
            written.append(ExportedFile(csv_path, None, frame.height, 0))
    except OutputError as exc:
        if not written:
            raise
        # The files written before the failure stay: say which, so that none is
        # sent thinking the export failed as a whole, or missed.
        names = ", ".join(f.path.name for f in written)
        raise OutputError(f"{exc} Fichiers déjà écrits (complets) : {names}.", exc.path) from exc
    progress(total, total, "Export terminé")
    return CallListExport(written, left_out, cap_text(store))
