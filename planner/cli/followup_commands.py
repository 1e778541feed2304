"""Follow-up: ``export call-lists``, ``import outcomes``, ``import bmo``, ``bmo``,
``import supported`` and ``priorities``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from planner.cli.output import EXIT_OK, print_json, terminal_text
from planner.cli.parser import Parser
from planner.cli.progress_bar import TextProgress
from planner.db.store import open_store
from planner.domain.french_numbers import integer, percent


def add_parsers(sub: Any, import_sub: Any) -> None:
    """Register this area's sub-commands; each sets handler=function(args) -> int.

    Args:
        sub: the top-level sub-parsers (``planner <command>``).
        import_sub: the sub-parsers of ``planner import <source>``.
    """
    export = sub.add_parser(
        "export", help="exporter les listes d'appels, le tableau de bord, les séances"
    )
    export_sub = export.add_subparsers(dest="what", required=True, parser_class=Parser)
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
    from planner.cli.export_commands import add_export_parsers

    add_export_parsers(export_sub)

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
    outcomes.add_argument(
        "--refuse-unsigned",
        action="store_true",
        help="refuser les classeurs non signés (exportés avant la signature des listes)",
    )
    outcomes.add_argument("--json", action="store_true", help="résultat JSON")
    outcomes.set_defaults(handler=import_outcomes_command)
    _add_priority_parsers(sub, import_sub)


def _add_priority_parsers(sub: Any, import_sub: Any) -> None:
    """BMO métiers in tension, firms already supported, priority weights."""
    bmo_import = import_sub.add_parser(
        "bmo", help="importer la base open data BMO de France Travail pour le bassin"
    )
    bmo_import.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    bmo_import.add_argument(
        "--from", dest="workbook", required=True, type=Path, help="Base_open_data_BMO_*.xlsx"
    )
    bmo_import.add_argument(
        "--bassin",
        action="append",
        metavar="CODE",
        help="bassin BMO à importer (répétable ; défaut : celui de la campagne)",
    )
    bmo_import.add_argument("--json", action="store_true", help="résumé JSON")
    bmo_import.set_defaults(handler=import_bmo_command)

    bmo = sub.add_parser("bmo", help="métiers en tension du bassin (BMO)")
    bmo.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    bmo.add_argument(
        "--by",
        choices=("projects", "difficulty"),
        default="projects",
        help="classer par projets de recrutement (défaut) ou par part de projets difficiles",
    )
    bmo.add_argument("--limit", type=int, default=15, help="nombre de métiers (défaut 15)")
    bmo.add_argument(
        "--min-projects", type=int, default=0, help="ignorer les métiers avec moins de projets"
    )
    bmo.add_argument("--year", type=int, help="année de l'enquête (défaut : la plus récente)")
    bmo.add_argument("--json", action="store_true", help="sortie JSON")
    bmo.set_defaults(handler=bmo_command)

    supported = import_sub.add_parser(
        "supported", help="importer la liste des entreprises déjà accompagnées (SIRET)"
    )
    supported.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    supported.add_argument(
        "--from", dest="listing", required=True, type=Path, help="liste .csv ou .xlsx"
    )
    supported.add_argument(
        "--add", action="store_true", help="ajouter à la liste précédente au lieu de la remplacer"
    )
    supported.add_argument("--json", action="store_true", help="résumé JSON")
    supported.set_defaults(handler=import_supported_command)

    priorities = sub.add_parser("priorities", help="afficher ou régler les poids de priorité")
    priorities.add_argument("file", help="campagne (.planner ou URL PostgreSQL)")
    priorities.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="CLÉ=VALEUR",
        help="changer un réglage (ex. never_contacted=30, sectors=56,47.11)",
    )
    priorities.add_argument("--json", action="store_true", help="sortie JSON")
    priorities.set_defaults(handler=priorities_command)


def export_call_lists_command(args: argparse.Namespace) -> int:
    from planner.services.followup.call_lists import run_call_list_export

    with open_store(args.file) as store:
        report = run_call_list_export(store, args.out, partner=args.partner, per=args.per)
    files = report.files
    if args.json:
        counts = report.counts()
        print_json(
            {
                "files": [
                    {"path": str(f.path), "partner": f.partner, "rows": f.rows, "sheets": f.sheets}
                    for f in files
                ],
                "left_out": {
                    "total": len(report.left_out),
                    "blocked": counts["blocked"],
                    "over_cap": counts["over_cap"],
                    "cap": report.cap,
                    "firms": [
                        {
                            "siret": f.siret,
                            "name": f.name,
                            "partner": f.partner,
                            "reason": f.reason,
                            "label": f.label,
                            "detail": f.detail,
                        }
                        for f in report.left_out
                    ],
                },
            }
        )
    else:
        for f in files:
            print(terminal_text(f"{f.path} : {integer(f.rows)} entreprises"))
        print(report.summary())
        for firm in report.left_out[:20]:
            print(
                terminal_text(
                    f"  {firm.siret} {firm.name} ({firm.partner}) : {firm.label} — {firm.detail}"
                )
            )
        if len(report.left_out) > 20:
            rest = len(report.left_out) - 20
            print(
                f"  … et {integer(rest)} autres (onglet « Non sollicitées » du classeur "
                "du coordinateur, ou --json)"
            )
    return 0


def import_outcomes_command(args: argparse.Namespace) -> int:
    from planner.services.followup.outcomes_import import (
        apply_outcomes,
        export_rejections,
        preview_outcomes,
    )

    with open_store(args.file) as store:
        preview = preview_outcomes(store, args.workbooks, refuse_unsigned=args.refuse_unsigned)
        written = 0
        if not args.dry_run:
            written = apply_outcomes(store, preview, include_conflicts=args.with_conflicts)
    if args.rejected_out and preview.rejected:
        export_rejections(args.rejected_out, preview.rejected)
    # Rows of the files read are taken; a refused file is bad input all the same.
    status = 2 if preview.refused else 0
    if args.json:
        print_json({**preview.to_json(), "written": written, "dry_run": args.dry_run})
        return status
    print(f"Acceptées : {len(preview.accepted)}")
    print(f"Rejetées : {len(preview.rejected)}")
    print(f"Conflits : {len(preview.conflicts)}")
    with_conflicts = args.with_conflicts
    services = preview.services(include_conflicts=with_conflicts)
    print(f"Services enregistrés avec les contacts : {services}")
    marks = preview.marks(include_conflicts=with_conflicts)
    if marks:
        print(f"Entreprises à marquer « ne pas solliciter » (refus) : {marks}")
    for warning in preview.warnings:
        print(f"Attention : {warning}", file=sys.stderr)
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
    for message in preview.refused:
        print(f"Classeur refusé : {message}", file=sys.stderr)
    return status


def import_bmo_command(args: argparse.Namespace) -> int:
    """``planner import bmo FILE --from BMO.xlsx``."""
    from planner.services.followup.bmo_tension import import_bmo

    with open_store(args.file) as store:
        summary = import_bmo(
            store, args.workbook, bassins=args.bassin, progress=TextProgress(sys.stderr)
        )
    if args.json:
        print_json(summary.to_json())
        return EXIT_OK
    bassins = ", ".join(f"{code} {label}" for code, label in summary.bassins.items())
    years = ", ".join(str(y) for y in summary.years)
    print(f"BMO {years}, bassin {bassins} : {summary.rows} lignes, {summary.metiers} métiers")
    print(
        f"Chiffres non diffusés (secret statistique) : {summary.withheld_projects} pour les "
        f"projets, {summary.withheld_difficult} pour les projets difficiles"
    )
    if summary.replaced:
        print(f"Lignes BMO précédentes remplacées : {summary.replaced}")
    return EXIT_OK


def bmo_command(args: argparse.Namespace) -> int:
    """``planner bmo FILE``: the métiers in tension."""
    from planner.services.followup.bmo_tension import bmo_years, top_metiers

    with open_store(args.file) as store:
        years = bmo_years(store)
        metiers = top_metiers(
            store,
            by=args.by,
            limit=max(args.limit, 1),
            min_projects=args.min_projects,
            year=args.year,
        )
    year = args.year or (years[0] if years else None)
    if args.json:
        print_json({"year": year, "by": args.by, "metiers": [m.to_json() for m in metiers]})
        return EXIT_OK
    if not metiers:
        print(
            "Aucune donnée BMO pour cette année : importez-la avec "
            "« planner import bmo FICHIER --from Base_open_data_BMO_….xlsx »."
        )
        return EXIT_OK
    order = "projets de recrutement" if args.by == "projects" else "part de projets difficiles"
    print(f"Métiers en tension, BMO {year}, par {order} :")
    for m in metiers:
        share = m.difficulty_share
        share_text = "—" if share is None else percent(share, 0)
        print(
            f"  {m.code}  {m.label[:48]:<48}  projets {m.projects.text():>12}  "
            f"difficiles {m.difficult.text():>12}  ({share_text})"
        )
    return EXIT_OK


def import_supported_command(args: argparse.Namespace) -> int:
    """``planner import supported FILE --from LIST.csv|xlsx``."""
    from planner.services.followup.supported_firms import import_supported

    with open_store(args.file) as store:
        result = import_supported(store, args.listing, add=args.add)
    if args.json:
        print_json(result.to_json())
    else:
        print(f"Entreprises déjà accompagnées : {result.sirets} SIRET (colonne {result.column})")
        print(f"  dans la campagne : {result.matched}, inconnues de la campagne : {result.unknown}")
        if result.duplicates:
            print(f"  doublons ignorés : {result.duplicates}")
        if result.bad:
            print(f"  lignes écartées : {len(result.bad)}")
    for bad in result.bad:
        print(f"  {result.file}, {bad.message}", file=sys.stderr)
    return EXIT_OK


def priorities_command(args: argparse.Namespace) -> int:
    """``planner priorities FILE [--set KEY=VALUE ...]``."""
    from planner.domain.errors import InputError
    from planner.domain.nomenclature import dotted
    from planner.domain.priority import SUPPORTED_POLICIES
    from planner.services.followup.priorities import (
        WEIGHT_LABELS,
        load_weights,
        save_weights,
        with_setting,
    )

    with open_store(args.file) as store:
        weights = load_weights(store)
        for setting in args.settings:
            key, sep, value = setting.partition("=")
            if not sep:
                raise InputError(f"« {setting} » : CLÉ=VALEUR attendu (ex. distance=5).")
            weights = with_setting(weights, key.strip(), value.strip())
        if args.settings:
            save_weights(store, weights)
            weights = load_weights(store)  # as stored: sections expanded to divisions
    data = weights.to_json()
    if args.json:
        print_json(data)
        return EXIT_OK
    for key, label in WEIGHT_LABELS.items():
        value = data[key]
        if key == "sectors":
            text = ", ".join(dotted(code) for code in value) or "—"
        elif isinstance(value, list):
            text = ", ".join(value) or "—"
        elif key == "supported_policy":
            text = SUPPORTED_POLICIES[value]
        else:
            text = f"{value:g} points"
        print(f"{label} [{key}] : {text}")
    return EXIT_OK
