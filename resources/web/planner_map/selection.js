/*
 * selection.js: selecting firms by drawing a rectangle or a lasso (geoman).
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var SELECTION_COLOR = PM.SELECTION_COLOR;
  var TEXT = PM.TEXT;

  /* ------------------------------------------------------------ selection */

  function setupDrawing(map) {
    if (!map.pm) return;
    map.pm.setLang("planner_fr", {
      tooltips: { firstVertex: TEXT.firstVertex, continueLine: TEXT.continueLine,
                  finishPoly: TEXT.finishPoly, finishRect: TEXT.finishRect },
      buttonTitles: { drawRectButton: TEXT.rectButton, drawPolyButton: TEXT.polyButton }
    }, "fr");
    map.pm.setGlobalOptions({
      snappable: false,
      continueDrawing: false,
      templineStyle: { color: SELECTION_COLOR },
      hintlineStyle: { color: SELECTION_COLOR, dashArray: [4, 4] },
      pathOptions: { color: SELECTION_COLOR, weight: 2, dashArray: "6 4", fillOpacity: 0.06 }
    });
    map.pm.addControls({
      position: "topleft",
      drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
      drawText: false, editMode: false, dragMode: false, cutPolygon: false,
      removalMode: false, rotateMode: false, drawRectangle: true, drawPolygon: true
    });
    map.on("pm:create", onShapeDrawn);
    // An open popup would take the clicks that draw the shape.
    map.on("pm:drawstart", function () {
      PM.hideHover();
      map.closePopup();
    });
  }

  function clearSelectionShape() {
    if (S.selectionShape) S.map.removeLayer(S.selectionShape);
    S.selectionShape = null;
  }

  function onShapeDrawn(e) {
    var layer = e.layer;
    clearSelectionShape();
    S.selectionShape = layer;
    var indices = e.shape === "Rectangle"
      ? indicesInBounds(layer.getBounds())
      : indicesInRing(layer.getLatLngs()[0]);
    var ids = indices.map(function (i) { return S.data.ids[i]; });
    if (S.data) {
      S.highlight = new Uint8Array(S.data.n);
      indices.forEach(function (i) { S.highlight[i] = 1; });
      PM.countVisible();
      if (!S.clustered) S.firms.redraw();
    }
    S.lastSelection = ids;
    if (S.bridge) S.bridge.selection_drawn(JSON.stringify(ids));
    return ids;
  }

  function indicesInBounds(bounds) {
    var d = S.data, out = [];
    if (!d) return out;
    var south = bounds.getSouth(), north = bounds.getNorth();
    var west = bounds.getWest(), east = bounds.getEast();
    for (var i = 0; i < d.n; i++) {
      if (!S.visible[i]) continue;
      var lat = d.lat[i], lon = d.lon[i];
      if (lat >= south && lat <= north && lon >= west && lon <= east) out.push(i);
    }
    return out;
  }

  function indicesInRing(latlngs) {
    var d = S.data, out = [];
    if (!d || !latlngs || latlngs.length < 3) return out;
    var xs = latlngs.map(function (p) { return p.lng; });
    var ys = latlngs.map(function (p) { return p.lat; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var m = xs.length;
    for (var i = 0; i < d.n; i++) {
      if (!S.visible[i]) continue;
      var x = d.lon[i], y = d.lat[i];
      if (x < minX || x > maxX || y < minY || y > maxY) continue;
      var inside = false;
      for (var a = 0, b = m - 1; a < m; b = a++) {
        if ((ys[a] > y) !== (ys[b] > y) &&
            x < (xs[b] - xs[a]) * (y - ys[a]) / (ys[b] - ys[a]) + xs[a]) inside = !inside;
      }
      if (inside) out.push(i);
    }
    return out;
  }

  PM.clearSelectionShape = clearSelectionShape;
  PM.setupDrawing = setupDrawing;
})();
