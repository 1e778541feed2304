"""The team summary model: French numbers and an explained deviation."""

from __future__ import annotations

from PySide6.QtCore import Qt

from planner.services.task_force.summary import TeamSummaryRow
from planner.ui.task_force.team_summary import DEVIATION, HEADERS, TeamSummaryModel


def test_numbers_are_french_and_the_deviation_says_what_it_compares() -> None:
    model = TeamSummaryModel()
    row = TeamSummaryRow(
        id=1,
        team="FT Saint-Denis",
        partner="France Travail Saint-Denis",
        assigned=2391,
        locked=25,
        capacity=2372,
        advisers=4,
        target=2389,
        deviation_pct=0.08,
        communes=5,
        pieces=1,
    )
    model.set_rows([row])
    shown = [model.index(0, c).data() for c in range(len(HEADERS))]
    assert shown[2:6] == ["2\u202f391 (25 verr.)", "2\u202f372", "+0,1 %", "5"]
    tip = model.index(0, DEVIATION).data(Qt.ItemDataRole.ToolTipRole)
    assert "Part visée : 2\u202f389 entreprises" in tip
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.headerData(DEVIATION, Qt.Orientation.Horizontal) == "Écart"
