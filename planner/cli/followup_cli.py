"""Call lists and outcomes: ``export call-lists``, ``import outcomes``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli.main import print_json
from planner.db.store import open_store


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    export = sub.add_parser("export", help="exporter des listes d'appels")
    export_sub = export.add_subparsers(dest="what", required=True)
    calls = export_sub.add_parser("call-lists", help="un classeur Excel par partenaire")
    calls.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    calls.add_argument("--out", required=True, type=Path, help="dossier de destination")
    calls.add_argument("--partner", help="un seul partenaire (nom exact)")
    calls.add_argument(
        "--per",
        choices=("adviser", "team"),
        default="adviser",
        help="un onglet par conseiller (défaut) ou par équipe",
    )
    calls.add_argument("--json", action="store_true", help="résumé JSON")
    calls.set_defaults(handler=export_call_lists_command)

    outcomes = import_sub.add_parser("outcomes", help="relire les listes d'appels complétées")
    outcomes.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    outcomes.add_argument("workbooks", nargs="+", type=Path, help="classeurs complétés")
    outcomes.add_argument("--dry-run", action="store_true", help="aperçu sans rien écrire")
    outcomes.add_argument(
        "--with-conflicts", action="store_true", help="enregistrer aussi les lignes en conflit"
    )
    outcomes.add_argument(
        "--rejected-out", type=Path, help="classeur des lignes rejetées à renvoyer au partenaire"
    )
    outcomes.add_argument("--json", action="store_true", help="résultat JSON")
    outcomes.set_defaults(handler=import_outcomes_command)


def export_call_lists_command(args: argparse.Namespace) -> int:
    from planner.services.call_lists import export_call_lists

    store = open_store(args.file)
    try:
        files = export_call_lists(store, args.out, partner=args.partner, per=args.per)
    finally:
        store.close()
    if args.json:
        print_json(
            {
                "files": [
                    {"path": str(f.path), "partner": f.partner, "rows": f.rows, "sheets": f.sheets}
                    for f in files
                ]
            }
        )
    else:
        for f in files:
            print(f"{f.path} : {f.rows} entreprises")
    return 0


def import_outcomes_command(args: argparse.Namespace) -> int:
    from planner.services.outcomes_import import (
        apply_outcomes,
        export_rejections,
        preview_outcomes,
    )

    store = open_store(args.file)
    try:
        preview = preview_outcomes(store, args.workbooks)
        written = 0
        if not args.dry_run:
            written = apply_outcomes(store, preview, include_conflicts=args.with_conflicts)
    finally:
        store.close()
    if args.rejected_out and preview.rejected:
        export_rejections(args.rejected_out, preview.rejected)
    if args.json:
        print_json({**preview.to_json(), "written": written, "dry_run": args.dry_run})
        return 0
    print(f"Acceptées : {len(preview.accepted)}")
    print(f"Rejetées : {len(preview.rejected)}")
    print(f"Conflits : {len(preview.conflicts)}")
    for rejection in preview.rejected:
        print(f"  {rejection.message}", file=sys.stderr)
    for conflict in preview.conflicts:
        row = conflict.row
        print(
            f"  conflit {row.file}, onglet {row.sheet}, ligne {row.row} : {conflict.reason}",
            file=sys.stderr,
        )
    print(
        "Aperçu seulement : rien n'a été écrit."
        if args.dry_run
        else f"Contacts enregistrés : {written}"
    )
    return 0
