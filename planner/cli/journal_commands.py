"""The campaign's journal: ``planner journal URL [--firm SIRET] [--since jj/mm/aaaa] [--json]``."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text
from planner.domain.errors import PlannerError


def _date(value: str) -> dt.date:
    """``jj/mm/aaaa`` (or ``aaaa-mm-jj``)."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"date illisible : {value!r} (jj/mm/aaaa)")


def _siret(value: str) -> str:
    digits = value.replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        raise argparse.ArgumentTypeError(f"SIRET invalide : {value!r} (14 chiffres)")
    return digits


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"nombre de lignes invalide : {value!r}")
    return number


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register ``planner journal``; it sets handler=function(args) -> int."""
    del import_sub
    journal = sub.add_parser("journal", help="journal des modifications de la campagne")
    journal.add_argument("file", help="campagne (URL PostgreSQL ou fichier .planner)")
    journal.add_argument("--firm", type=_siret, metavar="SIRET", help="seulement cet établissement")
    journal.add_argument("--since", type=_date, metavar="JJ/MM/AAAA", help="à partir de ce jour")
    journal.add_argument(
        "--limit", type=_limit, default=None, help="au plus N lignes, les plus récentes"
    )
    journal.add_argument("--json", action="store_true", help="sortie JSON")
    journal.set_defaults(handler=journal_list)


def journal_list(args: argparse.Namespace) -> int:
    """``planner journal``: newest first."""
    from planner.db.store import is_url, open_store
    from planner.services.shared_campaign.journal import journal_entries

    if not is_url(args.file):
        from pathlib import Path

        if not Path(args.file).exists():
            raise PlannerError(f"Campagne introuvable : {args.file}")
    with open_store(args.file) as store:
        lines = journal_entries(store, siret=args.firm, since=args.since, limit=args.limit)
    if args.json:
        print_json({"lignes": [line.as_json() for line in lines], "nombre": len(lines)})
        return EXIT_OK
    if not lines:
        print("Aucune modification enregistrée.")
        return EXIT_OK
    for line in lines:
        firm = f" [{line.siret}]" if line.siret else ""
        print(terminal_text(f"{line.when}  {line.login}{firm}  {line.description}"))
    return EXIT_OK
