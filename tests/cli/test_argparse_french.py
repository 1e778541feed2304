"""argparse's own texts come out in French: ``--help`` and usage errors."""

from __future__ import annotations

import argparse

import pytest

from planner.cli.argparse_french import FRENCH, argparse_in_french
from planner.cli.main import run

ENGLISH = (
    "usage:",
    "positional arguments",
    "show this help",
    "error:",
    "required",
    "unrecognized",
    "invalid choice",
    "invalid int",
    "expected",
    "version number",
)


def _english_left(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in text]


@pytest.mark.parametrize("argv", [["--help"], ["teams", "--help"], ["offers", "add", "--help"]])
def test_help_is_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : planner")
    assert "afficher cette aide et quitter" in out
    assert "arguments positionnels" in out or "options" in out
    assert _english_left(out) == []


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (["teams", "list"], "arguments obligatoires manquants : campaign"),
        (["info", "a.planner", "--bogus"], "arguments inconnus : --bogus"),
        (
            ["bmo", "x", "--by", "nom"],
            "argument --by : choix invalide : 'nom' (valeurs possibles :",
        ),
        (["teams", "list", "x", "--json", "--json=1"], "argument --json : valeur '1' ignorée"),
    ],
)
def test_errors_are_french(
    argv: list[str], phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation : planner ")
    assert f"planner : erreur : {phrase}" in err
    assert _english_left(err) == []


def test_the_usual_lookup_comes_back_after_the_block() -> None:
    before = vars(argparse)["_"]
    with argparse_in_french():
        assert vars(argparse)["_"]("usage: ") == "utilisation : "
    assert vars(argparse)["_"] is before
    assert all(value for value in FRENCH.values())
