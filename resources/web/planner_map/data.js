/*
 * data.js: the firms' data: decoding the columns Python sends, projecting
 * and sorting them, the filter mask, colours, highlight, and reporting what
 * is drawn.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var MAX_LAT = PM.MAX_LAT;
  var S = PM.S;
  var afterFrame = PM.afterFrame;
  var decodeColumn = PM.decodeColumn;

  /* ------------------------------------------------------------ data */

  function project(d) {
    var wx = new Float64Array(d.n), wy = new Float64Array(d.n);
    var rad = Math.PI / 180;
    for (var i = 0; i < d.n; i++) {
      wx[i] = (d.lon[i] + 180) / 360;
      var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, d.lat[i]));
      var s = Math.sin(lat * rad);
      wy[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    d.wx = wx;
    d.wy = wy;
  }

  // Counting sort of the firms by category, so that each category is one path.
  function sortByCategory(d) {
    var ncat = d.legend.length;
    for (var i = 0; i < d.n; i++) if (d.cat[i] >= ncat) ncat = d.cat[i] + 1;
    var start = new Uint32Array(ncat + 1);
    for (i = 0; i < d.n; i++) start[d.cat[i] + 1]++;
    for (var c = 0; c < ncat; c++) start[c + 1] += start[c];
    var fill = start.slice(0, ncat);
    var order = new Uint32Array(d.n);
    for (i = 0; i < d.n; i++) order[fill[d.cat[i]]++] = i;
    d.order = order;
    d.catStart = start;
    d.colors = [];
    for (c = 0; c < ncat; c++) d.colors.push(d.legend[c] ? d.legend[c][1] : "#777777");
  }

  function categoryOf(i) {
    var c = S.data.cat[i];
    var entry = S.data.legend[c];
    return entry ? { label: entry[0], color: entry[1] } : { label: "", color: "#777777" };
  }

  function countVisible() {
    var d = S.data, count = 0;
    var perCategory = new Array(d.colors.length).fill(0);
    for (var i = 0; i < d.n; i++) {
      if (S.visible[i]) { count++; perCategory[d.cat[i]]++; }
    }
    S.visibleCount = count;
    S.categoryCounts = perCategory;
    S.highlightCount = 0;
    for (i = 0; i < d.n; i++) if (S.highlight[i]) S.highlightCount++;
  }

  function emptyData() {
    return { n: 0, ids: new Float64Array(0), lon: new Float64Array(0), lat: new Float64Array(0),
             cat: new Uint16Array(0), legend: [], title: "" };
  }

  function setFirms(payload) {
    var d = {
      ids: decodeColumn(payload.ids),
      lon: decodeColumn(payload.lon),
      lat: decodeColumn(payload.lat),
      cat: decodeColumn(payload.cat),
      legend: payload.legend || [],
      title: payload.title || ""
    };
    d.n = d.ids.length;
    project(d);
    sortByCategory(d);
    S.data = d;
    S.visible = new Uint8Array(d.n).fill(1);
    S.highlight = new Uint8Array(d.n);
    S.detailsCache.clear();
    S.staticDetails = null;
    PM.hideHover();
    S.map.closePopup();
    refresh();
  }

  function setVisible(maskColumn) {
    if (!S.data) return;
    S.visible = maskColumn ? decodeColumn(maskColumn) : new Uint8Array(S.data.n).fill(1);
    PM.hideHover();
    refresh();
  }

  function recolor(catColumn, legend, title) {
    if (!S.data) return;
    S.data.cat = decodeColumn(catColumn);
    S.data.legend = legend || [];
    if (typeof title === "string") S.data.title = title;
    sortByCategory(S.data);
    refresh();
  }

  function setHighlight(maskColumn, frame) {
    if (!S.data) return;
    S.highlight = maskColumn ? decodeColumn(maskColumn) : new Uint8Array(S.data.n);
    PM.clearSelectionShape();
    refresh();
    if (frame) frameHighlighted();
  }

  // Redraws the current view of the firms (points or clusters) and the legend.
  function refresh() {
    countVisible();
    PM.updateLegend();
    if (S.clustered) {
      PM.buildCluster();
    } else {
      S.firms.redraw();
      reportDrawn();
    }
  }

  function reportDrawn() {
    var seq = ++S.drawSeq;
    var count = S.visibleCount;
    afterFrame(function () {
      if (seq !== S.drawSeq) return;
      S.drawn = count;
      window.__plannerDrawn = count;
      if (S.bridge) S.bridge.report_drawn(count);
    });
  }

  function frameHighlighted() {
    var d = S.data;
    var minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity, found = 0;
    for (var pass = 0; pass < 2 && !found; pass++) {
      for (var i = 0; i < d.n; i++) {
        if (!S.highlight[i] || (pass === 0 && !S.visible[i])) continue;
        found++;
        if (d.lat[i] < minLat) minLat = d.lat[i];
        if (d.lat[i] > maxLat) maxLat = d.lat[i];
        if (d.lon[i] < minLon) minLon = d.lon[i];
        if (d.lon[i] > maxLon) maxLon = d.lon[i];
      }
    }
    if (!found) return;
    if (maxLat - minLat < 1e-4 && maxLon - minLon < 1e-4) {
      S.map.setView([(minLat + maxLat) / 2, (minLon + maxLon) / 2], Math.max(S.map.getZoom(), 15));
    } else {
      S.autoFitBounds = null;
      S.map.fitBounds([[minLat, minLon], [maxLat, maxLon]], { padding: [40, 40], maxZoom: 16 });
    }
  }

  PM.categoryOf = categoryOf;
  PM.countVisible = countVisible;
  PM.emptyData = emptyData;
  PM.recolor = recolor;
  PM.reportDrawn = reportDrawn;
  PM.setFirms = setFirms;
  PM.setHighlight = setHighlight;
  PM.setVisible = setVisible;
  PM.sortByCategory = sortByCategory;
})();
