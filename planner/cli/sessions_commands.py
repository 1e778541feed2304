"""Job-discovery sessions: ``sessions list|print|ics``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from planner.cli.output import EXIT_OK, print_json
from planner.domain.errors import InputError, PlannerError


def _date(value: str) -> dt.date:
    """``jj/mm/aaaa`` or ``aaaa-mm-jj``."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"date illisible : {value!r} (jj/mm/aaaa ou aaaa-mm-jj)")


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    del import_sub
    sessions = sub.add_parser("sessions", help="séances de découverte des métiers")
    actions = sessions.add_subparsers(dest="action", required=True, parser_class=type(sessions))
    listing = actions.add_parser("list", help="lister les séances et leurs conflits")
    listing.add_argument("file", help="fichier .planner ou URL PostgreSQL")
    listing.add_argument("--from", dest="start", type=_date, help="premier jour (jj/mm/aaaa)")
    listing.add_argument("--to", dest="end", type=_date, help="dernier jour (jj/mm/aaaa)")
    listing.add_argument("--partner", help="seulement les séances de ce partenaire")
    listing.add_argument("--json", action="store_true", help="sortie JSON")
    listing.set_defaults(handler=sessions_list)

    printing = actions.add_parser("print", help="imprimer le programme en PDF (A4)")
    printing.add_argument("file", help="fichier .planner ou URL PostgreSQL")
    printing.add_argument("--from", dest="start", type=_date, required=True)
    printing.add_argument("--to", dest="end", type=_date, required=True)
    printing.add_argument("--partner", help="seulement les séances de ce partenaire")
    printing.add_argument("--out", required=True, type=Path, help="fichier PDF à écrire")
    printing.set_defaults(handler=sessions_print)

    ics = actions.add_parser("ics", help="exporter les séances en iCalendar (.ics)")
    ics.add_argument("file", help="fichier .planner ou URL PostgreSQL")
    ics.add_argument("--from", dest="start", type=_date)
    ics.add_argument("--to", dest="end", type=_date)
    ics.add_argument("--partner", help="seulement les séances de ce partenaire")
    ics.add_argument("--out", required=True, type=Path, help="fichier .ics à écrire")
    ics.set_defaults(handler=sessions_ics)


def _records(
    args: argparse.Namespace, *, clashes: bool = False
) -> tuple[list[Any], str, list[Any]]:
    """The sessions the arguments ask for, the campaign's name, and (if asked) every clash."""
    from planner.db.store import open_store
    from planner.services.campaign.campaign_file import read_header
    from planner.services.sessions.planning import list_sessions, plan_clashes

    if args.start and args.end and args.end < args.start:
        raise PlannerError("--to précède --from.")
    with open_store(args.file) as store:
        records = list_sessions(store, start=args.start, end=args.end, partner=args.partner)
        name = read_header(store).name
        found = plan_clashes(store) if clashes else []
    return records, name, found


def sessions_list(args: argparse.Namespace) -> int:
    """``planner sessions list``."""
    from planner.domain.session_labels import kind_label, status_label

    records, _, clashes = _records(args, clashes=True)
    shown = {r.id for r in records}
    clashes = [c for c in clashes if c.session_id in shown or c.other_id in shown]
    if args.json:
        print_json(
            {
                "sessions": [
                    {
                        "id": r.id,
                        "kind": r.kind,
                        "title": r.title,
                        "starts_at": r.starts_at.isoformat(timespec="minutes"),
                        "ends_at": r.ends_at.isoformat(timespec="minutes"),
                        "status": r.status,
                        "venue": r.venue.name if r.venue else None,
                        "address": r.venue.address if r.venue else None,
                        "capacity": r.capacity,
                        "invitees": r.invitees,
                        "partners": list(r.partners.values()),
                        "advisers": list(r.advisers.values()),
                        "hosts": list(r.hosts),
                        "themes": [f"{k}:{c}" for k, c in r.themes],
                        "recurrence": r.recurrence,
                    }
                    for r in records
                ],
                "clashes": [
                    {
                        "severity": c.severity,
                        "rule": c.rule,
                        "session_id": c.session_id,
                        "other_id": c.other_id,
                        "message": c.message,
                    }
                    for c in clashes
                ],
            }
        )
        return EXIT_OK
    for r in records:
        where = r.venue.name if r.venue else "lieu à définir"
        print(
            f"{r.id:>5}  {r.starts_at:%d/%m/%Y %H:%M}-{r.ends_at:%H:%M}  "
            f"{status_label(r.status):<9}  {kind_label(r.kind)} — {r.title} ({where})"
        )
    for c in clashes:
        print(f"{'ERREUR' if c.is_error else 'attention'} : {c.message}")
    return EXIT_OK


def sessions_ics(args: argparse.Namespace) -> int:
    """``planner sessions ics``."""
    from planner.services.sessions.ics_export import write_ics

    records, name, _ = _records(args)
    try:
        write_ics(records, name, args.out)
    except OSError as exc:
        raise InputError(f"écriture impossible ({exc.strerror})", file=str(args.out)) from exc
    print(f"{len(records)} séance(s) écrite(s) dans {args.out}")
    return EXIT_OK


def sessions_print(args: argparse.Namespace) -> int:
    """``planner sessions print``: the schedule goes through Qt's print system (injected)."""
    from planner.services.sessions.schedule import schedule_job

    printer = getattr(args, "print_pdf", None)
    if printer is None:
        raise PlannerError("L'impression demande l'application de bureau (Qt) : lancez `planner`.")
    records, name, _ = _records(args)
    scope = f"Partenaire : {args.partner}" if args.partner else ""
    job = schedule_job(records, name, args.start, args.end, scope=scope)
    try:
        pages = int(printer(job, args.out))
    except OSError as exc:
        raise InputError(f"écriture impossible ({exc})", file=str(args.out)) from exc
    print(f"{len(records)} séance(s), {pages} page(s) écrites dans {args.out}")
    return EXIT_OK
