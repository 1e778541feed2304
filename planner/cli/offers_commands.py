"""The catalogue of the shared service offer: ``planner offers list FILE [--json]`` and
``planner offers add FILE --name N [--code C] [--counts-as-accompaniment]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text
from planner.domain.errors import PlannerError


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register ``planner offers``; it sets handler=function(args) -> int."""
    del import_sub
    offers = sub.add_parser("offers", help="offre de services de la task force (catalogue)")
    offers_sub = offers.add_subparsers(dest="offers_command", required=True)
    listing = offers_sub.add_parser("list", help="lister le catalogue des services")
    listing.add_argument("file", help="campagne (URL PostgreSQL ou fichier .planner)")
    listing.add_argument("--json", action="store_true", help="sortie JSON")
    listing.set_defaults(handler=offers_list)
    add = offers_sub.add_parser("add", help="ajouter un service au catalogue")
    add.add_argument("file", help="campagne (URL PostgreSQL ou fichier .planner)")
    add.add_argument("--name", required=True, help="nom du service")
    add.add_argument("--code", help="code court (déduit du nom si absent)")
    add.add_argument(
        "--counts-as-accompaniment",
        action="store_true",
        help="un service réalisé rend l'établissement « accompagné »",
    )
    add.add_argument("--quantity-label", help="ce que compte le nombre (postes, personnes)")
    add.add_argument("--json", action="store_true", help="sortie JSON")
    add.set_defaults(handler=offers_add)


def _check_file(target: str) -> None:
    from planner.db.store import is_url

    if not is_url(target) and not Path(target).exists():
        raise PlannerError(f"Campagne introuvable : {target}")


def _as_json(offer: Any) -> dict[str, Any]:
    return {
        "id": offer.id,
        "code": offer.code,
        "nom": offer.name,
        "compte_comme_accompagnement": offer.counts_as_accompaniment,
        "nombre_compte": offer.quantity_label,
        "ordre": offer.position,
        "archive": not offer.active,
        "partenaires": list(offer.partners),
        "version": offer.version,
    }


def _line(offer: Any) -> str:
    flags = ["accompagnement" if offer.counts_as_accompaniment else "hors accompagnement"]
    if offer.quantity_label:
        flags.append(f"nombre de {offer.quantity_label}")
    flags.append(", ".join(offer.partners) if offer.partners else "tous les partenaires")
    if not offer.active:
        flags.append("archivé")
    return terminal_text(f"{offer.code:<20} {offer.name} ({' ; '.join(flags)})")


def offers_list(args: argparse.Namespace) -> int:
    """``planner offers list``: the catalogue in its order."""
    from planner.db.store import open_store
    from planner.services.offers.catalogue import list_offers

    _check_file(args.file)
    with open_store(args.file) as store, store.session() as session:
        offers = list_offers(session)
    if args.json:
        print_json({"services": [_as_json(o) for o in offers], "nombre": len(offers)})
        return EXIT_OK
    if not offers:
        print("Le catalogue est vide.")
    for offer in offers:
        print(_line(offer))
    return EXIT_OK


def offers_add(args: argparse.Namespace) -> int:
    """``planner offers add``: append a service (its code derived from the name if absent)."""
    from planner.db.store import open_store
    from planner.services.offers.catalogue_edit import add_offer

    _check_file(args.file)
    with open_store(args.file) as store:
        offer = add_offer(
            store,
            args.name,
            args.code,
            counts_as_accompaniment=args.counts_as_accompaniment,
            quantity_label=args.quantity_label,
        )
    if args.json:
        print_json(_as_json(offer))
    else:
        print(terminal_text(f"Service ajouté : {offer.code} — {offer.name}"))
    return EXIT_OK
