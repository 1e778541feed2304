"""Partners' portfolios: ``import portfolio``, ``partner-portfolios conflicts|settle``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text
from planner.cli.parser import Parser
from planner.cli.progress_bar import TextProgress
from planner.db.store import open_store
from planner.domain.french_numbers import integer


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    portfolio = import_sub.add_parser(
        "portfolio", help="importer le portefeuille d'un partenaire (entreprises qu'il suit déjà)"
    )
    portfolio.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    portfolio.add_argument("--partner", required=True, help="nom du partenaire")
    portfolio.add_argument(
        "--from", dest="portfolio", required=True, type=Path, help="portefeuille .csv ou .xlsx"
    )
    portfolio.add_argument("--json", action="store_true", help="résumé JSON")
    portfolio.add_argument(
        "--dry-run", action="store_true", help="montrer ce que ferait l'import, sans rien écrire"
    )
    portfolio.add_argument(
        "--replace",
        action="store_true",
        help="confirmer le retrait des entreprises du portefeuille actuel absentes du fichier",
    )
    portfolio.add_argument(
        "--siret-column", help="colonne des SIRET (lettre ou en-tête) si plusieurs conviennent"
    )
    portfolio.set_defaults(handler=import_portfolio_command)

    area = sub.add_parser(
        "partner-portfolios", help="conflits entre portefeuilles de partenaires et arbitrage"
    )
    area_sub = area.add_subparsers(dest="action", required=True, parser_class=Parser)
    conflicts = area_sub.add_parser(
        "conflicts", help="entreprises revendiquées par plusieurs partenaires"
    )
    conflicts.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    conflicts.add_argument("--json", action="store_true", help="sortie JSON")
    conflicts.set_defaults(handler=conflicts_command)
    settle = area_sub.add_parser("settle", help="attribuer une entreprise en conflit")
    settle.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    settle.add_argument("siret", help="SIRET de l'entreprise en conflit")
    settle.add_argument("--partner", required=True, help="partenaire retenu")
    settle.add_argument("--json", action="store_true", help="résultat JSON")
    settle.set_defaults(handler=settle_command)


def _dropped_text(count: int) -> str:
    """The firms of the previous import that the new portfolio no longer lists."""
    if count == 1:
        return "1 entreprise n'est plus dans ce portefeuille : elle n'a plus d'équipe."
    return (
        f"{integer(count)} entreprises ne sont plus dans ce portefeuille : "
        "elles n'ont plus d'équipe."
    )


def import_portfolio_command(args: argparse.Namespace) -> int:
    """``planner import portfolio FILE --partner NAME --from PORTFOLIO.csv|xlsx``."""
    from planner.services.task_force.partner_portfolios.claims_import import import_portfolio

    with open_store(args.file) as store:
        result = import_portfolio(
            store,
            args.portfolio,
            args.partner,
            progress=TextProgress(sys.stderr),
            replace=args.replace,
            dry_run=args.dry_run,
            siret_column=args.siret_column,
        )
    if args.json:
        print_json(result.to_json())
    else:
        if result.dry_run:
            print("Simulation (--dry-run) : rien n'a été écrit.")
        print(
            terminal_text(
                f"Portefeuille de {result.partner} : {result.claims} SIRET "
                f"(colonne {result.siret_column})"
            )
        )
        print(f"  attribuées et verrouillées : {result.assigned}")
        for label, items in (
            ("en conflit avec un autre partenaire", result.conflicts),
            ("perdues à l'arbitrage", result.lost),
            ("inconnues de la campagne", result.unknown),
            ("hors de la cible", result.outside),
            ("adresses de conseiller inconnues", result.unknown_emails),
        ):
            if items:
                print(f"  {label} : {len(items)}")
        if result.duplicates:
            print(f"  doublons ignorés : {result.duplicates}")
        if result.dropped:
            print(f"  {_dropped_text(result.dropped)}")
        if result.bad:
            print(f"  lignes ou cellules écartées : {len(result.bad)}")
    for item in (
        *result.conflicts,
        *result.lost,
        *result.unknown,
        *result.outside,
        *result.unknown_emails,
    ):
        print(terminal_text(f"  {result.file}, {item.message}"), file=sys.stderr)
    for bad in result.bad:
        print(terminal_text(f"  {result.file}, {bad.message}"), file=sys.stderr)
    return EXIT_OK


def conflicts_command(args: argparse.Namespace) -> int:
    """``planner partner-portfolios conflicts FILE``."""
    from planner.services.task_force.partner_portfolios.conflicts import list_conflicts

    with open_store(args.file) as store:
        conflicts = list_conflicts(store)
    if args.json:
        print_json([c.to_json() for c in conflicts])
        return EXIT_OK
    if not conflicts:
        print("Aucun conflit entre portefeuilles.")
    for conflict in conflicts:
        print(terminal_text(f"{conflict.siret}  {conflict.name} ({conflict.commune})"))
        for claim in conflict.claims:
            print(terminal_text(f"  - {claim.describe()}"))
    return EXIT_OK


def settle_command(args: argparse.Namespace) -> int:
    """``planner partner-portfolios settle FILE SIRET --partner NAME``."""
    from planner.services.task_force.partner_portfolios.claims_import import find_partner
    from planner.services.task_force.partner_portfolios.conflicts import settle_conflict

    with open_store(args.file) as store:
        partner_id, _name = find_partner(store, args.partner)
        settled = settle_conflict(store, args.siret.strip(), partner_id)
    if args.json:
        print_json({"siret": settled.siret, "partner": settled.partner, "lost": list(settled.lost)})
    else:
        print(
            terminal_text(
                f"{settled.siret} ({settled.name}) attribuée à {settled.partner} et verrouillée ; "
                f"revendication perdue : {', '.join(settled.lost)}."
            )
        )
    return EXIT_OK
