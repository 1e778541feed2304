"""What every ``planner`` command shares to answer: exit codes, JSON and terminal text.

Exit code 0 means success, 2 bad input or a failure the user can act on, 1 an
unexpected error (crash report), 130 cancelled.
"""

from __future__ import annotations

import json
import os
import sys

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_BAD_INPUT = 2
EXIT_CONFLICT = 3  # a write based on a version that changed meanwhile: nothing written
EXIT_CANCELLED = 130


def terminal_text(text: str) -> str:
    """``text`` for the terminal: names typed by others (a partner's, a firm's)
    carry no escape sequence (ESC…), NUL or bidirectional override."""
    from planner.domain.cell_text import neutralise_bidi, strip_controls

    return neutralise_bidi(strip_controls(text))


def print_json(data: object) -> None:
    """Print one JSON object on stdout.

    A reader that stops early (``planner info --json | head``) is not an error:
    as the Python docs advise, stdout is pointed at /dev/null so that the
    interpreter's final flush does not fail again.
    """
    try:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
