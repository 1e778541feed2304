"""The ``planner`` command line: campaigns, imports and the desktop app.

Results go to stdout, progress to stderr. Exit code 0 means success, 2 bad
input or a failure the user can act on (full disk, read-only folder, locked
or damaged campaign), with a French message that says what and where; 1 an
unexpected error (a short message and the path of a crash report holding the
traceback); 130 cancelled.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner import __version__
from planner.cli.argparse_french import argparse_in_french
from planner.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    EXIT_CONFLICT,
    EXIT_CRASH,
    EXIT_OK,
    print_json,
    terminal_text,
)
from planner.cli.parser import Parser
from planner.domain.errors import PlannerError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANCELLED",
    "EXIT_CRASH",
    "EXIT_OK",
    "build_parser",
    "print_json",
    "run",
    "terminal_text",
]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = Parser(prog="planner", description="Planification des task forces entreprises.")
    parser.add_argument(
        "--version",
        action="version",
        version=f"planner {__version__}",
        help="afficher la version et quitter",
    )
    parser.add_argument("--demo", action="store_true", help="ouvrir la campagne de démonstration")
    parser.add_argument(
        "--open", dest="campaign", metavar="FICHIER", help="campagne à ouvrir dans l'application"
    )
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    campaign = sub.add_parser("campaign", help="créer une campagne, changer sa nomenclature")
    campaign_sub = campaign.add_subparsers(dest="action", required=True, parser_class=Parser)
    create = campaign_sub.add_parser("create", help="créer une campagne pour un bassin")
    create.add_argument("file", help="fichier .planner à créer, ou URL postgresql+psycopg://")
    create.add_argument("--name", required=True, help="nom de la campagne")
    group = create.add_mutually_exclusive_group(required=True)
    group.add_argument("--ze", metavar="CODE", help="zone d'emploi 2020 (avec --ze-file)")
    group.add_argument("--bmo", metavar="CODE", help="bassin BMO (avec --bmo-file)")
    group.add_argument("--epci", metavar="SIREN", help="EPCI, par son SIREN")
    group.add_argument("--ept", metavar="CODE", help="établissement public territorial (ex. T6)")
    group.add_argument("--departement", metavar="CODE", help="département (ex. 93)")
    group.add_argument("--communes", metavar="CODES", help="codes commune séparés par des virgules")
    create.add_argument("--ze-file", type=Path, help="classeur INSEE des zones d'emploi (xlsx)")
    create.add_argument("--bmo-file", type=Path, help="table commune → bassin BMO (csv)")
    from planner.cli import nomenclature_commands, shared_campaign_commands

    nomenclature_commands.add_parser(campaign_sub)
    shared_campaign_commands.add_parser(campaign_sub)

    imp = sub.add_parser("import", help="importer des données")
    imp_sub = imp.add_subparsers(dest="source", required=True, parser_class=Parser)
    sirene = imp_sub.add_parser("sirene", help="importer les établissements SIRENE du bassin")
    sirene.add_argument("file", help="campagne (.planner ou URL)")
    sirene.add_argument(
        "--stock", type=Path, required=True, help="StockEtablissement (csv, zip ou parquet)"
    )
    sirene.add_argument(
        "--unites-legales", type=Path, help="StockUniteLegale (csv, zip ou parquet)"
    )
    sirene.add_argument("--geoloc", type=Path, help="GeolocalisationEtablissement (csv ou zip)")
    sirene.add_argument("--include-closed", action="store_true", help="garder les fermés")
    sirene.add_argument(
        "--all-sizes",
        action="store_true",
        help="toutes les tranches d'effectifs, y compris inconnues",
    )
    sirene.add_argument(
        "--include-unknown-size", action="store_true", help="garder les tranches NN ou vides"
    )
    sirene.add_argument(
        "--include-non-employers", action="store_true", help="garder les non-employeurs"
    )
    sirene.add_argument("--json", action="store_true", help="résumé en JSON")

    info = sub.add_parser("info", help="décrire une campagne")
    info.add_argument("file", help="campagne (.planner ou URL)")
    info.add_argument("--json", action="store_true", help="sortie JSON")

    demo = sub.add_parser("demo", help="campagne de démonstration")
    demo_sub = demo.add_subparsers(dest="action", required=True, parser_class=Parser)
    demo_create = demo_sub.add_parser("create", help="écrire la campagne de démonstration")
    demo_create.add_argument("file", help="fichier .planner à créer, ou URL PostgreSQL (base vide)")
    demo_create.add_argument("--rows", type=int, default=15000, help="établissements générés")
    demo_create.add_argument("--seed", type=int, default=2026)

    # Each area registers its own sub-commands and sets ``handler`` on them.
    from planner.cli import (
        access_commands,
        firm_commands,
        followup_commands,
        journal_commands,
        offers_commands,
        partner_portfolio_commands,
        sessions_commands,
        task_force_commands,
    )

    for area in (
        task_force_commands,
        sessions_commands,
        followup_commands,
        firm_commands,
        access_commands,
        journal_commands,
        offers_commands,
        partner_portfolio_commands,
    ):
        area.add_parsers(sub, imp_sub)
    return parser


def run(
    argv: list[str],
    launch_app: Callable[[str | None, bool], int] | None = None,
    print_pdf: Callable[[Any, Path], int] | None = None,
    dashboard_pdf: Callable[..., int] | None = None,
) -> int:
    """Parse and run; return the exit code.

    Args:
        argv: the arguments, without the program name.
        launch_app: opens the desktop app (campaign, demo) when no sub-command
            is given; ``planner.__main__`` passes it, so the CLI never imports Qt.
        print_pdf: prints a ``PrintJob`` to a PDF file through Qt's print system
            (``planner sessions print``); injected the same way.
        dashboard_pdf: prints the dashboard to a PDF file through the app's Qt
            printing (``planner export dashboard --out x.pdf``); injected too.
    """
    shared = ("postgresql://", "postgresql+psycopg://")
    if (
        argv
        and not argv[0].startswith("-")
        and (argv[0].endswith(".planner") or argv[0].startswith(shared))
    ):
        argv = ["--open", argv[0], *argv[1:]]  # ``planner FILE.planner`` (or URL) opens it
    try:
        with argparse_in_french():
            args = build_parser().parse_args(argv)
    except SystemExit as exc:  # usage errors, --help and --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_BAD_INPUT
    from planner.cli import campaign_commands as commands

    try:
        if args.command is None:
            if launch_app is None:
                with argparse_in_french():
                    build_parser().print_usage(sys.stderr)
                return EXIT_BAD_INPUT
            return launch_app(args.campaign, args.demo)
        args.print_pdf = print_pdf
        args.dashboard_pdf = dashboard_pdf
        if getattr(args, "handler", None) is not None:
            return int(args.handler(args))
        handler = {
            "campaign": commands.campaign_create,
            "import": commands.import_sirene,
            "info": commands.info,
            "demo": commands.demo_create,
        }[args.command]
        return handler(args)
    except PlannerError as exc:
        from planner.services.shared_campaign.conflicts import StaleVersion

        print(f"planner : {terminal_text(str(exc))}", file=sys.stderr)
        if isinstance(exc, StaleVersion):
            return EXIT_CONFLICT  # someone changed what this command read: nothing written
        return EXIT_CANCELLED if type(exc).__name__ == "Cancelled" else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(
            "\nplanner : opération annulée, la campagne est restée telle qu'elle était.",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    except Exception as exc:
        return _report_failure(exc, args, argv)


def _report_failure(exc: Exception, args: argparse.Namespace, argv: list[str]) -> int:
    """An error that escaped the commands: a French message, and exit 2 when the
    user can act on it (disk, folder, database), else a crash report and exit 1."""
    from planner.db.store import describe_database_error
    from planner.io.crash_report import crash_message, write_crash_report
    from planner.io.output_file import describe_file_error, os_error_cause

    target = getattr(args, "file", None) or getattr(args, "campaign", None) or ""
    label = "" if "://" in str(target) else Path(str(target)).name
    message = describe_database_error(exc, label)
    if message is None:
        cause = os_error_cause(exc)
        if cause is not None and cause.errno is not None:
            message = describe_file_error(cause, cause.filename or label or "fichier")
    if message is not None:
        print(f"planner : {terminal_text(message)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    report = write_crash_report(type(exc), exc, exc.__traceback__, argv=["planner", *argv])
    print(f"planner : {crash_message(exc, report)}", file=sys.stderr)
    return EXIT_CRASH
