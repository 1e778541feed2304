"""What each ``planner`` sub-command does, on top of the services."""

from __future__ import annotations

import argparse
import sys

from planner.cli.output import EXIT_OK, print_json
from planner.cli.progress_bar import TextProgress
from planner.domain.headcount_bands import DEFAULT_TARGET_BANDS
from planner.domain.import_filters import ImportFilters
from planner.geo.reference import CommuneReference


def _reference() -> CommuneReference:
    return CommuneReference.load()


def campaign_create(args: argparse.Namespace) -> int:
    """``planner campaign create``."""
    from planner.domain.errors import PlannerError
    from planner.services.campaign.bassin import BassinSpec, resolve_bassin
    from planner.services.campaign.campaign_file import create_campaign

    if args.ze:
        spec = BassinSpec("ze", args.ze, args.ze_file)
        if args.ze_file is None:
            raise PlannerError("--ze demande --ze-file (le classeur INSEE des zones d'emploi).")
    elif args.bmo:
        spec = BassinSpec("bmo", args.bmo, args.bmo_file)
        if args.bmo_file is None:
            raise PlannerError("--bmo demande --bmo-file (la table commune → bassin BMO).")
    elif args.epci:
        spec = BassinSpec("epci", args.epci)
    elif args.ept:
        spec = BassinSpec("ept", args.ept)
    elif args.departement:
        spec = BassinSpec("departement", args.departement)
    else:
        spec = BassinSpec("communes", args.communes)
    reference = _reference()
    bassin = resolve_bassin(spec, reference)
    store = create_campaign(args.file, args.name, bassin, reference)
    store.close()
    print(f"Campagne « {args.name} » créée : {bassin.label}, {len(bassin.communes)} communes.")
    for line in bassin.report():
        print(line)
    return EXIT_OK


def import_sirene(args: argparse.Namespace) -> int:
    """``planner import sirene``."""
    from planner.db.store import open_store
    from planner.services.campaign.campaign_file import bassin_aliases
    from planner.services.sirene_import.pipeline import SireneFiles, import_sirene

    all_sizes = args.all_sizes
    filters = ImportFilters(
        include_closed=args.include_closed,
        bands=None if all_sizes else DEFAULT_TARGET_BANDS,
        include_unknown_band=all_sizes or args.include_unknown_size,
        include_non_employers=args.include_non_employers,
    )
    with open_store(args.file) as store:
        aliases = bassin_aliases(store, _reference())
        summary = import_sirene(
            store,
            SireneFiles(args.stock, args.unites_legales, args.geoloc),
            filters,
            aliases,
            progress=TextProgress(sys.stderr),
        )
    if args.json:
        print_json(summary.to_dict())
    else:
        print("\n".join(summary.lines()))
    return EXIT_OK


def info(args: argparse.Namespace) -> int:
    """``planner info``."""
    from dataclasses import asdict

    from planner.db.store import check_integrity, open_store
    from planner.services.campaign.campaign_file import campaign_info
    from planner.services.shared_campaign.access import current_access

    with open_store(args.file) as store:
        check_integrity(store)
        access = current_access(store)
        data = campaign_info(store)
    if args.json:
        print_json({**asdict(data), "access": access.to_dict()})
    else:
        if not access.coordination:
            who = access.partner_name if access.role == "partenaire" else access.adviser_email
            print(f"Accès de {access.login} : {access.role} ({who}), limité à ses entreprises.")
        est = data.establishments
        print(f"{data.name} — {data.bassin.label} ({data.bassin.communes} communes)")
        print(
            f"Établissements : {est.total} (actifs {est.active}, localisés "
            f"{est.placed}, non diffusibles {est.non_diffusible}"
            f"{' dans tout le bassin' if not access.coordination else ''})"
        )
        from planner.domain.nomenclature import nomenclature_name

        codes = est.naf_codes
        print(
            f"Nomenclature de référence : {nomenclature_name(est.naf_reference)} "
            f"(établissements avec un code NAF rév. 2 : {codes['rev2']}, "
            f"NAF 2025 : {codes['naf2025']})"
        )
        accompanied = data.followup.accompanied
        target = f", objectif : {accompanied.target} par semaine" if accompanied.target else ""
        print(
            f"Entreprises accompagnées : {accompanied.total} "
            f"(cette semaine : {accompanied.this_week}{target})"
        )
    return EXIT_OK


def demo_create(args: argparse.Namespace) -> int:
    """``planner demo create``."""
    from planner.services.demo.demo_campaign import create_demo

    create_demo(args.file, rows=args.rows, seed=args.seed, progress=TextProgress(sys.stderr))
    print(f"Campagne de démonstration écrite : {args.file} (entreprises fictives).")
    return EXIT_OK
