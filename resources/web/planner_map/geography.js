/*
 * geography.js: communes, the bassin's outline, commune labels and the
 * choropleth colouring.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var el = PM.el;
  var formatNumber = PM.formatNumber;

  /* ------------------------------------------------------------ geography */

  function communeStyle(feature) {
    var style = {
      color: "#7b8794", weight: 1, opacity: 0.9,
      fillColor: "#fbfaf6", fillOpacity: S.config.tiles ? 0.12 : 1
    };
    if (S.choropleth) {
      var value = S.choropleth.values[feature.properties.code];
      style.fillColor = value === undefined ? "#d9d9d9" : choroplethColor(value);
      style.fillOpacity = S.config.tiles ? 0.55 : 0.75;
    }
    return style;
  }

  function choroplethColor(value) {
    var breaks = S.choropleth.breaks, colors = S.choropleth.colors;
    for (var i = 0; i < breaks.length; i++) if (value <= breaks[i]) return colors[i];
    return colors[colors.length - 1];
  }

  function setGeography(geo) {
    var map = S.map;
    if (S.communes) map.removeLayer(S.communes);
    if (S.outline) map.removeLayer(S.outline);
    S.labels.forEach(function (label) { map.removeLayer(label.marker); });
    S.labels = [];
    S.geography = geo;
    S.communes = L.geoJSON(geo.communes, {
      // On paper the communes are vector paths (sharp at any resolution).
      pane: "pmCommunes",
      renderer: S.vectorCommunes ? L.svg({ pane: "pmCommunes", padding: 0.1 })
        : L.canvas({ pane: "pmCommunes" }),
      interactive: false, pmIgnore: true, snapIgnore: true, style: communeStyle
    }).addTo(map);
    S.outline = L.geoJSON(geo.outline, {
      pane: "pmOutline", renderer: L.svg({ pane: "pmOutline", padding: 0.5 }),
      interactive: false, pmIgnore: true, snapIgnore: true,
      style: { color: "#1d3557", weight: 3, opacity: 0.95, fill: false }
    }).addTo(map);
    (geo.communes.features || []).forEach(function (feature) {
      var p = feature.properties;
      if (!p.label) return;
      var box = el("div", "pm-label-box");
      var name = el("span", "pm-label-name", p.nom);
      var value = el("span", "pm-label-value");
      box.appendChild(name);
      box.appendChild(value);
      var marker = L.marker([p.label[1], p.label[0]], {
        pane: "pmLabels", interactive: false, keyboard: false, pmIgnore: true, snapIgnore: true,
        icon: L.divIcon({ className: "pm-commune-label", html: box, iconSize: null })
      }).addTo(map);
      S.labels.push({ marker: marker, box: box, value: value, code: p.code,
                      weight: p.population || 0, size: null });
    });
    S.labels.sort(function (a, b) { return b.weight - a.weight; });
    updateLabelValues();
    var bounds = S.outline.getBounds();
    if (!bounds.isValid()) bounds = S.communes.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
    // Until the user moves the map, keep the bassin framed when the view is
    // resized (the window lays itself out after the page has loaded).
    S.autoFitBounds = bounds.isValid() ? bounds : null;
    if (!S.autoFitHooked) {
      S.autoFitHooked = true;
      var stop = function () { S.autoFitBounds = null; };
      map.getContainer().addEventListener("mousedown", stop);
      map.getContainer().addEventListener("wheel", stop);
      map.on("resize", function () {
        if (S.autoFitBounds) {
          map.fitBounds(S.autoFitBounds, { padding: [12, 12], animate: false });
          layoutLabels();
        }
      });
    }
    layoutLabels();
  }

  function updateLabelValues() {
    var ch = S.choropleth;
    S.labels.forEach(function (label) {
      var value = ch ? ch.values[label.code] : undefined;
      label.value.textContent = value === undefined ? "" : formatNumber(value, ch.decimals);
      label.size = null;
    });
  }

  // Shows the names that fit, the most populated first; the others wait
  // for a closer zoom.
  function layoutLabels() {
    var map = S.map;
    if (!S.labels.length) return;
    var minZoom = S.config.labelsMinZoom || 9;
    var zoom = map.getZoom();
    var placed = [];
    S.labels.forEach(function (label) {
      var icon = label.marker.getElement();
      if (!icon) return;
      if (zoom < minZoom) { icon.classList.add("pm-label-hidden"); return; }
      if (!label.size) label.size = [label.box.offsetWidth, label.box.offsetHeight];
      var p = map.latLngToContainerPoint(label.marker.getLatLng());
      var halfW = label.size[0] / 2 + 2, halfH = label.size[1] / 2 + 1;
      var rect = [p.x - halfW, p.y - halfH, p.x + halfW, p.y + halfH];
      var clash = placed.some(function (o) {
        return rect[0] < o[2] && rect[2] > o[0] && rect[1] < o[3] && rect[3] > o[1];
      });
      icon.classList.toggle("pm-label-hidden", clash);
      if (!clash) placed.push(rect);
    });
  }

  function setChoropleth(payload) {
    S.choropleth = payload || null;
    if (S.communes) S.communes.setStyle(communeStyle);
    updateLabelValues();
    layoutLabels();
    PM.updateChoroplethLegend();
  }

  PM.layoutLabels = layoutLabels;
  PM.setChoropleth = setChoropleth;
  PM.setGeography = setGeography;
})();
