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

  var LegendControl = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function () {
      this._div = el("div", "pm-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(this._div);
      L.DomEvent.disableScrollPropagation(this._div);
      return this._div;
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
        title.addEventListener("click", function () { control.setFolded(!control._folded); });
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

  PM.LegendControl = LegendControl;
  PM.updateChoroplethLegend = updateChoroplethLegend;
  PM.updateLegend = updateLegend;
})();
