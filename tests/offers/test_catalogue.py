"""The catalogue: the command line's round trip, the editor's checks, archiving a service
that has records, and a save refused when someone changed the catalogue meanwhile."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from planner.cli.main import run
from planner.db import models
from planner.db.store import open_store
from planner.domain.errors import InputError
from planner.services.offers.catalogue import list_offers
from planner.services.offers.catalogue_edit import (
    OfferDraft,
    add_offer,
    check_drafts,
    derive_code,
    save_catalogue,
)
from planner.services.shared_campaign.conflicts import StaleVersion


def test_derive_code_is_ascii_upper_case_and_unique() -> None:
    assert derive_code("Visite d'entreprise (équipe)") == "VISITE_D_ENTREPRISE_EQUIPE"
    assert derive_code("POEI", {"POEI"}) == "POEI_2"
    assert derive_code("poei", {"POEI", "POEI_2"}) == "POEI_3"
    assert len(derive_code("x" * 80, {"X" * 30})) <= 30
    assert derive_code("«»") == "SERVICE"


def test_offers_add_then_list_json(
    offers_campaign: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            [
                "offers",
                "add",
                offers_campaign,
                "--name",
                "Forum de l'emploi métropole",
                "--counts-as-accompaniment",
            ]
        )
        == 0
    )
    assert run(["offers", "add", offers_campaign, "--name", "Parrainage", "--code", "parrain"]) == 0
    capsys.readouterr()
    assert run(["offers", "list", offers_campaign, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    by_code = {s["code"]: s for s in listed["services"]}
    assert listed["nombre"] == len(listed["services"]) == 13
    forum = by_code["FORUM_DE_L_EMPLOI_METROPOLE"]
    assert forum["nom"] == "Forum de l'emploi métropole"
    assert forum["compte_comme_accompagnement"] is True and forum["archive"] is False
    assert by_code["PARRAIN"]["compte_comme_accompagnement"] is False
    assert [s["code"] for s in listed["services"]][-2:] == [
        "FORUM_DE_L_EMPLOI_METROPOLE",
        "PARRAIN",
    ]
    # Same name twice, or a code already used: refused in French, exit code 2.
    assert run(["offers", "add", offers_campaign, "--name", "parrainage"]) == 2
    assert "déjà celui du service de code « PARRAIN »" in capsys.readouterr().err
    assert run(["offers", "add", offers_campaign, "--name", "Autre", "--code", "POEI"]) == 2
    assert "le code « POEI » est déjà celui du service" in capsys.readouterr().err
    assert run(["offers", "add", offers_campaign, "--name", "   "]) == 2
    assert "le nom du service est vide" in capsys.readouterr().err
    assert run(["offers", "list", offers_campaign + ".absent"]) == 2


def test_formulas_and_control_characters_are_refused(
    offers_campaign: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The catalogue's names and codes end up in partners' workbooks: neither the command
    line nor the editor (same check) accepts a formula or a control character."""
    capsys.readouterr()
    for argv, phrase in (
        (["--name", '=HYPERLINK("http://x.example","clic")'], "le nom « =HYPERLINK("),
        (["--name=+33 atelier"], "commence par « + »"),
        (["--name", "Atelier", "--code=-X"], "le code « -X » commence par « - »"),
        (["--name", "@SOMME(A1)"], "commence par « @ »"),
        (["--name", "Atelier\x1b[31m"], "le nom contient un caractère de contrôle"),
        (["--name", "Atelier", "--quantity-label", "=1+1"], "ce que compte le nombre"),
    ):
        assert run(["offers", "add", offers_campaign, *argv]) == 2
        err = capsys.readouterr().err
        assert phrase in err, err
    assert run(["offers", "list", offers_campaign, "--json"]) == 0
    names = [s["nom"] for s in json.loads(capsys.readouterr().out)["services"]]
    assert not [n for n in names if n.startswith(("=", "+", "-", "@")) or "\x1b" in n]
    drafts = [OfferDraft(None, "=1+2"), OfferDraft(None, "Bon"), OfferDraft(None, "Nul\x00")]
    problems = check_drafts(drafts, ())
    assert problems[0].startswith("ligne 1 : le nom « =1+2 » commence par « = »")
    assert problems[1] == "ligne 3 : le nom contient un caractère de contrôle (invisible)."
    assert len(problems) == 2


