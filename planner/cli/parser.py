"""The argument parser of every ``planner`` command: exit code 2 and French wording."""

from __future__ import annotations

import argparse
import sys

from planner.cli.output import EXIT_BAD_INPUT


class Parser(argparse.ArgumentParser):
    """argparse with exit code 2 and French wording for usage errors."""

    # argparse's own wording (it ships no French catalogue), by prefix.
    _FRENCH = (
        ("the following arguments are required:", "arguments obligatoires manquants :"),
        ("unrecognized arguments:", "arguments inconnus :"),
        ("invalid choice:", "choix invalide :"),
        ("(choose from", "(valeurs possibles :"),
        ("expected one argument", "une valeur est attendue"),
        ("invalid int value:", "nombre entier invalide :"),
        ("not allowed with argument", "incompatible avec l'argument"),
        ("one of the arguments", "un des arguments"),
        ("is required", "est obligatoire"),
    )

    def error(self, message: str) -> None:  # type: ignore[override]
        for english, french in self._FRENCH:
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"planner : erreur : {message}\n")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :", 1)
