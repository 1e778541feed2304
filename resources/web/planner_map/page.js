/*
 * page.js: attaching to the folium map, restoring a saved state, and the
 * public API window.PlannerMap (with its test hooks). Loaded last.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var el = PM.el;

  /* ------------------------------------------------------------ page */

  function reportView() {
    var center = S.map.getCenter();
    if (S.bridge) S.bridge.report_view(center.lat, center.lng, S.map.getZoom());
  }

  // A 1 px mark in the corner whose colour Python picks before a capture:
  // once a grab shows that colour, the grab holds a frame made after the
  // request (Qt's copy of the page lags the page by tens of milliseconds).
  function frameToken(color) {
    var mark = document.getElementById("pm-frame-token");
    if (!mark) {
      mark = el("div");
      mark.id = "pm-frame-token";
      document.body.appendChild(mark);
    }
    mark.style.backgroundColor = color;
    return color;
  }

  function restore(state) {
    if (state.geography) PM.setGeography(state.geography);
    if (state.firms) PM.setFirms(state.firms);
    if (state.details) S.staticDetails = state.details;
    if (state.visible) PM.setVisible(state.visible);
    if (state.recolor) PM.recolor(state.recolor.cat, state.recolor.legend);
    if (state.highlight) PM.setHighlight(state.highlight, false);
    if (state.unplaced) PM.setUnplaced(state.unplaced);
    if (state.choropleth) PM.setChoropleth(state.choropleth);
    if (state.clustered) PM.setClustered(true);
    if (state.sessions) PM.setSessions(state.sessions);
    if (state.view) S.map.setView([state.view.lat, state.view.lng], state.view.zoom, { animate: false });
  }

  function attach(map, options, initialState) {
    S.map = map;
    S.config = options || {};
    map.attributionControl.setPrefix("Leaflet");
    var container = map.getContainer();
    if (S.config.tiles) {
      L.tileLayer(S.config.tiles.url, {
        attribution: S.config.tiles.attribution, maxZoom: S.config.tiles.maxZoom
      }).addTo(map);
    } else {
      container.classList.add("pm-offline");
    }
    L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 140 }).addTo(map);
    S.choroplethControl = new PM.LegendControl({ position: "bottomleft" }).addTo(map);
    S.legendControl = new PM.LegendControl({ position: "bottomright" }).addTo(map);
    S.choroplethControl.setContent(null);
    S.legendControl.setContent(null);
    S.data = PM.emptyData();
    PM.sortByCategory(S.data);
    S.visible = new Uint8Array(0);
    S.highlight = new Uint8Array(0);
    S.firms = new PM.FirmsLayer().addTo(map);
    PM.setupDrawing(map);
    map.on("click", PM.onMapClick);
    map.on("mousemove", PM.onMouseMove);
    map.on("mouseout", PM.hideHover);
    map.on("zoomend", PM.layoutLabels);
    map.on("moveend", reportView);
    map.on("zoomstart", PM.hideHover);
    if (initialState) restore(initialState);
    if (window.qt && window.qt.webChannelTransport && window.QWebChannel) {
      new window.QWebChannel(window.qt.webChannelTransport, function (channel) {
        S.bridge = channel.objects.plannerBridge;
        S.bridge.page_ready();
        reportView();
      });
    }
    window.__plannerReady = true;
  }

  /* ------------------------------------------------------------ test hooks */

  function indexOfId(id) {
    var d = S.data;
    for (var i = 0; i < d.n; i++) if (d.ids[i] === id) return i;
    return -1;
  }

  var testHooks = {
    // Clicks where the firm is drawn, through the same handler as the mouse.
    clickFirm: function (id) {
      var i = indexOfId(id);
      if (i < 0) return false;
      if (S.clustered) { PM.activateFirm(i); return true; }
      var point = S.map.latLngToContainerPoint([S.data.lat[i], S.data.lon[i]]);
      return PM.onMapClick({ containerPoint: point });
    },
    hoverFirm: function (id) {
      var i = indexOfId(id);
      if (i >= 0) PM.showHover(i);
      return i >= 0;
    },
    // Fires geoman's "pm:create" as if the user had drawn the shape.
    drawRectangle: function (south, west, north, east) {
      var layer = L.rectangle([[south, west], [north, east]], { pmIgnore: true }).addTo(S.map);
      S.map.fire("pm:create", { shape: "Rectangle", layer: layer });
      return S.lastSelection;
    },
    drawLasso: function (latlngs) {
      var layer = L.polygon(latlngs, { pmIgnore: true }).addTo(S.map);
      S.map.fire("pm:create", { shape: "Polygon", layer: layer });
      return S.lastSelection;
    },
    // Milliseconds to redraw every shown firm (what a pan or zoom costs).
    redrawMs: function () {
      var t = performance.now();
      S.firms.redraw();
      return performance.now() - t;
    },
    // Where a firm is on screen (container pixels), as Leaflet projects it.
    containerPoint: function (id) {
      var i = indexOfId(id);
      if (i < 0) return null;
      var p = S.map.latLngToContainerPoint([S.data.lat[i], S.data.lon[i]]);
      return [p.x, p.y];
    },
    center: function () {
      return S.map.getCenter();
    },
    map: function () {
      return S.map;
    },
    // The session markers: venue id, position and the session a click picks.
    sessionMarkers: function () {
      return (S.sessionMarkers || []).map(function (m) {
        var p = m.getLatLng();
        return { venue: m.pmVenue.id, lat: p.lat, lon: p.lng, shown: S.map.hasLayer(m),
                 upcoming: m.pmVenue.upcoming.length,
                 tooltip: m.getTooltip().getContent().textContent };
      });
    },
    clickVenue: function (venueId) {
      var marker = (S.sessionMarkers || []).filter(function (m) {
        return m.pmVenue.id === venueId;
      })[0];
      if (!marker) return null;
      marker.fire("click");
      return S.lastSession;
    },
    // Where a position is on screen (container pixels).
    pointOf: function (lat, lon) {
      var p = S.map.latLngToContainerPoint([lat, lon]);
      return [p.x, p.y];
    },
    picking: function () { return !!S.pick; },
    // The rectangle tool: null when off, else the rectangle being dragged
    // (container pixels [left, top, right, bottom]) or null before the press.
    rectangleTool: function () {
      if (!S.rect) return null;
      var layer = S.rect.layer;
      if (!layer) return { drawn: null };
      var b = layer.getBounds();
      var nw = S.map.latLngToContainerPoint(b.getNorthWest());
      var se = S.map.latLngToContainerPoint(b.getSouthEast());
      return { drawn: [nw.x, nw.y, se.x, se.y] };
    },
    startRectangle: function () { PM.startRectangle(); return true; },
    legendOffset: function () { return S.legendControl._offset; },
    legendFolded: function () { return !!S.legendFolded; },
    clickLegendTitle: function () {
      var title = S.legendControl.getContainer().querySelector(".pm-legend-title");
      if (title) title.click();
      return !!S.legendFolded;
    },
    state: function () {
      return { n: S.data.n, visible: S.visibleCount, highlighted: S.highlightCount,
               drawn: S.drawn, clustered: S.clustered, zoom: S.map.getZoom(),
               labelsShown: document.querySelectorAll(
                 ".pm-commune-label:not(.pm-label-hidden)").length };
    }
  };

  window.PlannerMap = {
    attach: attach,
    restore: restore,
    setGeography: PM.setGeography,
    setFirms: PM.setFirms,
    setVisible: PM.setVisible,
    recolor: PM.recolor,
    setHighlight: PM.setHighlight,
    setChoropleth: PM.setChoropleth,
    setClustered: PM.setClustered,
    preparePrint: PM.preparePrint,
    framePrint: PM.framePrint,
    printReady: PM.printReady,
    viewBounds: PM.viewBounds,
    setUnplaced: PM.setUnplaced,
    setSessions: PM.setSessions,
    startPick: PM.startPick,
    cancelPick: PM.cancelPick,
    frameToken: frameToken,
    fitBassin: function (force) {
      if (!S.outline || (!force && !S.autoFitBounds)) return;
      S.map.invalidateSize({ animate: false });
      var bounds = S.outline.getBounds();
      if (!bounds.isValid() && S.communes) bounds = S.communes.getBounds();
      if (bounds.isValid()) S.map.fitBounds(bounds, { padding: [12, 12], animate: false });
      PM.layoutLabels();
    },
    drawnCount: function () { return S.drawn; },
    visibleCount: function () { return S.visibleCount; },
    test: testHooks
  };
})();
