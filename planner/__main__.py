"""Entry point for ``planner`` and ``python -m planner``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or the desktop app when no sub-command is given."""
    from planner.cli.main import run

    def launch_app(campaign: str | None, demo: bool) -> int:
        from planner.app import main as app_main

        return app_main(campaign, demo=demo)

    return run(sys.argv[1:] if argv is None else argv, launch_app)


if __name__ == "__main__":
    sys.exit(main())
