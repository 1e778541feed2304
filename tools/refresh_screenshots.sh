#!/usr/bin/env bash
# Regenerate the screenshots in resources/screenshots (README pictures) on demand.
# The UI tests that show these windows save them only when PLANNER_SCREENSHOTS is set;
# an ordinary test run writes no file of the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLANNER_SCREENSHOTS=1 QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1
uv run pytest -q -p no:cacheprovider \
  tests/app/test_main_window.py \
  tests/task_force/test_task_force_editor.py \
  tests/task_force/test_teams_window.py \
  tests/sessions/test_session_views.py \
  tests/sessions/test_sessions_window.py \
  "$@"
uv run python tools/dashboard_screenshot.py
git status --short resources/screenshots
