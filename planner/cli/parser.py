"""The argument parser of every ``planner`` command: exit code 2 on a usage error."""

from __future__ import annotations

import argparse
import sys

from planner.cli.output import EXIT_BAD_INPUT


class Parser(argparse.ArgumentParser):
    """argparse with exit code 2; French wording inside
    :func:`planner.cli.argparse_french.argparse_in_french`."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"planner : erreur : {message}\n")
