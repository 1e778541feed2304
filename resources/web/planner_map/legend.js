/*
 * legend.js: the legend controls (firm categories, choropleth scale).
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var TEXT = PM.TEXT;
  var el = PM.el;
  var formatNumber = PM.formatNumber;

  /* ------------------------------------------------------------ legends */

  var DRAG_THRESHOLD = 4;

  var LegendControl = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function () {
      this._div = el("div", "pm-legend leaflet-bar");
      this._offset = [0, 0];
      L.DomEvent.disableClickPropagation(this._div);
      L.DomEvent.disableScrollPropagation(this._div);
      this._div.addEventListener("mousedown", this._onMouseDown.bind(this));
      return this._div;
    },
    // The legend moves with the mouse (a press and a drag anywhere on it),
    // so that it never sits on the part of the map the user looks at.
    _onMouseDown: function (e) {
      if (e.button !== 0) return;
      var control = this;
      control._swallowClick = false;
      var start = [e.clientX, e.clientY], origin = this._offset.slice();
      var moved = false;
      function onMove(ev) {
        var dx = ev.clientX - start[0], dy = ev.clientY - start[1];
        if (!moved && Math.abs(dx) + Math.abs(dy) < DRAG_THRESHOLD) return;
        moved = true;
        control._div.classList.add("pm-legend-dragging");
        control.moveTo(origin[0] + dx, origin[1] + dy);
        ev.preventDefault();
      }
      function onUp() {
        document.removeEventListener("mousemove", onMove, true);
        document.removeEventListener("mouseup", onUp, true);
        control._div.classList.remove("pm-legend-dragging");
        // The click that ends a drag must not fold the legend (the next
        // press forgets it, should the release land off the title).
        control._swallowClick = moved;
      }
      document.addEventListener("mousemove", onMove, true);
      document.addEventListener("mouseup", onUp, true);
      e.preventDefault();
    },
    // Offset from the legend's corner, kept inside the map.
    moveTo: function (dx, dy) {
      var map = this._map, div = this._div;
      if (map) {
        var box = map.getContainer().getBoundingClientRect();
        var rect = div.getBoundingClientRect();
        // Where the legend sits with no offset, in the map's pixels.
        var left = rect.left - box.left - this._offset[0];
        var top = rect.top - box.top - this._offset[1];
        dx = Math.max(-left, Math.min(box.width - left - rect.width, dx));
        dy = Math.max(-top, Math.min(box.height - top - rect.height, dy));
      }
      this._offset = [dx, dy];
      div.style.transform = dx || dy ? "translate(" + dx + "px, " + dy + "px)" : "";
      return this._offset;
    },
    // A click on the title folds the legend to its title (a long team
    // legend hides part of the map); the fold survives content updates.
    setContent: function (node) {
      var control = this;
      this._div.replaceChildren();
      if (node) this._div.appendChild(node);
      this._div.style.display = node ? "" : "none";
      var title = node && node.querySelector(".pm-legend-title");
      if (title) {
        title.classList.add("pm-legend-toggle");
        title.title = TEXT.foldHint;
        title.addEventListener("click", function () {
          if (control._swallowClick) { control._swallowClick = false; return; }
          control.setFolded(!control._folded);
        });
      }
      this.setFolded(!!this._folded);
    },
    setFolded: function (folded) {
      this._folded = folded;
      this._div.classList.toggle("pm-legend-folded", folded);
      if (this === S.legendControl) S.legendFolded = folded;
    }
  });

  function updateLegend() {
    var d = S.data;
    if (!d || !d.n) { S.legendControl.setContent(null); return; }
    var box = el("div");
    box.appendChild(el("div", "pm-legend-title", d.title || TEXT.firmsTitle));
    var head = el("div", "pm-legend-row pm-legend-head");
    head.appendChild(el("span", "pm-swatch pm-swatch-blank"));
    head.appendChild(el("span", "pm-legend-spacer"));
    head.appendChild(el("span", "pm-legend-count", TEXT.countHeader));
    box.appendChild(head);
    d.legend.forEach(function (entry, c) {
      var row = el("div", "pm-legend-row");
      var swatch = el("span", "pm-swatch");
      swatch.style.backgroundColor = entry[1];
      row.appendChild(swatch);
      row.appendChild(el("span", "pm-legend-label", entry[0]));
      row.appendChild(el("span", "pm-legend-count", formatNumber(S.categoryCounts[c] || 0)));
      box.appendChild(row);
    });
    var total = el("div", "pm-legend-row pm-legend-total");
    total.appendChild(el("span", "pm-legend-label", TEXT.total));
    total.appendChild(el("span", "pm-legend-count", formatNumber(S.visibleCount)));
    box.appendChild(total);
    // The status bar counts the firms the filters keep; the map cannot draw
    // those without a position: say so, or the two totals look wrong.
    if (S.unplaced > 0) {
      box.appendChild(el("div", "pm-legend-note", S.unplaced === 1
        ? TEXT.unplacedOne
        : formatNumber(S.unplaced) + " " + TEXT.unplacedMany));
    }
    S.legendControl.setContent(box);
  }

  function updateChoroplethLegend() {
    var ch = S.choropleth;
    if (!ch || !ch.breaks.length) { S.choroplethControl.setContent(null); return; }
    var box = el("div");
    box.appendChild(el("div", "pm-legend-title", ch.label));
    var lower = 0;
    ch.breaks.forEach(function (upper, i) {
      var row = el("div", "pm-legend-row");
      var swatch = el("span", "pm-swatch pm-swatch-square");
      swatch.style.backgroundColor = ch.colors[i];
      row.appendChild(swatch);
      var text = i === 0
        ? "≤ " + formatNumber(upper, ch.decimals)
        : formatNumber(lower, ch.decimals) + " – " + formatNumber(upper, ch.decimals);
      row.appendChild(el("span", "pm-legend-label", text));
      box.appendChild(row);
      lower = upper;
    });
    var missing = (S.geography ? S.geography.communes.features : []).some(function (f) {
      return ch.values[f.properties.code] === undefined;
    });
    if (missing) {
      var row = el("div", "pm-legend-row");
      var swatch = el("span", "pm-swatch pm-swatch-square");
      swatch.style.backgroundColor = "#d9d9d9";
      row.appendChild(swatch);
      row.appendChild(el("span", "pm-legend-label", TEXT.noValue));
      box.appendChild(row);
    }
    S.choroplethControl.setContent(box);
  }

  function setUnplaced(count) {
    S.unplaced = count || 0;
    updateLegend();
  }

  PM.LegendControl = LegendControl;
  PM.setUnplaced = setUnplaced;
  PM.updateChoroplethLegend = updateChoroplethLegend;
  PM.updateLegend = updateLegend;
})();
