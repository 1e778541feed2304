"""Entry point for ``planner`` and ``python -m planner``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or the desktop app when no sub-command is given."""
    from planner.cli.main import run

    def launch_app(campaign: str | None, demo: bool) -> int:
        from planner.app import main as app_main

        return app_main(campaign, demo=demo)

    def print_pdf(job: Any, out: Path) -> int:
        from planner.ui.sessions.printing import print_pdf_headless

        return print_pdf_headless(job, out)

    def dashboard_pdf(data: Any, out: Path, axes: Any) -> int:
        from planner.ui.followup.dashboard_pdf import write_dashboard_pdf_headless

        return write_dashboard_pdf_headless(data, out, axes)

    return run(sys.argv[1:] if argv is None else argv, launch_app, print_pdf, dashboard_pdf)


if __name__ == "__main__":
    sys.exit(main())
