"""argparse's own texts in French.

argparse reads its texts (« usage: », « positional arguments », its error phrases)
through ``gettext`` and Python ships no French catalogue for them: while the command
line is built and parsed, :func:`argparse_in_french` gives argparse a translation
table instead, and puts the usual lookup back afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

FRENCH: dict[str, str] = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (valeurs possibles : %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "un des arguments %s est obligatoire",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "ignored explicit argument %r": "valeur %r ignorée",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue %(parser_name)r (valeurs possibles : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
"""argparse's texts (Python 3.11) → French; a text not listed stays as argparse has it."""

FRENCH_PLURALS: dict[str, tuple[str, str]] = {
    "expected %s argument": ("%s valeur est attendue", "%s valeurs sont attendues"),
}
"""argparse's texts with a plural (singular msgid) → French singular and plural."""


def french(message: str) -> str:
    """argparse's ``message`` in French."""
    return FRENCH.get(message, message)


def french_plural(singular: str, plural: str, n: int) -> str:
    """argparse's ``ngettext``: the French text for ``n``."""
    forms = FRENCH_PLURALS.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n <= 1 else forms[1]


@contextlib.contextmanager
def argparse_in_french() -> Iterator[None]:
    """argparse speaks French inside the block (the command line is single-threaded)."""
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = french, french_plural
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved
