"""``planner export dashboard`` and ``planner export sessions``: the app's exports, scriptable."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.cli.output import EXIT_OK
from planner.cli.sessions_commands import _date
from planner.domain.errors import InputError, PlannerError

if TYPE_CHECKING:
    from planner.services.followup.dashboard.data import Axis

BY_AXIS: dict[str, Axis] = {
    "partner": "partner",
    "team": "team",
    "adviser": "adviser",
    "commune": "commune",
    "naf": "section",
}


def add_export_parsers(export_sub: Any) -> None:
    """Register ``export dashboard`` and ``export sessions`` under ``planner export``."""
    dashboard = export_sub.add_parser(
        "dashboard", help="tableau de bord du suivi en classeur Excel ou en PDF"
    )
    dashboard.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    dashboard.add_argument(
        "--out", required=True, type=Path, help="fichier à écrire : tableau.xlsx ou tableau.pdf"
    )
    dashboard.add_argument(
        "--by",
        choices=tuple(BY_AXIS),
        help="une seule vue : par partenaire, équipe, conseiller, commune ou section NAF "
        "(défaut : toutes)",
    )
    dashboard.add_argument(
        "--from",
        dest="start",
        type=_date,
        help="premier jour compté pour le parcours et les accompagnées (jj/mm/aaaa ; "
        "défaut : début de la campagne)",
    )
    dashboard.add_argument(
        "--to",
        dest="end",
        type=_date,
        help="dernier jour compté (jj/mm/aaaa ; défaut : aujourd'hui)",
    )
    dashboard.set_defaults(handler=export_dashboard)

    sessions = export_sub.add_parser("sessions", help="séances et invités en classeur Excel")
    sessions.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    sessions.add_argument("--out", required=True, type=Path, help="classeur .xlsx à écrire")
    sessions.add_argument("--from", dest="start", type=_date, help="premier jour (jj/mm/aaaa)")
    sessions.add_argument("--to", dest="end", type=_date, help="dernier jour (jj/mm/aaaa)")
    sessions.add_argument("--partner", help="seulement les séances de ce partenaire")
    sessions.set_defaults(handler=export_sessions)


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise InputError(
            f"extension « {out.suffix or 'aucune'} » non prise en charge "
            f"(attendu : {' ou '.join(allowed)})",
            file=str(out),
        )
    return suffix


def export_dashboard(args: argparse.Namespace) -> int:
    """``planner export dashboard FILE --out tableau.xlsx|.pdf [--by AXE] [--from] [--to]``."""
    from planner.db.store import open_store
    from planner.services.followup.dashboard.data import AXES, load_followup
    from planner.services.followup.dashboard.journey import Period, default_period
    from planner.services.followup.dashboard.workbook import write_dashboard_workbook

    suffix = _suffix(args.out, (".xlsx", ".pdf"))
    if args.start and args.end and args.end < args.start:
        raise PlannerError("--to précède --from.")
    axes = (BY_AXIS[args.by],) if args.by else AXES
    printer = getattr(args, "dashboard_pdf", None)
    if suffix == ".pdf" and printer is None:
        raise PlannerError("Le PDF demande l'application de bureau (Qt) : lancez `planner`.")
    with open_store(args.file) as store:
        period = None
        if args.start or args.end:
            default = default_period(store)
            start = args.start or min(default.start, args.end)
            period = Period(start, args.end or max(default.end, start))
        data = load_followup(store, period)
    if suffix == ".xlsx":
        write_dashboard_workbook(data, args.out, axes=axes)
        print(f"Tableau de bord écrit dans {args.out} ({len(axes)} vue(s)).")
    else:
        assert printer is not None
        pages = int(printer(data, args.out, axes))
        print(f"Tableau de bord écrit dans {args.out} ({pages} page(s)).")
    return EXIT_OK


def export_sessions(args: argparse.Namespace) -> int:
    """``planner export sessions FILE --out seances.xlsx [--from] [--to] [--partner]``."""
    from planner.db.store import open_store
    from planner.services.sessions.excel_export import write_sessions_workbook
    from planner.services.sessions.planning import list_sessions

    _suffix(args.out, (".xlsx",))
    if args.start and args.end and args.end < args.start:
        raise PlannerError("--to précède --from.")
    with open_store(args.file) as store:
        records = list_sessions(store, start=args.start, end=args.end, partner=args.partner)
        write_sessions_workbook(store, records, args.out)
    print(f"{len(records)} séance(s) écrite(s) dans {args.out}")
    return EXIT_OK
