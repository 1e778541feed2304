"""Fixtures of the map tests: the real Seine-Saint-Denis geography, a map
widget on a real QtWebEngine page, and an interceptor that blocks (and
records) anything that is not local, so that no test can reach a network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from planner.ui.map.map_widget import MapWidget

LOCAL_SCHEMES = {"file", "qrc", "data", "blob", "about"}


def _shared_dir() -> Path:
    # The real public samples copied into tests/data/public (see its README).
    return Path(__file__).resolve().parents[1] / "data" / "public"


@pytest.fixture(scope="module")
def communes() -> dict[str, Any]:
    path = _shared_dir() / "geo" / "communes-93-seine-saint-denis.geojson"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    # The file has no population: give each commune one, for per-1,000 rates.
    for index, feature in enumerate(data["features"]):
        feature["properties"].setdefault("population", 20_000 + 1_000 * index)
    return data


@pytest.fixture(scope="module")
def outline() -> dict[str, Any]:
    path = _shared_dir() / "geo" / "departement-93-seine-saint-denis.geojson"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


class _Interceptor(QWebEngineUrlRequestInterceptor):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt)
        url = info.requestUrl()
        self.urls.append(url.toString())
        if url.scheme() not in LOCAL_SCHEMES:
            info.block(True)


@pytest.fixture
def requests_seen(qapp: Any) -> Iterator[list[str]]:
    profile = QWebEngineProfile.defaultProfile()
    interceptor = _Interceptor()
    profile.setUrlRequestInterceptor(interceptor)
    yield interceptor.urls
    profile.setUrlRequestInterceptor(None)


def _remote(urls: list[str]) -> list[str]:
    return [u for u in urls if QUrl(u).scheme() not in LOCAL_SCHEMES]


@pytest.fixture
def widget(qtbot: Any, requests_seen: list[str]) -> Iterator[MapWidget]:
    w = MapWidget()
    qtbot.addWidget(w)
    w.resize(1000, 720)
    with qtbot.waitSignal(w.loaded, timeout=20_000):
        w.show()
    yield w
    assert w.javascript_errors() == []
    assert _remote(requests_seen) == []
