"""Aide → Guide de démarrage: opens, and every menu entry it names exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from planner.ui.help_dialog import GUIDE
from planner.ui.main_window import MainWindow
from planner.ui.resources import resource_path


@pytest.fixture
def window(qtbot: QtBot, isolated_settings: Path) -> Iterator[MainWindow]:
    win = MainWindow()
    qtbot.addWidget(win)
    yield win
    win.close()


def _menu_texts(window: MainWindow) -> set[str]:
    texts: set[str] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():  # type: ignore[union-attr]
            plain = action.text().replace("&", "").rstrip("…").strip()
            texts.add(f"{top.text().replace('&', '')} → {plain}")
    return texts


def test_guide_opens_from_the_help_menu_and_names_real_menus(
    qtbot: QtBot, window: MainWindow
) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if "Aide" in a.text())
    entry = next(a for a in help_menu.actions() if "Guide" in a.text())  # type: ignore[union-attr]
    entry.trigger()
    guide = window._guide
    assert guide is not None and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "Répartir automatiquement" in text and "introuvable" not in text
    html = resource_path(*GUIDE).read_text(encoding="utf-8")
    named = {re.sub(r"\s+", " ", m).strip() for m in re.findall(r"<i>([^<]*→[^<]*)</i>", html)}
    menus = _menu_texts(window)
    assert named, text
    for item in named:
        assert any(m.startswith(item) for m in menus), (item, sorted(menus))
