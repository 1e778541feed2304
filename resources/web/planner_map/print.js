/*
 * print.js: the map laid out as a printed sheet. A page-sized, off-screen
 * copy of the page (planner/ui/map/map_print.py) calls preparePrint before
 * restoring the map's state, then framePrint; Chromium then prints the page
 * for the paper, so the title, the legend, the scale and the sources are
 * text and vector paths, and the firms a canvas finer than the screen's.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var el = PM.el;

  var MIN_LEGEND_FONT = 6;

  // sheet: {width, height (CSS px of the printable area), title, date,
  //         sources, pixelRatio}
  function preparePrint(sheet) {
    S.pixelRatio = sheet.pixelRatio || 3;
    S.vectorCommunes = true;
    S.printReady = false;
    S.map.options.zoomSnap = 0;
    S.firms.options.padding = 0;
    document.documentElement.classList.add("pm-sheet-mode");
    var page = el("div", "pm-sheet");
    page.id = "pm-sheet";
    page.style.width = sheet.width + "px";
    page.style.height = sheet.height + "px";
    var head = el("div", "pm-sheet-head");
    head.appendChild(el("div", "pm-sheet-title", sheet.title));
    head.appendChild(el("div", "pm-sheet-date", sheet.date));
    var mapBox = el("div", "pm-sheet-map");
    var side = el("div", "pm-sheet-side");
    var foot = el("div", "pm-sheet-foot", sheet.sources);
    page.appendChild(head);
    page.appendChild(mapBox);
    page.appendChild(side);
    page.appendChild(foot);
    document.body.appendChild(page);
    var container = S.map.getContainer();
    container.classList.add("pm-print");
    mapBox.appendChild(container);
    // The legends leave the map's corners for a column of their own: whole,
    // never folded, never scrolled.
    [S.legendControl, S.choroplethControl].forEach(function (control) {
      control.setFolded(false);
      control.getContainer().style.transform = "";
      side.appendChild(control.getContainer());
    });
    S.map.invalidateSize({ animate: false });
  }

  // Frames the map on [[south, west], [north, east]], or on the bassin.
  function framePrint(bounds) {
    var map = S.map;
    // The sheet's framing is final: no refit of the bassin on a resize.
    S.autoFitBounds = null;
    map.invalidateSize({ animate: false });
    var target = bounds ? L.latLngBounds(bounds) : null;
    if (!target || !target.isValid()) {
      target = S.outline ? S.outline.getBounds() : null;
      if ((!target || !target.isValid()) && S.communes) target = S.communes.getBounds();
    }
    if (target && target.isValid()) {
      map.fitBounds(target, { padding: bounds ? [0, 0] : [6, 6], animate: false });
    }
    fitLegend();
    PM.layoutLabels();
    S.firms.redraw();
    PM.afterFrame(function () { S.printReady = true; });
  }

  // Shrinks the legend's text until the whole legend fits its column.
  function fitLegend() {
    var side = document.querySelector(".pm-sheet-side");
    if (!side) return;
    var size = 11;
    side.style.fontSize = size + "px";
    while (side.scrollHeight > side.clientHeight + 1 && size > MIN_LEGEND_FONT) {
      size -= 0.5;
      side.style.fontSize = size + "px";
    }
    side.classList.toggle("pm-sheet-side-columns", side.scrollHeight > side.clientHeight + 1);
  }

  // The bounds the user sees now, for « Vue actuelle ».
  function viewBounds() {
    var b = S.map.getBounds();
    return [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]];
  }

  PM.framePrint = framePrint;
  PM.preparePrint = preparePrint;
  PM.viewBounds = viewBounds;
  PM.printReady = function () { return !!S.printReady; };
})();
