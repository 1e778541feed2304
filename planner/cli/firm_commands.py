"""One firm from the command line: ``firm show``, ``firm assign``, ``firm block``,
``firm unblock`` and ``contact add``.

``firm assign --if-version N`` writes only if the firm's assignment is still
at version N (as ``firm show`` gave it); otherwise it exits with code 3 and a
French message naming the current version and who changed it, and changes
nothing. Scripts (and the load benchmark) use these to work on a shared
campaign without losing anyone's update.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from planner.cli.output import EXIT_BAD_INPUT, EXIT_CONFLICT, EXIT_OK, print_json, terminal_text
from planner.domain import clock


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register ``planner firm show|assign`` and ``planner contact add``."""
    del import_sub
    firm = sub.add_parser("firm", help="un établissement : son attribution, ses contacts")
    firm_sub = firm.add_subparsers(dest="firm_command", required=True)
    show = firm_sub.add_parser("show", help="équipe, conseiller, verrou, version, contacts")
    show.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    show.add_argument("siret", help="SIRET de l'établissement")
    show.add_argument("--json", action="store_true", help="sortie JSON")
    show.set_defaults(handler=firm_show)
    assign = firm_sub.add_parser("assign", help="attribuer l'établissement à une équipe")
    assign.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    assign.add_argument("siret", help="SIRET de l'établissement")
    assign.add_argument("--team", required=True, metavar="NOM", help="nom de l'équipe")
    assign.add_argument("--adviser", metavar="EMAIL", help="conseiller attitré (son e-mail)")
    locking = assign.add_mutually_exclusive_group()
    locking.add_argument(
        "--lock",
        action="store_true",
        help="verrouiller l'attribution ; nécessaire (ou --unlock) pour déplacer un "
        "établissement verrouillé dans une autre équipe, qui reste alors verrouillé",
    )
    locking.add_argument(
        "--unlock",
        action="store_true",
        help="déverrouiller (sinon le verrou reste tel quel) ; déplace aussi un "
        "établissement verrouillé dans une autre équipe. Sans --lock ni --unlock, un "
        "établissement verrouillé (portefeuille d'un partenaire ou à la main) n'est pas "
        "déplacé : code de sortie 2",
    )
    assign.add_argument(
        "--if-version",
        metavar="N",
        help="n'écrire que si la version de l'attribution est toujours N "
        "(« aucune » : l'établissement n'avait pas d'équipe)",
    )
    assign.add_argument("--json", action="store_true", help="sortie JSON")
    assign.set_defaults(handler=firm_assign)
    block = firm_sub.add_parser(
        "block", help="marquer l'établissement « ne pas solliciter » (hors des listes d'appels)"
    )
    block.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    block.add_argument("siret", help="SIRET de l'établissement")
    block.add_argument(
        "--reason",
        required=True,
        metavar="TEXTE",
        help="motif : « refus », « entreprise fermée », « déjà suivie » ou tout autre texte",
    )
    block.add_argument("--until", metavar="jj/mm/aaaa", help="dernier jour où la marque tient")
    block.add_argument("--json", action="store_true", help="sortie JSON")
    block.set_defaults(handler=firm_block_command)
    unblock = firm_sub.add_parser("unblock", help="lever la marque « ne pas solliciter »")
    unblock.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    unblock.add_argument("siret", help="SIRET de l'établissement")
    unblock.add_argument("--json", action="store_true", help="sortie JSON")
    unblock.set_defaults(handler=firm_unblock_command)
    contact = sub.add_parser("contact", help="contacts avec les établissements")
    contact_sub = contact.add_subparsers(dest="contact_command", required=True)
    add = contact_sub.add_parser("add", help="enregistrer un contact et son issue")
    add.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    add.add_argument("siret", help="SIRET de l'établissement")
    add.add_argument("--outcome", required=True, metavar="TEXTE", help="issue de l'appel")
    add.add_argument("--date", metavar="jj/mm/aaaa", help="date du contact (aujourd'hui sinon)")
    add.add_argument("--adviser", metavar="EMAIL", help="conseiller qui a appelé (son e-mail)")
    add.add_argument("--note", metavar="TEXTE", help="commentaire")
    add.add_argument("--json", action="store_true", help="sortie JSON")
    add.set_defaults(handler=contact_add)


