/*
 * selection.js: selecting firms by dragging a rectangle (our own tool) or
 * drawing a lasso (geoman).
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var SELECTION_COLOR = PM.SELECTION_COLOR;
  var TEXT = PM.TEXT;
  var el = PM.el;

  var RectangleControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var bar = L.DomUtil.create("div", "leaflet-bar pm-rect-tool");
      var button = L.DomUtil.create("a", "pm-rect-button", bar);
      button.href = "#";
      button.title = TEXT.rectButton;
      button.setAttribute("role", "button");
      button.setAttribute("aria-label", TEXT.rectButton);
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.preventDefault(e);
        if (S.rect) stopRectangle(); else startRectangle();
      });
      S.rectButton = button;
      return bar;
    }
  });

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
    // The rectangle is ours (press, drag, release: drawn while dragging);
    // geoman draws the lasso, point by point.
    new RectangleControl().addTo(map);
    map.pm.addControls({
      position: "topleft",
      drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
      drawText: false, editMode: false, dragMode: false, cutPolygon: false,
      removalMode: false, rotateMode: false, drawRectangle: false, drawPolygon: true
    });
    map.on("pm:create", onShapeDrawn);
    map.on("pm:drawstart", function () { stopRectangle(); });
    // An open popup would take the clicks that draw the shape.
    map.on("pm:drawstart", function () {
      PM.hideHover();
      map.closePopup();
    });
  }

  /* ------------------------------------------------------------ rectangle tool */

  function startRectangle() {
    var map = S.map;
    if (map.pm && map.pm.globalDrawModeEnabled()) map.pm.disableDraw();
    PM.hideHover();
    map.closePopup();
    S.rect = { start: null, layer: null };
    map.dragging.disable();
    map.boxZoom.disable();
    map.getContainer().classList.add("pm-rect-drawing");
    if (S.rectButton) S.rectButton.classList.add("pm-rect-active");
    var hint = document.getElementById("pm-rect-hint");
    if (!hint) {
      hint = el("div", "pm-rect-hint", TEXT.rectHint);
      hint.id = "pm-rect-hint";
      map.getContainer().appendChild(hint);
    }
    hint.style.display = "";
    map.on("mousedown", onRectDown);
    map.on("mousemove", onRectMove);
    map.on("mouseup", onRectUp);
    document.addEventListener("keydown", onRectKey, true);
  }

  function stopRectangle() {
    var map = S.map;
    if (!S.rect) return;
    if (S.rect.layer && S.rect.layer !== S.selectionShape) map.removeLayer(S.rect.layer);
    S.rect = null;
    map.dragging.enable();
    map.boxZoom.enable();
    map.getContainer().classList.remove("pm-rect-drawing");
    if (S.rectButton) S.rectButton.classList.remove("pm-rect-active");
    var hint = document.getElementById("pm-rect-hint");
    if (hint) hint.style.display = "none";
    map.off("mousedown", onRectDown);
    map.off("mousemove", onRectMove);
    map.off("mouseup", onRectUp);
    document.removeEventListener("keydown", onRectKey, true);
  }

  function onRectKey(e) {
    if (e.key === "Escape") stopRectangle();
  }

  function onRectDown(e) {
    if (!S.rect || (e.originalEvent && e.originalEvent.button !== 0)) return;
    // No text selection of the legend or the controls while dragging.
    if (e.originalEvent) e.originalEvent.preventDefault();
    clearSelectionShape();
    S.rect.start = e.latlng;
    S.rect.layer = L.rectangle(L.latLngBounds(e.latlng, e.latlng), {
      color: SELECTION_COLOR, weight: 2, dashArray: "6 4", fillOpacity: 0.06,
      interactive: false, pmIgnore: true
    }).addTo(S.map);
  }

  function onRectMove(e) {
    if (!S.rect || !S.rect.start) return;
    S.rect.layer.setBounds(L.latLngBounds(S.rect.start, e.latlng));
  }

  function onRectUp(e) {
    if (!S.rect || !S.rect.start) return;
    var layer = S.rect.layer;
    layer.setBounds(L.latLngBounds(S.rect.start, e.latlng));
    S.rect.start = null;
    var a = S.map.latLngToContainerPoint(layer.getBounds().getSouthWest());
    var b = S.map.latLngToContainerPoint(layer.getBounds().getNorthEast());
    if (Math.abs(a.x - b.x) < 3 && Math.abs(a.y - b.y) < 3) {
      S.map.removeLayer(layer);  // a click, not a rectangle: wait for a drag
      S.rect.layer = null;
      return;
    }
    S.rect.layer = null;
    stopRectangle();
    S.rectJustDrawn = true;
    setTimeout(function () { S.rectJustDrawn = false; }, 0);
    onShapeDrawn({ shape: "Rectangle", layer: layer });
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
  PM.startRectangle = startRectangle;
  PM.stopRectangle = stopRectangle;
  PM.setupDrawing = setupDrawing;
})();
