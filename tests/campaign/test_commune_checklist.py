"""The commune checklist of the new-campaign dialog: a model over the reference's columns."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.usefixtures("qapp")


def test_checklist_ticks_searches_and_keeps_ticks_out_of_sight() -> None:
    from planner.ui.campaign.commune_checklist import CommuneChecklistModel

    model = CommuneChecklistModel(
        ["93001", "93066", "75056", "97411"],
        ["Aubervilliers", "Saint-Denis", "Paris", "Saint-Denis"],
        ["93", "93", "75", "974"],
    )
    ticks: list[None] = []
    model.checkedChanged.connect(lambda: ticks.append(None))
    assert model.rowCount() == 4
    assert model.data(model.index(1, 0)) == "Saint-Denis (93066)"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.UserRole) == "93066"
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsUserCheckable

    model.set_search("saint-DENIS")
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [
        "Saint-Denis (93066)",
        "Saint-Denis (97411)",
    ]
    assert model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.data(model.index(1, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.set_search("974")  # by département
    assert model.rowCount() == 1
    assert model.data(model.index(0, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.set_checked("93001")  # not shown: ticked all the same
    model.set_search("")
    assert model.rowCount() == 4
    assert model.checked_codes() == ["93001", "97411"]
    model.set_checked("97411", False)
    assert model.checked_codes() == ["93001"]
    assert len(ticks) == 3


def test_communes_page_gives_the_ticked_communes_as_bassin(qtbot: Any) -> None:
    from planner.ui.campaign.new_campaign import NewCampaignDialog

    dialog = NewCampaignDialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("communes"))
    page = dialog.pages.currentWidget()
    assert page.model.rowCount() == len(dialog.reference)
    page.search.setText("Aubervilliers")
    assert page.model.rowCount() == 1
    page.model.setData(
        page.model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    page.model.set_checked("93066")
    assert page.count.text() == "2 communes cochées"
    qtbot.waitUntil(dialog.create_button.isEnabled, timeout=30_000)
    spec = page.spec()
    assert spec is not None and spec.kind == "communes"
    assert sorted(spec.code.split(",")) == ["93001", "93066"]
    assert "2 communes" in dialog.status.text()
    # The map gets the two boundaries from a worker thread.
    qtbot.waitUntil(lambda: dialog.preview._layers.geography is not None, timeout=30_000)
    codes = [
        f["properties"]["code"] for f in dialog.preview._layers.geography["communes"]["features"]
    ]
    assert sorted(codes) == ["93001", "93066"]
