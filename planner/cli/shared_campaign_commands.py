"""The shared campaign on PostgreSQL: ``planner campaign publish FILE.planner URL``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text
from planner.cli.progress_bar import TextProgress


def add_parser(campaign_sub: Any) -> None:
    """Register ``campaign publish`` under ``planner campaign``."""
    parser = campaign_sub.add_parser(
        "publish", help="publier une campagne (.planner) dans une base PostgreSQL vide"
    )
    parser.add_argument("file", help="campagne à publier (fichier .planner, lu seulement)")
    parser.add_argument(
        "url", help="base PostgreSQL vide : postgresql+psycopg://utilisateur@serveur:5432/base"
    )
    parser.add_argument("--json", action="store_true", help="résumé en JSON")
    parser.set_defaults(handler=campaign_publish)


def campaign_publish(args: argparse.Namespace) -> int:
    """``planner campaign publish``: copy the file into the empty database, in one transaction."""
    from planner.services.shared_campaign.publish import publish

    summary = publish(args.file, args.url, progress=TextProgress(sys.stderr))
    if args.json:
        print_json(
            {
                "source": str(summary.source),
                "target": summary.target,
                "campaign": summary.campaign,
                "migrated_from": summary.migrated_from,
                "tables": summary.counts(),
                "total_rows": summary.total_rows,
            }
        )
        return EXIT_OK
    print(
        terminal_text(
            f"Campagne « {summary.campaign} » publiée sur {summary.target} : "
            f"{summary.total_rows} ligne(s) copiée(s)."
        )
    )
    if summary.migrated_from:
        print(
            f"(Le fichier était au schéma {summary.migrated_from} : la copie publiée a été "
            "mise à jour, le fichier n'a pas été modifié.)"
        )
    for count in summary.tables:
        if count.rows:
            print(f"  {count.table:<22} {count.rows:>9}")
    return EXIT_OK