def _print_state(state: Any, mark_line: str | None = None) -> None:
    team = state.team or "aucune"
    lines = [
        f"{state.name} — SIRET {state.siret}" + (f" — {state.commune}" if state.commune else ""),
        f"Équipe : {team}" + (f" ({state.partner})" if state.partner else ""),
        f"Conseiller : {state.adviser or '—'}"
        + (f" <{state.adviser_email}>" if state.adviser_email else ""),
        f"Verrouillée : {'oui' if state.locked else 'non'}",
        f"Version : {state.version if state.version is not None else 'aucune'}",
    ]
    if mark_line is not None:
        lines.append(mark_line)
    if state.contacts:
        lines.append("Derniers contacts :")
        lines.extend(
            f"  {c.date:%d/%m/%Y} — {c.outcome}"
            + (f" — {c.adviser}" if c.adviser else "")
            + (f" — {c.note}" if c.note else "")
            for c in state.contacts
        )
    print(terminal_text("\n".join(lines)))


def _mark_json(mark: Any, today: dt.date) -> dict[str, object] | None:
    """The firm's « ne pas solliciter » mark as ``firm show --json`` gives it."""
    if mark is None:
        return None
    return {
        "reason": mark.reason,
        "reason_label": mark.reason_label,
        "note": mark.note,
        "until": f"{mark.until:%d/%m/%Y}" if mark.until else None,
        "in_force": mark.holds_on(today),
        "blocked_by": mark.blocked_by,
    }


def _mark_line(mark: Any, today: dt.date) -> str:
    """The firm's « ne pas solliciter » mark in one line of ``firm show``."""
    if mark is None:
        return "Ne pas solliciter : non"
    note = f" ({mark.note})" if mark.note else ""
    if mark.until is None:
        end = "sans échéance"
    elif mark.holds_on(today):
        end = f"jusqu'au {mark.until:%d/%m/%Y}"
    else:
        end = f"échue le {mark.until:%d/%m/%Y}, ne s'applique plus"
    by = f", posée par {mark.blocked_by}" if mark.blocked_by else ""
    return f"Ne pas solliciter : oui — {mark.reason_label}{note}, {end}{by}"


def firm_show(args: argparse.Namespace) -> int:
    """``planner firm show URL SIRET [--json]``: assignment, « ne pas solliciter » mark
    (reason, end date), last contacts."""
    from planner.db.store import open_store
    from planner.services.followup.solicitation.blocks import firm_block
    from planner.services.shared_campaign.firm_edits import show_firm

    today = clock.today()
    with open_store(args.file) as store:
        state = show_firm(store, args.siret)
        with store.session() as session:
            mark = firm_block(session, state.siret)
    if args.json:
        print_json({**state.to_json(), "do_not_solicit": _mark_json(mark, today)})
    else:
        _print_state(state, _mark_line(mark, today))
    return EXIT_OK


def _if_version(text: str | None) -> int | None:
    from planner.services.shared_campaign.firm_edits import UNSET

    if text is None:
        return UNSET
    if text.strip().casefold() in {"aucune", "none", "null", ""}:
        return None
    try:
        value = int(text)
    except ValueError:
        value = -2
    if value < 0:
        print(
            f"planner : --if-version attend un numéro de version (ou « aucune »), pas « {text} ».",
            file=sys.stderr,
        )
        return -2
    return value


