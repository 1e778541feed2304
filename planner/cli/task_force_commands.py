"""Task force: ``teams import``, ``teams template``, ``teams list`` and ``divide``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text
from planner.domain.french_numbers import decimal, integer


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    del import_sub
    teams = sub.add_parser("teams", help="partenaires, équipes et conseillers de la task force")
    teams_sub = teams.add_subparsers(dest="teams_command", required=True)
    imp = teams_sub.add_parser("import", help="importer le classeur des équipes")
    imp.add_argument("campaign", help="fichier .planner ou URL PostgreSQL")
    imp.add_argument("--from", dest="workbook", required=True, type=Path, help="classeur .xlsx")
    imp.add_argument("--json", action="store_true", help="résumé en JSON")
    imp.set_defaults(handler=teams_import)
    template = teams_sub.add_parser("template", help="écrire un classeur des équipes à remplir")
    template.add_argument("output", type=Path, help="classeur .xlsx à écrire")
    template.set_defaults(handler=teams_template)
    listing = teams_sub.add_parser("list", help="lister les équipes, capacités et affectations")
    listing.add_argument("campaign")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=teams_list)
    divide = sub.add_parser("divide", help="répartir les entreprises entre équipes et conseillers")
    divide.add_argument("campaign", help="fichier .planner ou URL PostgreSQL")
    divide.add_argument("--seed", type=int, default=0, help="graine (résultat reproductible)")
    divide.add_argument(
        "--accept-overload",
        action="store_true",
        help="répartir même si les règles imposent de dépasser une capacité",
    )
    divide.add_argument("--json", action="store_true", help="indicateurs de qualité en JSON")
    divide.set_defaults(handler=divide_command)


def teams_import(args: argparse.Namespace) -> int:
    """``planner teams import FILE --from TEAMS.xlsx``."""
    from dataclasses import asdict

    from planner.db.store import open_store
    from planner.services.task_force.teams_import import import_teams

    with open_store(args.campaign) as store:
        counts = import_teams(store, args.workbook)
    if args.json:
        print_json(asdict(counts))
    else:
        print(
            f"{counts.partners} partenaires, {counts.teams} équipes, "
            f"{counts.advisers} conseillers importés."
        )
        if counts.removed_teams or counts.removed_partners:
            print(
                f"Absents du classeur, donc supprimés : {counts.removed_partners} partenaires, "
                f"{counts.removed_teams} équipes ; {counts.unassigned_firms} entreprises "
                "n'ont plus d'équipe (relancez « planner divide »)."
            )
    return EXIT_OK


def teams_template(args: argparse.Namespace) -> int:
    """``planner teams template OUT.xlsx``."""
    from planner.io.teams_workbook import write_teams_template

    write_teams_template(args.output)
    print(f"Modèle écrit : {args.output}")
    return EXIT_OK


def teams_list(args: argparse.Namespace) -> int:
    """``planner teams list FILE``."""
    from dataclasses import asdict

    from planner.db.store import open_store
    from planner.services.task_force.summary import team_rows

    with open_store(args.campaign) as store:
        rows = team_rows(store)
    if args.json:
        print_json([asdict(row) for row in rows])
        return EXIT_OK
    for row in rows:
        print(
            terminal_text(
                f"{row.team} ({row.partner}) : {integer(row.assigned)} / "
                f"{integer(row.capacity)} entreprises, {integer(row.advisers)} conseillers"
            )
        )
    return EXIT_OK


def divide_command(args: argparse.Namespace) -> int:
    """``planner divide FILE [--seed N] [--json]``."""
    from dataclasses import asdict

    from planner.cli.progress_bar import TextProgress
    from planner.db.store import open_store
    from planner.services.task_force.division.run import divide_campaign

    with open_store(args.campaign) as store:
        report = divide_campaign(
            store,
            seed=args.seed,
            accept_overload=args.accept_overload,
            progress=TextProgress(),
        )
    for problem in report.problems:
        print(f"planner : {terminal_text(str(problem))}", file=sys.stderr)
    if args.json:
        print_json(asdict(report))
        return EXIT_OK
    print(
        f"{integer(report.assigned)} entreprises réparties sur {integer(report.firms)}, "
        f"{integer(report.moved)} changent d'équipe ; écart maximal à la capacité "
        f"{decimal(report.max_deviation_pct, 2)} % ; distance au centre de l'équipe : "
        f"moyenne {decimal(report.mean_km, 2)} km, 90e centile {decimal(report.p90_km, 2)} km."
    )
    for row in report.teams:
        print(
            f"  {row.team} : {integer(row.firms)} / {integer(row.target)} "
            f"({'+' if row.deviation_pct >= 0 else '-'}{decimal(abs(row.deviation_pct), 2)} %), "
            f"{decimal(row.mean_km, 2)} km, {row.pieces} morceau(x)"
        )
    for reason, count in report.unassigned.items():
        print(f"  non réparties : {integer(count)} ({reason})")
    return EXIT_OK