def test_the_editor_checks_each_line_in_french(offers_template: object, tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    path = Path(str(tmp_path)) / "c.planner"
    shutil.copy(str(offers_template), path)
    store = open_store(path)
    try:
        with store.session() as session:
            drafts = [OfferDraft.of(v) for v in list_offers(session)]
        drafts[1].name = drafts[0].name.upper()
        drafts[2].code = "A B"
        drafts[3].name = ""
        drafts[4].quantity_label = "x" * 31
        drafts[5].partners = ("Partenaire inconnu",)
        drafts.append(OfferDraft(None, "Nouveau", code=drafts[6].code))
        with pytest.raises(InputError) as caught:
            save_catalogue(store, drafts)
        lines = str(caught.value).splitlines()
        assert lines[0].startswith("ligne 2 : le nom « ") and "déjà celui de la ligne 1" in lines[0]
        assert "ligne 3 : le code « A B » ne peut contenir" in lines[1]
        assert lines[2] == "ligne 4 : le nom du service est vide."
        assert lines[3] == "ligne 5 : ce que compte le nombre dépasse 30 caractères."
        assert lines[4] == "ligne 6 : partenaire(s) inconnu(s) : « Partenaire inconnu »"
        assert lines[5].startswith("ligne 12 : le code") and "ligne 7" in lines[5]
        with store.session() as session:  # nothing written
            assert [v.name for v in list_offers(session)][1] != drafts[1].name
    finally:
        store.close()


def test_save_reorders_restricts_archives_and_refuses_stale_versions(offers_campaign: str) -> None:
    store = open_store(offers_campaign)
    try:
        with store.session() as session:
            views = list_offers(session)
            used = set(session.scalars(select(models.ContactService.offer_id)))
            partner = session.scalars(
                select(models.Partner.name).order_by(models.Partner.name)
            ).first()
        assert partner is not None
        kept_used = next(v for v in views if v.id in used)
        unused = next(v for v in views if v.id not in used and v.code != "SESSION_DECOUVERTE")
        drafts = [OfferDraft.of(v) for v in views if v.id not in (kept_used.id, unused.id)]
        drafts.reverse()
        drafts[0].partners = (partner,)
        drafts[1].name, drafts[2].name = drafts[2].name, drafts[1].name  # swap: allowed
        drafts.append(OfferDraft(None, "Tutorat", code="", quantity_label=" personnes "))
        saved = save_catalogue(
            store, drafts, {kept_used.id: kept_used.version, unused.id: unused.version}
        )
        assert saved.archived == (kept_used.name,) and saved.deleted == (unused.name,)
        names = [o.name for o in saved.offers if o.active]
        assert names == [d.name for d in drafts]
        tutorat = saved.offers[-1] if saved.offers[-1].name == "Tutorat" else None
        tutorat = next(o for o in saved.offers if o.name == "Tutorat")
        assert tutorat.code == "TUTORAT" and tutorat.quantity_label == "personnes"
        first = next(o for o in saved.offers if o.id == drafts[0].id)
        assert first.partners == (partner,) and first.version != drafts[0].version
        archived = next(o for o in saved.offers if o.id == kept_used.id)
        assert archived.active is False
        # A save based on the versions read before: refused, naming the service.
        stale = [OfferDraft.of(v) for v in views if v.id == drafts[0].id]
        stale[0].name = "Autre nom"
        with pytest.raises(StaleVersion) as caught:
            save_catalogue(store, stale)
        assert caught.value.conflict.table == "service_offer"
        assert "modifié" in str(caught.value) or "modifiée" in str(caught.value)
        # The CLI appends after the last position.
        added = add_offer(store, "Dernier")
        assert added.position == max(o.position for o in saved.offers) + 1
    finally:
        store.close()