def firm_assign(args: argparse.Namespace) -> int:
    """``planner firm assign URL SIRET --team NAME [--adviser EMAIL] [--lock] [--if-version N]``."""
    from planner.db.store import open_store
    from planner.services.shared_campaign.conflicts import StaleVersion
    from planner.services.shared_campaign.firm_edits import assign_firm

    if_version = _if_version(args.if_version)
    if if_version == -2:
        return EXIT_BAD_INPUT
    with open_store(args.file) as store:
        try:
            state = assign_firm(
                store,
                args.siret,
                args.team,
                adviser_email=args.adviser,
                lock=True if args.lock else False if args.unlock else None,
                if_version=if_version,
            )
        except StaleVersion as exc:
            conflict = exc.conflict
            current = (
                f"la version actuelle est {conflict.current_version}"
                if conflict.current_version is not None
                else "elle n'a plus d'équipe"
            )
            who = f" par {conflict.login}" if conflict.login else ""
            when = f" le {conflict.at.astimezone():%d/%m/%Y à %H:%M:%S}" if conflict.at else ""
            print(
                terminal_text(
                    f"planner : conflit — l'attribution de {conflict.label} a été modifiée"
                    f"{who}{when} : {current}, et non {args.if_version}. "
                    f"Équipe actuelle : {conflict.theirs.get('Équipe', '—')}. "
                    "Rien n'a été modifié : relisez-la (planner firm show) puis recommencez."
                ),
                file=sys.stderr,
            )
            if args.json:
                print_json(
                    {
                        "conflict": True,
                        "current_version": conflict.current_version,
                        "login": conflict.login,
                        "at": conflict.at.isoformat() if conflict.at else None,
                        "theirs": dict(conflict.theirs),
                    }
                )
            return EXIT_CONFLICT
    if args.json:
        print_json(state.to_json())
    else:
        _print_state(state)
    return EXIT_OK


def contact_add(args: argparse.Namespace) -> int:
    """``planner contact add URL SIRET --outcome TEXT [--date jj/mm/aaaa] [--adviser EMAIL]``."""
    from planner.db.store import open_store
    from planner.domain.errors import PlannerError
    from planner.domain.typed_dates import parse_typed_date
    from planner.services.shared_campaign.firm_edits import add_contact

    date = None
    if args.date:
        try:
            date = parse_typed_date(args.date)
        except ValueError as exc:
            raise PlannerError(f"--date : {exc}.") from exc
    with open_store(args.file) as store:
        line = add_contact(
            store, args.siret, args.outcome, date=date, adviser_email=args.adviser, note=args.note
        )
    if args.json:
        print_json(
            {
                "id": line.id,
                "siret": args.siret,
                "date": f"{line.date:%d/%m/%Y}",
                "outcome": line.outcome,
                "adviser": line.adviser,
                "note": line.note,
            }
        )
    else:
        print(terminal_text(f"Contact enregistré : {line.date:%d/%m/%Y} — {line.outcome}."))
    return EXIT_OK


def firm_block_command(args: argparse.Namespace) -> int:
    """``planner firm block URL SIRET --reason TEXT [--until jj/mm/aaaa] [--json]``."""
    from planner.db.store import open_store
    from planner.domain.errors import PlannerError
    from planner.domain.typed_dates import parse_typed_date
    from planner.services.followup.solicitation.firm_marks import mark_firm

    until = None
    if args.until:
        try:
            until = parse_typed_date(args.until)
        except ValueError as exc:
            raise PlannerError(f"--until : {exc}.") from exc
    with open_store(args.file) as store:
        mark = mark_firm(store, args.siret, args.reason, until=until)
    end = f"jusqu'au {mark.until:%d/%m/%Y}" if mark.until else "sans échéance"
    if args.json:
        print_json(
            {
                "siret": mark.siret,
                "reason": mark.reason,
                "reason_label": mark.reason_label,
                "note": mark.note,
                "until": f"{mark.until:%d/%m/%Y}" if mark.until else None,
                "blocked_by": mark.blocked_by,
                "version": mark.version,
            }
        )
    else:
        note = f" ({mark.note})" if mark.note else ""
        print(
            terminal_text(
                f"{mark.siret} marqué « ne pas solliciter » : {mark.reason_label}{note}, {end}. "
                "Il ne figurera dans aucune liste d'appels."
            )
        )
    return EXIT_OK


def firm_unblock_command(args: argparse.Namespace) -> int:
    """``planner firm unblock URL SIRET [--json]``."""
    from planner.db.store import open_store
    from planner.services.followup.solicitation.firm_marks import unmark_firm

    with open_store(args.file) as store:
        lifted = unmark_firm(store, args.siret)
    siret = "".join(args.siret.split())
    if args.json:
        print_json({"siret": siret, "lifted": lifted})
    elif lifted:
        print(terminal_text(f"Marque « ne pas solliciter » levée pour {siret}."))
    else:
        print(terminal_text(f"{siret} n'était pas marqué « ne pas solliciter » : rien à lever."))
    return EXIT_OK
