"""The 500,000-firm region campaign of ``bench_region.py``, generated once in ``bench/out``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

N = 500_000
OUT = Path(__file__).resolve().parent / "out"
PARTNERS, TEAMS, ADVISERS = 10, 10, 2  # teams per partner, advisers per team


def campaign() -> Path:
    """The 500,000-firm SQLite campaign, built once in ``bench/out``."""
    import bench_table

    from planner.db import models
    from planner.db.bulk import bulk_insert
    from planner.db.store import create_store

    path = OUT / f"region_{N}.planner"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    raw = bench_table._raw(N, seed=17)
    stored = raw.select(
        "siret",
        pl.col("siret").str.slice(0, 9).alias("siren"),
        pl.col("siret").str.slice(9).alias("nic"),
        *("name", "etat", "date_creation"),
        pl.col("band").replace("", None).alias("tranche_effectifs"),
        *("naf_code", "naf_nomenclature", "numero_voie", "indice_repetition", "type_voie"),
        *("libelle_voie", "code_postal", "commune_code", "libelle_commune", "lon", "lat"),
        (pl.col("flags") % 2 == 1).alias("siege"),
        pl.when(pl.col("flags") >= 2).then(pl.lit("1234ZZ")).alias("registre_metiers"),
        pl.lit(True).alias("in_target"),
        pl.lit("0" * 16).alias("source_hash"),
    )
    store = create_store(partial)
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Région", bassin_kind="communes", bassin_code="*", bassin_label="Région"
            )
        )
        session.flush()
        bulk_insert(
            session,
            "bassin_commune",
            ["code", "name", "departement"],
            [(code, name, "93") for code, name in bench_table.COMMUNES],
        )
        bulk_insert(session, "establishment", stored.columns, list(stored.iter_rows()))
        for p in range(PARTNERS):
            partner = models.Partner(name=f"Partenaire {p + 1:02d}", kind="autre")
            for t in range(TEAMS):
                team = models.Team(partner=partner, name=f"Équipe {p + 1:02d}-{t + 1:02d}")
                for a in range(ADVISERS):
                    team.advisers.append(
                        models.Adviser(name=f"Conseiller {p + 1:02d}-{t + 1:02d}-{a + 1}")
                    )
            session.add(partner)
        session.flush()
        advisers = session.query(models.Adviser.id, models.Adviser.team_id).all()
        now = dt.datetime(2027, 1, 4, 9, 0)
        sirets = stored["siret"].to_list()
        bulk_insert(
            session,
            "assignment",
            ["siret", "team_id", "adviser_id", "locked", "source", "assigned_at"],
            [
                (
                    s,
                    advisers[i % len(advisers)][1],
                    advisers[i % len(advisers)][0],
                    False,
                    "auto",
                    now,
                )
                for i, s in enumerate(sirets)
            ],
        )
        bulk_insert(
            session,
            "contact",
            ["siret", "date", "outcome", "recorded_at"],
            [(s, dt.date(2027, 1, 5), "Non joint", now) for s in sirets[::10]],
        )
    store.close()
    partial.rename(path)
    return path


def firms() -> pl.DataFrame:
    from planner.db.store import open_store
    from planner.services.firms.firm_query import load_firms

    store = open_store(campaign())
    try:
        return load_firms(store)
    finally:
        store.close()
