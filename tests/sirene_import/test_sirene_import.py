"""SIRENE import into a real campaign (SQLite file and PostgreSQL): counts,
privacy, re-import, and bad input or cancel leaving the campaign untouched."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.db import models
from planner.db.store import CampaignStore, create_store
from planner.domain.errors import Cancelled, InputError
from planner.domain.import_filters import ImportFilters
from planner.domain.progress import CancelToken
from planner.services.sirene_import.files import describe
from planner.services.sirene_import.pipeline import SireneFiles, import_sirene
from tests.sirene_csv import read_rows as _rows
from tests.sirene_csv import write_rows as _write

STOCK = "StockEtablissement_utf8__trackdechets_sample.csv"
UNITS = "StockUniteLegale_utf8__trackdechets_sample.csv"
EVERYTHING = ImportFilters(
    include_closed=True, bands=None, include_unknown_band=True, include_non_employers=True
)


def _all_codes(sirene_dir: Path) -> dict[str, str]:
    _, rows = _rows(sirene_dir / STOCK)
    return {r["codeCommuneEtablissement"]: r["codeCommuneEtablissement"] for r in rows}


def _store(target: str | Path) -> CampaignStore:
    store = create_store(target)
    with store.session() as session:
        session.add(
            models.Campaign(
                name="Test", bassin_kind="communes", bassin_code="*", bassin_label="Test"
            )
        )
    return store


def _snapshot(store: CampaignStore) -> list[tuple[object, ...]]:
    with store.session() as session:
        rows = session.execute(select(models.Establishment).order_by("siret")).scalars()
        data = [(e.siret, e.name, e.etat, e.in_target, e.source_hash) for e in rows]
        runs = session.scalar(select(func.count(models.ImportRun.id)))
        return [*data, ("runs", runs)]


def test_real_sample_counts(sirene_dir: Path, campaign_target: str | Path) -> None:
    store = _store(campaign_target)
    summary = import_sirene(
        store, SireneFiles(sirene_dir / STOCK), ImportFilters(), _all_codes(sirene_dir)
    )
    assert summary.rows_read == 299
    assert summary.rows_active == 15
    assert summary.excluded["ferme"] == 284
    assert summary.kept + sum(v for k, v in summary.excluded.items() if k != "hors_bassin") == 299
    store.close()


def test_everything_kept_with_legal_names(sirene_dir: Path, campaign_target: str | Path) -> None:
    store = _store(campaign_target)
    summary = import_sirene(
        store,
        SireneFiles(sirene_dir / STOCK, sirene_dir / UNITS),
        EVERYTHING,
        _all_codes(sirene_dir),
    )
    assert summary.kept == 299 and summary.new == 299
    with store.session() as session:
        names = dict(
            session.execute(select(models.Establishment.siret, models.Establishment.name)).all()
        )
        assert session.scalar(select(func.count(models.LegalUnit.siren))) > 0
    # enseigne first, then the legal unit's name, then the entrepreneur's name
    assert names["00032517500024"] == "TAHITI PERLES CREATIONS"
    assert names["00032517500016"] == "THIERRY JANOYER"
    store.close()


def test_non_diffusible_rows_are_only_counted(sirene_dir: Path, tmp_path: Path) -> None:
    header, rows = _rows(sirene_dir / STOCK)
    secret = rows[5]
    secret.update(
        statutDiffusionEtablissement="P",
        libelleVoieEtablissement="[ND]",
        enseigne1Etablissement="[ND]",
        etatAdministratifEtablissement="A",
    )
    stock = _write(tmp_path / "stock.csv", header, rows)
    store = _store(tmp_path / "c.planner")
    summary = import_sirene(store, SireneFiles(stock), EVERYTHING, _all_codes(sirene_dir))
    assert summary.non_diffusible == 1 and summary.kept == 298
    with store.session() as session:
        assert session.get(models.Establishment, secret["siret"]) is None
        counts = session.execute(
            select(models.NonDiffusibleCount.commune_code, models.NonDiffusibleCount.total)
        ).all()
    assert counts == [(secret["codeCommuneEtablissement"], 1)]
    assert b"[ND]" not in (tmp_path / "c.planner").read_bytes()
    store.close()


def test_reimport_updates_in_place_and_keeps_prospecting(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    header, rows = _rows(sirene_dir / STOCK)
    codes = _all_codes(sirene_dir)
    store = _store(campaign_target)
    first = _write(tmp_path / "v1.csv", header, rows[:-1])
    import_sirene(store, SireneFiles(first), EVERYTHING, codes)
    active = [r for r in rows if r["etatAdministratifEtablissement"] == "A"]
    with store.session() as session:
        partner = models.Partner(name="CCI", kind="cci")
        team = models.Team(partner=partner, name="Équipe 1", capacity=10)
        session.add_all([partner, team])
        session.flush()
        session.add(models.Assignment(siret=active[0]["siret"], team_id=team.id, locked=True))
        session.add(
            models.Contact(
                siret=active[0]["siret"],
                date=__import__("datetime").date(2026, 3, 12),
                outcome="Besoin recueilli",
            )
        )

    active[0]["etatAdministratifEtablissement"] = "F"  # closed since
    active[1]["libelleVoieEtablissement"] = "RUE NOUVELLE"  # moved
    second = _write(tmp_path / "v2.csv", header, rows)  # plus one new row
    summary = import_sirene(
        store,
        SireneFiles(second),
        ImportFilters(include_non_employers=True, include_unknown_band=True),
        codes,
    )
    assert summary.new == 0  # the new row is closed: not in the default target
    assert summary.closed == 1
    assert summary.changed >= 1
    with store.session() as session:
        closed = session.get(models.Establishment, active[0]["siret"])
        assert closed is not None and closed.etat == "F" and not closed.in_target
        moved = session.get(models.Establishment, active[1]["siret"])
        assert moved is not None and moved.libelle_voie == "RUE NOUVELLE"
        assert session.scalar(select(func.count(models.Assignment.siret))) == 1
        assert session.scalar(select(func.count(models.Contact.id))) == 1
        assert session.scalar(select(func.count(models.Establishment.siret))) == 298
    store.close()


def test_invalid_siret_is_reported_and_nothing_written(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    header, rows = _rows(sirene_dir / STOCK)
    codes = _all_codes(sirene_dir)
    store = _store(campaign_target)
    import_sirene(store, SireneFiles(sirene_dir / STOCK), EVERYTHING, codes)
    before = _snapshot(store)
    rows[200]["siret"] = rows[200]["siret"][:-1] + str((int(rows[200]["siret"][-1]) + 1) % 10)
    rows[3]["libelleVoieEtablissement"] = "CHANGEMENT QUI NE DOIT PAS PASSER"
    bad = _write(tmp_path / "StockEtablissement_abime.csv", header, rows)
    with pytest.raises(InputError) as err:
        import_sirene(store, SireneFiles(bad), EVERYTHING, codes)
    assert (err.value.file, err.value.line, err.value.column) == (
        "StockEtablissement_abime.csv",
        202,
        "siret",
    )
    assert "SIRET invalide" in str(err.value)
    assert _snapshot(store) == before
    store.close()


def test_cancel_leaves_campaign_as_it_was(sirene_dir: Path, tmp_path: Path) -> None:
    codes = _all_codes(sirene_dir)
    store = _store(tmp_path / "c.planner")
    import_sirene(store, SireneFiles(sirene_dir / STOCK), EVERYTHING, codes)
    before = _snapshot(store)
    token = CancelToken()
    calls = []

    def progress(done: int, total: int, message: str) -> None:
        calls.append(done)
        if done > 0:
            token.cancel()

    zipped = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(sirene_dir / STOCK, "StockEtablissement_utf8.csv")
    with pytest.raises(Cancelled):
        import_sirene(
            store, SireneFiles(zipped), ImportFilters(), codes, progress=progress, cancel=token
        )
    assert _snapshot(store) == before
    store.close()


def test_crash_while_writing_rolls_back(
    sirene_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = _all_codes(sirene_dir)
    store = _store(tmp_path / "c.planner")
    before = _snapshot(store)
    import planner.services.sirene_import.write as module

    def explode(*_args: object) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(module, "_write_non_diffusible_counts", explode)
    with pytest.raises(OSError, match="disque plein"):
        import_sirene(store, SireneFiles(sirene_dir / STOCK), EVERYTHING, codes)
    assert _snapshot(store) == before
    store.close()


def test_geolocation_file_places_establishments(sirene_dir: Path, tmp_path: Path) -> None:
    _, rows = _rows(sirene_dir / STOCK)
    geoloc = tmp_path / "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv"
    lines = [
        "siret;x;y;qualite_xy;epsg;plg_qp24;plg_iris;plg_zus;plg_qva;plg_code_commune;"
        "distance_precision;qualite_qp24;qualite_iris;qualite_zus;qualite_qva;y_latitude;"
        "x_longitude"
    ]
    # Amiens in Lambert-93, and Saint-Denis de La Réunion in RGR92 / UTM 40S.
    lines.append(f"{rows[40]['siret']};649000.0;6976000.0;11;2154;;;;;80021;;;;;;;")
    lines.append(f"{rows[41]['siret']};338000.0;7689000.0;11;2975;;;;;97411;;;;;;;")
    geoloc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = _store(tmp_path / "c.planner")
    summary = import_sirene(
        store,
        SireneFiles(sirene_dir / STOCK, geolocation=geoloc),
        EVERYTHING,
        _all_codes(sirene_dir),
    )
    assert summary.geolocated == 2 and summary.placed == 2
    with store.session() as session:
        amiens = session.get(models.Establishment, rows[40]["siret"])
        reunion = session.get(models.Establishment, rows[41]["siret"])
    assert amiens is not None and reunion is not None
    assert amiens.lon == pytest.approx(2.30, abs=0.05) and amiens.lat == pytest.approx(
        49.89, abs=0.05
    )
    assert reunion.lon == pytest.approx(55.45, abs=0.1) and reunion.lat == pytest.approx(
        -20.9, abs=0.1
    )
    assert amiens.geo_source == "geoloc"
    store.close()


def test_etalab_geocoded_stock(sirene_dir: Path, tmp_path: Path) -> None:
    header, rows = _rows(sirene_dir / STOCK)
    extra = [
        "longitude",
        "latitude",
        "geo_score",
        "geo_type",
        "geo_adresse",
        "geo_id",
        "geo_ligne",
        "geo_l4",
        "geo_l5",
    ]
    for i, row in enumerate(rows):
        row.update(dict.fromkeys(extra, ""))
        if i % 2 == 0:
            row.update(longitude="2.3522", latitude="48.8566", geo_score="0.9")
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header + extra, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "StockEtablissement_utf8_geo.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    store = _store(tmp_path / "c.planner")
    summary = import_sirene(store, SireneFiles(path), EVERYTHING, _all_codes(sirene_dir))
    assert summary.stock_kind.startswith("StockEtablissement géocodé")
    assert summary.placed == 150 and summary.not_placed == 149
    store.close()


def test_etalab_positions_off_the_earth_are_not_placed(sirene_dir: Path, tmp_path: Path) -> None:
    """Infinite, huge, out-of-range or half-missing positions are refused, not drawn."""
    header, rows = _rows(sirene_dir / STOCK)
    extra = ["longitude", "latitude"]
    hostile = [
        ("inf", "48.0"),
        ("-inf", "-inf"),
        ("1e308", "1e308"),
        ("1.83", "95.0"),
        ("-200", "50"),
        ("2.35", ""),
        ("nan", "48.8"),
    ]
    for i, row in enumerate(rows):
        row.update(dict.fromkeys(extra, ""))
        # Not a Lambert position either: only the geocoded columns could place it.
        row["coordonneeLambertAbscisseEtablissement"] = ""
        row["coordonneeLambertOrdonneeEtablissement"] = ""
        if i < len(hostile):
            row.update(longitude=hostile[i][0], latitude=hostile[i][1])
        elif i % 2 == 0:
            row.update(longitude="2.3522", latitude="48.8566")
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header + extra, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "StockEtablissement_utf8_geo.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    store = _store(tmp_path / "c.planner")
    summary = import_sirene(store, SireneFiles(path), EVERYTHING, _all_codes(sirene_dir))
    placed_rows = sum(1 for i in range(len(hostile), len(rows)) if i % 2 == 0)
    assert summary.placed == placed_rows
    with store.session() as session:
        positions = session.execute(
            select(models.Establishment.lon, models.Establishment.lat).where(
                models.Establishment.lon.is_not(None)
            )
        ).all()
    assert len(positions) == placed_rows
    assert all(abs(lon) <= 180 and abs(lat) <= 90 for lon, lat in positions)
    store.close()


def test_reimport_without_legal_units_keeps_stored_names(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    """Stored legal units whose name columns are empty (all or nearly all) join
    again when the next stock comes without StockUniteLegale."""
    units_header, units = _rows(sirene_dir / UNITS)
    last = max(u["siren"] for u in units)
    for unit in units:
        unit["prenomUsuelUniteLegale"] = unit["prenom1UniteLegale"] = ""  # no value at all
        if unit["siren"] != last:
            unit["nomUsageUniteLegale"] = ""  # a value only in the last row read back
    units_file = _write(tmp_path / "StockUniteLegale.csv", units_header, units)
    codes = _all_codes(sirene_dir)
    store = _store(campaign_target)
    first = import_sirene(store, SireneFiles(sirene_dir / STOCK, units_file), EVERYTHING, codes)
    names_before = _snapshot(store)
    second = import_sirene(store, SireneFiles(sirene_dir / STOCK), EVERYTHING, codes)
    assert first.new == 299
    assert second.unchanged == 299 and second.changed == 0
    assert second.legal_units_matched == first.legal_units_matched > 0
    assert _snapshot(store)[:-1] == names_before[:-1]
    store.close()


def test_control_characters_are_stored_the_same_everywhere(
    sirene_dir: Path, tmp_path: Path, campaign_target: str | Path
) -> None:
    header, rows = _rows(sirene_dir / STOCK)
    rows[0]["enseigne1Etablissement"] = "BOU\x00LANGERIE\x07"
    rows[1]["libelleVoieEtablissement"] = "DE LA\tGARE\x1b[31m"
    rows[2]["complementAdresseEtablissement"] = "BAT A\r\nESC\x0b2\x7f"
    rows[3]["denominationUsuelleEtablissement"] = "CAF\u0085E\u009b"
    stock = _write(tmp_path / "StockEtablissement_controles.csv", header, rows)
    assert b"\x00" in stock.read_bytes()
    store = _store(campaign_target)
    codes = _all_codes(sirene_dir)
    first = import_sirene(store, SireneFiles(stock), EVERYTHING, codes)
    assert first.new == 299
    with store.session() as session:
        stored = [session.get(models.Establishment, rows[i]["siret"]) for i in range(4)]
    assert [
        stored[0].enseigne,
        stored[0].name,
        stored[1].libelle_voie,
        stored[2].complement_adresse,
        stored[3].denomination_usuelle,
    ] == ["BOULANGERIE", "BOULANGERIE", "DE LA GARE[31m", "BAT A ESC2", "CAFE"]
    again = import_sirene(store, SireneFiles(stock), EVERYTHING, codes)
    assert again.unchanged == 299
    store.close()


def test_describe_tells_a_broken_file_without_raising(sirene_dir: Path, tmp_path: Path) -> None:
    assert describe(sirene_dir / STOCK).vintage == "22/03/2024"
    path = tmp_path / "StockEtablissement_une_ligne.csv"
    with path.open("wb") as handle:  # sparse: 1 GB of NUL bytes after the header
        handle.write((sirene_dir / STOCK).read_bytes().split(b"\n")[0] + b"\n")
        handle.seek(2**30)
        handle.write(b"\n")
    info = describe(path)
    assert info.kind is not None and info.vintage == ""
    assert info.problem.startswith("Fichier StockEtablissement_une_ligne.csv, ligne 2 :")
