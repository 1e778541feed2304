"""Access to a shared campaign: ``access grant``, ``access revoke`` and ``access list``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text

_ROLES = ("coordination", "partenaire", "conseiller")


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    del import_sub
    access = sub.add_parser(
        "access", help="comptes PostgreSQL d'une campagne partagée et leurs rôles"
    )
    access_sub = access.add_subparsers(dest="access_command", required=True)
    grant = access_sub.add_parser("grant", help="donner un rôle à un compte")
    grant.add_argument("file", metavar="URL", help="campagne partagée (URL postgresql+psycopg://)")
    grant.add_argument("--login", required=True, help="compte PostgreSQL (créé s'il n'existe pas)")
    grant.add_argument("--role", required=True, choices=_ROLES, help="rôle du compte")
    grant.add_argument("--partner", metavar="NOM", help="partenaire du compte (rôle partenaire)")
    grant.add_argument("--adviser", metavar="EMAIL", help="conseiller du compte (rôle conseiller)")
    grant.add_argument(
        "--password-stdin",
        action="store_true",
        help="lire le mot de passe du compte sur l'entrée standard (première ligne)",
    )
    grant.add_argument("--json", action="store_true", help="sortie JSON")
    grant.set_defaults(handler=access_grant)
    revoke = access_sub.add_parser("revoke", help="retirer son accès à un compte")
    revoke.add_argument("file", metavar="URL", help="campagne partagée")
    revoke.add_argument("--login", required=True, help="compte PostgreSQL")
    revoke.add_argument("--json", action="store_true", help="sortie JSON")
    revoke.set_defaults(handler=access_revoke)
    listing = access_sub.add_parser("list", help="lister les comptes et leurs rôles")
    listing.add_argument("file", metavar="URL", help="campagne partagée")
    listing.add_argument("--json", action="store_true", help="sortie JSON")
    listing.set_defaults(handler=access_list)


def _describe(role: str, partner: str | None, adviser: str | None) -> str:
    if role == "partenaire":
        return f"partenaire « {partner} »"
    if role == "conseiller":
        return f"conseiller {adviser} (« {partner} »)"
    return role


def access_grant(args: argparse.Namespace) -> int:
    """``planner access grant URL --login L --role R [--partner NOM] [--adviser EMAIL]``."""
    from planner.domain.errors import PlannerError
    from planner.services.shared_campaign.access import grant

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise PlannerError("Mot de passe vide sur l'entrée standard : rien n'a été modifié.")
    line = grant(
        args.file,
        args.login,
        args.role,
        partner=args.partner,
        adviser_email=args.adviser,
        password=password,
    )
    if args.json:
        print_json(line.to_dict())
    else:
        what = _describe(line.role, line.partner_name, line.adviser_email)
        print(terminal_text(f"Accès donné : {line.login}, {what}."))
        if password is None:
            print(
                "planner : aucun mot de passe donné (--password-stdin) : le compte ne se "
                "connecte que si le serveur lui fait confiance sans mot de passe (trust, peer).",
                file=sys.stderr,
            )
    return EXIT_OK


def access_revoke(args: argparse.Namespace) -> int:
    """``planner access revoke URL --login L``."""
    from planner.services.shared_campaign.access import revoke

    done = revoke(args.file, args.login)
    if args.json:
        print_json({"login": done.login, "role": done.role, "login_dropped": done.login_dropped})
    else:
        tail = (
            " ; le compte PostgreSQL, créé par planner et sans autre accès, est supprimé."
            if done.login_dropped
            else " ; le compte PostgreSQL est conservé."
        )
        print(terminal_text(f"Accès retiré : {done.login} ({done.role}){tail}"))
    return EXIT_OK


def access_list(args: argparse.Namespace) -> int:
    """``planner access list URL [--json]``."""
    from planner.services.shared_campaign.access import list_access

    lines = list_access(args.file)
    if args.json:
        print_json([line.to_dict() for line in lines])
        return EXIT_OK
    if not lines:
        print(
            "Aucun accès donné : seuls le propriétaire de la base et les superutilisateurs "
            "ouvrent cette campagne."
        )
    for line in lines:
        what = _describe(line.role, line.partner_name, line.adviser_email)
        print(terminal_text(f"{line.login} — {what} — depuis le {line.granted_at:%d/%m/%Y}"))
    return EXIT_OK
