"""``planner firm block`` / ``firm unblock`` on a campaign file and on a PostgreSQL URL:
the mark is written, read back, lifted; bad input gets a French message and exit code 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.cli.main import run
from planner.cli.output import EXIT_BAD_INPUT
from planner.db import models
from planner.db.store import open_store
from planner.domain import clock
from planner.services.demo.demo_campaign import create_demo
from planner.services.followup.solicitation.blocks import firm_block
from planner.services.followup.solicitation.pressure import solicitation_exclusions


def test_block_and_unblock_a_firm(
    campaign_target: str | Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_demo(campaign_target, rows=800, seed=4)
    target = str(campaign_target)
    store = open_store(target)
    try:
        with store.session() as session:
            siret = session.scalars(
                select(models.Establishment.siret)
                .outerjoin(models.FirmBlock)
                .where(models.FirmBlock.siret.is_(None), models.Establishment.in_target)
                .order_by(models.Establishment.siret)
            ).first()
        assert siret
    finally:
        store.close()
    until = clock.today() + dt.timedelta(days=40)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert (
        run(
            [
                "firm",
                "block",
                target,
                spaced,
                "--reason",
                "refus",
                "--until",
                f"{until:%d/%m/%Y}",
                "--json",
            ]
        )
        == 0
    )
    shown = json.loads(capsys.readouterr().out)
    assert shown["reason"] == "refusal" and shown["until"] == f"{until:%d/%m/%Y}"
    store = open_store(target)
    try:
        with store.session() as session:
            mark = firm_block(session, siret)
            assert mark is not None and mark.reason_label == "Refus exprimé"
            assert mark.until == until and mark.source == "manual" and mark.blocked_by
            assert solicitation_exclusions(session, clock.today(), [siret])[siret].reason == (
                "blocked"
            )
    finally:
        store.close()
    # ``firm show`` says the firm is not to be solicited, why and until when.
    assert run(["firm", "show", target, siret]) == 0
    assert (
        f"Ne pas solliciter : oui — Refus exprimé, jusqu'au {until:%d/%m/%Y}"
        in capsys.readouterr().out
    )
    assert run(["firm", "show", target, siret, "--json"]) == 0
    mark_json = json.loads(capsys.readouterr().out)["do_not_solicit"]
    assert mark_json["reason_label"] == "Refus exprimé" and mark_json["in_force"] is True
    assert mark_json["until"] == f"{until:%d/%m/%Y}"
    # Any other text is « Autre », with the text as its note.
    assert run(["firm", "block", target, siret, "--reason", "travaux jusqu'en mai"]) == 0
    assert "Autre (travaux jusqu'en mai)" in capsys.readouterr().out
    assert run(["firm", "unblock", target, siret]) == 0
    assert "levée" in capsys.readouterr().out
    assert run(["firm", "show", target, siret]) == 0
    assert "Ne pas solliciter : non" in capsys.readouterr().out
    assert run(["firm", "unblock", target, siret, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"siret": siret, "lifted": False}

    past = clock.today() - dt.timedelta(days=1)
    for argv, message in (
        (["--reason", "refus", "--until", f"{past:%d/%m/%Y}"], "déjà passée"),
        (["--reason", "refus", "--until", "31/02/2030"], "--until"),
        (["--reason", "   "], "vide"),
    ):
        assert run(["firm", "block", target, siret, *argv]) == EXIT_BAD_INPUT
        assert message in capsys.readouterr().err
    assert run(["firm", "block", target, "123", "--reason", "refus"]) == EXIT_BAD_INPUT
    assert "SIRET invalide" in capsys.readouterr().err
    assert run(["firm", "block", target, "0" * 14, "--reason", "refus"]) == EXIT_BAD_INPUT
    assert "pas dans la campagne" in capsys.readouterr().err
    store = open_store(target)
    try:
        with store.session() as session:
            assert firm_block(session, siret) is None  # nothing written by the refusals
    finally:
        store.close()
