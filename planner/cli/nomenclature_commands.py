"""``planner campaign set FILE --nomenclature rev2|naf2025 [--yes]``."""

from __future__ import annotations

import argparse
from typing import Any

from planner.cli.output import EXIT_OK, print_json
from planner.db.store import open_store
from planner.domain.errors import PlannerError
from planner.domain.nomenclature import NOMENCLATURES, nomenclature_name


def add_parser(campaign_sub: Any) -> None:
    """Register ``campaign set`` under ``planner campaign``."""
    parser = campaign_sub.add_parser(
        "set", help="changer la nomenclature NAF de référence de la campagne"
    )
    parser.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    parser.add_argument(
        "--nomenclature",
        required=True,
        choices=NOMENCLATURES,
        help="rev2 (NAF rév. 2) ou naf2025 (NAF 2025)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="accepter les règles traduites listées (sinon elles sont seulement listées)",
    )
    parser.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="SOURCE=CIBLE[,CIBLE…]",
        help=(
            "pour un lien un pour plusieurs, les sous-classes à garder "
            "(ex. 45.20A=95.31G,95.40Y ; par défaut la sous-classe principale)"
        ),
    )
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    parser.set_defaults(handler=campaign_set)


def campaign_set(args: argparse.Namespace) -> int:
    """List the translated rules and stop; apply them with ``--yes``.

    A campaign with no NAF rule, sector or theme to translate switches at once.
    """
    from planner.services.campaign.nomenclature_switch import (
        apply_switch,
        plan_switch,
    )

    keep = _keep(args.keep)
    with open_store(args.file) as store:
        plan = plan_switch(store, args.nomenclature, keep=keep)
        apply = plan.changes_reference and (args.yes or plan.translates_nothing)
        if apply:
            apply_switch(store, plan)
    if args.json:
        print_json({**plan.to_dict(), "applied": apply})
        return EXIT_OK
    for line in plan.lines():
        print(line)
    name = nomenclature_name(plan.target)
    if apply:
        print(f"Nomenclature de référence de la campagne : {name}. Règles traduites enregistrées.")
    elif plan.changes_reference:
        print(
            "Rien n'a été modifié. Relancez avec --yes pour accepter ces traductions "
            f"et passer la campagne en {name}."
        )
    return EXIT_OK


def _keep(values: list[str]) -> dict[str, tuple[str, ...]]:
    """``["45.20A=95.31G,95.40Y"]`` → ``{"45.20A": ("95.31G", "95.40Y")}``."""
    keep: dict[str, tuple[str, ...]] = {}
    for value in values:
        source, sep, targets = value.partition("=")
        codes = tuple(t.strip() for t in targets.split(",") if t.strip())
        if not sep or not source.strip() or not codes:
            raise PlannerError(
                f"--keep « {value} » : attendu SOURCE=CIBLE[,CIBLE…] (ex. 45.20A=95.31G,95.40Y)."
            )
        keep[source.strip()] = codes
    return keep
