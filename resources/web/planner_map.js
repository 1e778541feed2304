/*
 * planner_map.js: the in-page half of planner's bassin map.
 *
 * planner/ui/map/map_widget.py builds this page once (folium skeleton, local
 * Leaflet and plugins) and then drives it through the PlannerMap.* functions
 * below, with QWebEngine's runJavaScript. Events go back to Python through
 * the QWebChannel object "plannerBridge" (absent in an exported page).
 *
 * Firms are drawn by FirmsLayer: one canvas, typed arrays, one path per
 * category. 50,000 points draw and filter in tens of milliseconds, where one
 * L.circleMarker per firm takes seconds to build and to filter.
 *
 * Every string coming from data (firm names, communes, legend labels) reaches
 * the DOM through textContent, never through innerHTML.
 */
(function () {
  "use strict";

  var TAU = Math.PI * 2;
  var MAX_LAT = 85.0511287798;
  var SELECTION_COLOR = "#1f4e79";
  var TEXT = {
    siret: "SIRET",
    activity: "Activité",
    headcount: "Effectif",
    address: "Adresse",
    creation: "Création",
    loading: "Chargement…",
    unavailable: "Détails indisponibles",
    firm: "Entreprise",
    clickHint: "Cliquez pour le détail",
    firmsTitle: "Entreprises",
    total: "Total",
    noValue: "Sans donnée",
    rectButton: "Sélectionner les entreprises dans un rectangle",
    polyButton: "Sélectionner les entreprises au lasso (polygone)",
    firstVertex: "Cliquez pour placer le premier point du lasso",
    continueLine: "Cliquez pour ajouter un point",
    finishPoly: "Cliquez sur le premier point pour fermer le lasso",
    finishRect: "Cliquez pour terminer le rectangle",
    sessionsTitle: "Séances",
    upcoming: "Prochaines séances",
    noUpcoming: "Aucune séance à venir ; dernière :",
    more: "autre(s) séance(s)",
    sessionHint: "Cliquez pour choisir la séance dans le planning",
    pickCancel: "Annuler (Échap)",
    foldHint: "Cliquez pour replier ou déplier la légende"
  };

  var numberFormats = {};
  function formatNumber(value, decimals) {
    var key = String(decimals || 0);
    if (!numberFormats[key]) {
      numberFormats[key] = new Intl.NumberFormat("fr-FR", {
        maximumFractionDigits: decimals || 0,
        minimumFractionDigits: 0
      });
    }
    return numberFormats[key].format(value);
  }

  /* ------------------------------------------------------------ helpers */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function decodeColumn(column) {
    var binary = atob(column.b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    switch (column.dtype) {
      case "f8": return new Float64Array(bytes.buffer);
      case "f4": return new Float32Array(bytes.buffer);
      case "i4": return new Int32Array(bytes.buffer);
      case "u4": return new Uint32Array(bytes.buffer);
      case "u2": return new Uint16Array(bytes.buffer);
      case "u1": return bytes;
      default: throw new Error("Type de colonne inconnu : " + column.dtype);
    }
  }

  // Runs fn once the frame that shows the current drawing has been produced
  // (rAF, then a task), or after 250 ms if no frame comes (hidden page).
  function afterFrame(fn) {
    var done = false;
    function run() {
      if (!done) { done = true; fn(); }
    }
    requestAnimationFrame(function () { setTimeout(run, 0); });
    setTimeout(run, 250);
  }

  function radiusForZoom(zoom) {
    if (zoom < 10) return 1.5;
    if (zoom < 11) return 2;
    if (zoom < 12) return 2.5;
    if (zoom < 13) return 3;
    if (zoom < 15) return 4;
    return 5;
  }

  /* ------------------------------------------------------------ state */

  var S = {
    map: null,
    config: {},
    bridge: null,
    data: null,          // {n, ids, lon, lat, cat, wx, wy, order, catStart, legend, title}
    visible: null,       // Uint8Array, 1 = passes the filter
    visibleCount: 0,
    highlight: null,     // Uint8Array, 1 = highlighted
    highlightCount: 0,
    firms: null,         // FirmsLayer
    cluster: null,       // L.MarkerClusterGroup while clustered
    clustered: false,
    clusterRenderer: null,
    geography: null,
    communes: null,
    outline: null,
    labels: [],
    choropleth: null,
    legendControl: null,
    choroplethControl: null,
    detailsCache: new Map(),
    staticDetails: null,
    hoverIndex: -1,
    tooltip: null,
    selectionShape: null,
    drawSeq: 0,
    drawn: 0
  };

  /* ------------------------------------------------------------ sprites */

  // One anti-aliased disc per category and radius, drawn once with the
  // canvas API and read back, so stamped firms look like canvas circles.
  var spriteCache = { key: null, sprites: null };

  function spritesFor(colors, radius, dpr) {
    var key = colors.join(",") + "|" + radius + "|" + dpr;
    if (spriteCache.key === key) return spriteCache.sprites;
    var r = radius * dpr;
    var line = radius >= 2.5 ? (radius >= 4 ? 1 : 0.7) * dpr : 0;
    var size = Math.ceil(2 * (r + line)) + 2;
    var canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    var sprites = colors.map(function (color) {
      ctx.clearRect(0, 0, size, size);
      ctx.beginPath();
      ctx.arc(size / 2, size / 2, r, 0, TAU);
      ctx.fillStyle = color;
      ctx.fill();
      if (line) {
        ctx.lineWidth = line;
        ctx.strokeStyle = "rgba(255,255,255,0.85)";
        ctx.stroke();
      }
      var rgba = ctx.getImageData(0, 0, size, size).data;
      var words = new Uint32Array(rgba.buffer.slice(0));
      var offsets = [], alphas = [];
      for (var p = 0; p < size * size; p++) {
        if (rgba[p * 4 + 3]) { offsets.push(p); alphas.push(rgba[p * 4 + 3]); }
      }
      return { size: size, half: size / 2, rgba: rgba, words: words,
               offsets: Int32Array.from(offsets), alphas: Uint8Array.from(alphas) };
    });
    spriteCache = { key: key, sprites: sprites };
    return sprites;
  }

  // Offsets of a sprite's painted pixels in a buffer `width` pixels wide.
  function spriteRows(sprite, width) {
    if (sprite.rowsWidth !== width) {
      var rel = new Int32Array(sprite.offsets.length);
      for (var k = 0; k < rel.length; k++) {
        var p = sprite.offsets[k];
        var sx = p % sprite.size;
        rel[k] = ((p - sx) / sprite.size) * width + sx;
      }
      sprite.rel = rel;
      sprite.rowsWidth = width;
    }
    return sprite.rel;
  }

  // Source-over of a sprite at integer pixel (x0, y0) of an ImageData.
  function stamp(image, pixels32, sprite, x0, y0) {
    var width = image.width, height = image.height, size = sprite.size;
    if (x0 + size <= 0 || y0 + size <= 0 || x0 >= width || y0 >= height) return;
    var data = image.data, offsets = sprite.offsets, alphas = sprite.alphas;
    var rgba = sprite.rgba, words = sprite.words;
    var inside = x0 >= 0 && y0 >= 0 && x0 + size <= width && y0 + size <= height;
    var rel = spriteRows(sprite, width);
    var base = y0 * width + x0;
    for (var k = 0; k < rel.length; k++) {
      var p = offsets[k];
      if (!inside) {
        var sx = p % size;
        var x = x0 + sx, y = y0 + (p - sx) / size;
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
      }
      var q = base + rel[k];
      var a = alphas[k];
      var b = q << 2;
      if (a === 255 || data[b + 3] === 0) { pixels32[q] = words[p]; continue; }
      var sa = a / 255, da = data[b + 3] / 255;
      var keep = da * (1 - sa);
      var oa = sa + keep;
      var s4 = p << 2;
      data[b] = (rgba[s4] * sa + data[b] * keep) / oa;
      data[b + 1] = (rgba[s4 + 1] * sa + data[b + 1] * keep) / oa;
      data[b + 2] = (rgba[s4 + 2] * sa + data[b + 2] * keep) / oa;
      data[b + 3] = oa * 255;
    }
  }

  /* ------------------------------------------------------------ FirmsLayer */

  var FirmsLayer = L.Layer.extend({
    options: { pane: "pmFirms", padding: 0.2 },

    initialize: function (options) {
      L.setOptions(this, options);
    },

    onAdd: function () {
      this._canvas = L.DomUtil.create("canvas", "pm-firms-canvas");
      if (this._map._zoomAnimated) L.DomUtil.addClass(this._canvas, "leaflet-zoom-animated");
      this._ctx = this._canvas.getContext("2d");
      this.getPane().appendChild(this._canvas);
      this._reset();
    },

    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },

    getEvents: function () {
      var events = { viewreset: this._reset, moveend: this._reset, zoom: this._onZoom };
      if (this._map._zoomAnimated) events.zoomanim = this._onZoomAnim;
      return events;
    },

    _onZoomAnim: function (e) {
      this._transform(e.center, e.zoom);
    },

    _onZoom: function () {
      this._transform(this._map.getCenter(), this._map.getZoom());
    },

    // Moves and scales the last drawing while Leaflet animates a zoom, as
    // its own renderers do; the real redraw follows on moveend.
    _transform: function (center, zoom) {
      if (this._zoom === undefined) return;
      var scale = this._map.getZoomScale(zoom, this._zoom);
      var position = this._map._latLngToNewLayerPoint(this._topLeft, zoom, center);
      L.DomUtil.setTransform(this._canvas, position, scale);
    },

    _reset: function () {
      if (!this._canvas) return;
      var map = this._map;
      var size = map.getSize();
      var pad = size.multiplyBy(this.options.padding).round();
      var origin = map.containerPointToLayerPoint([-pad.x, -pad.y]).round();
      var width = size.x + 2 * pad.x;
      var height = size.y + 2 * pad.y;
      var dpr = window.devicePixelRatio || 1;
      this._origin = origin;
      this._zoom = map.getZoom();
      this._topLeft = map.layerPointToLatLng(origin);
      this._width = width;
      this._height = height;
      this._dpr = dpr;
      L.DomUtil.setPosition(this._canvas, origin);
      if (this._canvas.width !== Math.round(width * dpr)) this._canvas.width = Math.round(width * dpr);
      if (this._canvas.height !== Math.round(height * dpr)) this._canvas.height = Math.round(height * dpr);
      this._canvas.style.width = width + "px";
      this._canvas.style.height = height + "px";
      this._draw();
    },

    redraw: function () {
      if (this._canvas) this._draw();
    },

    // Firms are stamped into an ImageData buffer, then put in one call.
    // Chromium records canvas paths and rasterises them in software at frame
    // time: 50,000 arcs cost ~250 ms there, stamping costs ~15 ms.
    _draw: function () {
      var ctx = this._ctx;
      var dpr = this._dpr;
      var widthPx = this._canvas.width, heightPx = this._canvas.height;
      if (!this._image || this._image.width !== widthPx || this._image.height !== heightPx) {
        this._image = ctx.createImageData(widthPx, heightPx);
        this._pixels32 = new Uint32Array(this._image.data.buffer);
      }
      var pixels32 = this._pixels32;
      pixels32.fill(0);
      var d = S.data;
      if (d && d.n) {
        var zoom = this._zoom;
        var scale = 256 * Math.pow(2, zoom) * dpr;
        var pixelOrigin = this._map.getPixelOrigin();
        var ox = (this._origin.x + pixelOrigin.x) * dpr;
        var oy = (this._origin.y + pixelOrigin.y) * dpr;
        var sprites = spritesFor(d.colors, radiusForZoom(zoom), dpr);
        var wx = d.wx, wy = d.wy, order = d.order, start = d.catStart, visible = S.visible;
        for (var c = 0; c < d.colors.length; c++) {
          var sprite = sprites[c];
          var half = sprite.half;
          for (var k = start[c]; k < start[c + 1]; k++) {
            var i = order[k];
            if (!visible[i]) continue;
            stamp(this._image, pixels32, sprite,
                  Math.round(wx[i] * scale - ox - half), Math.round(wy[i] * scale - oy - half));
          }
        }
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.putImageData(this._image, 0, 0);
      if (d && d.n && S.highlightCount) {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        var base = this._map.getPixelOrigin();
        this._drawHighlight(ctx, 256 * Math.pow(2, this._zoom), this._origin.x + base.x,
                            this._origin.y + base.y, radiusForZoom(this._zoom));
      }
    },

    _drawHighlight: function (ctx, scale, ox, oy, r) {
      var d = S.data, hl = S.highlight, visible = S.visible;
      var rr = r + 3;
      ctx.beginPath();
      for (var i = 0; i < d.n; i++) {
        if (!hl[i] || !visible[i]) continue;
        var x = d.wx[i] * scale - ox;
        var y = d.wy[i] * scale - oy;
        ctx.moveTo(x + rr, y);
        ctx.arc(x, y, rr, 0, TAU);
      }
      ctx.lineWidth = 4;
      ctx.strokeStyle = "#111111";
      ctx.stroke();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#ffd400";
      ctx.stroke();
    },

    // Index of the visible firm nearest to a container point, or -1.
    hitTest: function (containerPoint) {
      var d = S.data;
      if (!d || !d.n || !this._map) return -1;
      var map = this._map;
      var zoom = map.getZoom();
      var scale = 256 * Math.pow(2, zoom);
      var p = map.containerPointToLayerPoint(containerPoint).add(map.getPixelOrigin());
      var tolerance = radiusForZoom(zoom) + 3;
      var best = -1, bestDistance = tolerance * tolerance;
      var visible = S.visible, wx = d.wx, wy = d.wy;
      for (var i = 0; i < d.n; i++) {
        if (!visible[i]) continue;
        var dx = wx[i] * scale - p.x;
        if (dx > tolerance || dx < -tolerance) continue;
        var dy = wy[i] * scale - p.y;
        if (dy > tolerance || dy < -tolerance) continue;
        var distance = dx * dx + dy * dy;
        if (distance <= bestDistance) { best = i; bestDistance = distance; }
      }
      return best;
    }
  });

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
    hideHover();
    S.map.closePopup();
    refresh();
  }

  function setVisible(maskColumn) {
    if (!S.data) return;
    S.visible = maskColumn ? decodeColumn(maskColumn) : new Uint8Array(S.data.n).fill(1);
    hideHover();
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
    clearSelectionShape();
    refresh();
    if (frame) frameHighlighted();
  }

  // Redraws the current view of the firms (points or clusters) and the legend.
  function refresh() {
    countVisible();
    updateLegend();
    if (S.clustered) {
      buildCluster();
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

  /* ------------------------------------------------------------ clusters */

  function setClustered(on) {
    on = !!on;
    if (on === S.clustered) return;
    S.clustered = on;
    hideHover();
    if (on) {
      S.map.removeLayer(S.firms);
      buildCluster();
    } else {
      dropCluster();
      S.map.addLayer(S.firms);
      reportDrawn();
    }
  }

  // markercluster keeps adding markers in timed chunks and fails if its
  // group leaves the map meanwhile: such a group is removed once loaded.
  function dropCluster() {
    var cluster = S.cluster;
    S.cluster = null;
    if (!cluster) return;
    if (cluster.pmLoading) cluster.pmDropWhenLoaded = true;
    else S.map.removeLayer(cluster);
  }

  function buildCluster() {
    var map = S.map;
    dropCluster();
    S.clusterRenderer = S.clusterRenderer || L.canvas({ padding: 0.3 });
    var seq = ++S.drawSeq;
    var count = S.visibleCount;
    var cluster = L.markerClusterGroup({
      chunkedLoading: true,
      chunkProgress: function (processed, total) {
        // onAdd reports an empty queue (0 of 0): not the end of our load.
        if (!cluster.pmLoading || processed < total) return;
        cluster.pmLoading = false;
        if (cluster.pmDropWhenLoaded) {
          setTimeout(function () { map.removeLayer(cluster); }, 0);
        } else if (seq === S.drawSeq) {
          finishCluster(count);
        }
      },
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      disableClusteringAtZoom: 17,
      maxClusterRadius: 50,
      pmIgnore: true
    });
    cluster.on("click", function (e) { activateFirm(e.layer.pmIndex); });
    cluster.on("mouseover", function (e) { showHover(e.layer.pmIndex); });
    cluster.on("mouseout", hideHover);
    S.cluster = cluster;
    map.addLayer(cluster);
    var d = S.data, markers = [];
    if (d) {
      for (var i = 0; i < d.n; i++) {
        if (!S.visible[i]) continue;
        var marker = L.circleMarker([d.lat[i], d.lon[i]], {
          renderer: S.clusterRenderer, radius: 5, color: "#ffffff", weight: 1,
          fillColor: d.colors[d.cat[i]], fillOpacity: 0.9, pmIgnore: true, snapIgnore: true
        });
        marker.pmIndex = i;
        markers.push(marker);
      }
    }
    if (markers.length) {
      cluster.pmLoading = true;
      cluster.addLayers(markers);
    } else {
      finishCluster(0);
    }
  }

  function finishCluster(count) {
    afterFrame(function () {
      S.drawn = count;
      window.__plannerDrawn = count;
      if (S.bridge) S.bridge.report_drawn(count);
    });
  }

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
      pane: "pmCommunes", renderer: L.canvas({ pane: "pmCommunes" }),
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
    updateChoroplethLegend();
  }

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

  /* ------------------------------------------------------------ details */

  function fetchDetails(i, callback) {
    var id = S.data.ids[i];
    var key = String(id);
    if (S.detailsCache.has(key)) { callback(S.detailsCache.get(key)); return; }
    if (S.staticDetails) { callback(S.staticDetails[key] || null); return; }
    if (!S.bridge) { callback(null); return; }
    S.bridge.details(id, function (json) {
      var details = null;
      try { details = JSON.parse(json); } catch (err) { details = null; }
      if (S.detailsCache.size > 5000) S.detailsCache.delete(S.detailsCache.keys().next().value);
      S.detailsCache.set(key, details);
      callback(details);
    });
  }

  function firmHeader(i, details) {
    var category = categoryOf(i);
    var head = el("div", "pm-firm-head");
    var name = details === undefined ? TEXT.loading : (details && details.nom) || TEXT.firm;
    head.appendChild(el("div", "pm-firm-name", name));
    var cat = el("div", "pm-firm-cat");
    var swatch = el("span", "pm-swatch");
    swatch.style.backgroundColor = category.color;
    cat.appendChild(swatch);
    cat.appendChild(el("span", null, category.label));
    head.appendChild(cat);
    return head;
  }

  function tooltipContent(i, details) {
    var root = el("div", "pm-firm pm-firm-short");
    root.appendChild(firmHeader(i, details));
    root.appendChild(el("div", "pm-firm-hint", TEXT.clickHint));
    return root;
  }

  function popupContent(i, details) {
    var root = el("div", "pm-firm");
    root.appendChild(firmHeader(i, details));
    if (details === undefined) return root;
    if (!details) { root.appendChild(el("div", "pm-firm-hint", TEXT.unavailable)); return root; }
    var table = el("table", "pm-firm-table");
    function row(label, value) {
      if (value === undefined || value === null || value === "") return;
      var tr = el("tr");
      tr.appendChild(el("th", null, label));
      tr.appendChild(el("td", null, value));
      table.appendChild(tr);
    }
    row(TEXT.siret, details.siret);
    var activity = [details.naf, details.naf_libelle].filter(function (v) { return v; }).join(" – ");
    row(TEXT.activity, activity);
    row(TEXT.headcount, details.tranche);
    row(TEXT.address, details.adresse);
    row(TEXT.creation, details.creation);
    root.appendChild(table);
    return root;
  }

  function showHover(i) {
    if (i === undefined || i < 0 || !S.data) return;
    S.hoverIndex = i;
    var latlng = [S.data.lat[i], S.data.lon[i]];
    if (!S.tooltip) {
      S.tooltip = L.tooltip({ direction: "top", offset: [0, -6], className: "pm-firm-tooltip",
                              opacity: 0.96 });
    }
    S.tooltip.setLatLng(latlng).setContent(tooltipContent(i, undefined));
    S.map.openTooltip(S.tooltip);
    fetchDetails(i, function (details) {
      if (S.hoverIndex === i && S.tooltip) S.tooltip.setContent(tooltipContent(i, details));
    });
  }

  function hideHover() {
    S.hoverIndex = -1;
    if (S.map) {
      S.map.getContainer().classList.remove("pm-pointer");
      if (S.tooltip) S.map.closeTooltip(S.tooltip);
    }
  }

  function openPopup(i) {
    var popup = L.popup({ className: "pm-firm-popup", maxWidth: 340, minWidth: 220 })
      .setLatLng([S.data.lat[i], S.data.lon[i]])
      .setContent(popupContent(i, undefined))
      .openOn(S.map);
    fetchDetails(i, function (details) {
      if (popup.isOpen()) popup.setContent(popupContent(i, details));
    });
    return popup;
  }

  function activateFirm(i) {
    if (i === undefined || i < 0) return;
    hideHover();
    var id = S.data.ids[i];
    S.lastClicked = id;
    if (S.bridge) S.bridge.firm_clicked(id);
    openPopup(i);
  }

  /* ------------------------------------------------------------ mouse */

  function drawing() {
    return !!(S.map.pm && S.map.pm.globalDrawModeEnabled());
  }

  function onMapClick(e) {
    if (S.pick) return finishPick(e);
    if (S.clustered || drawing()) return false;
    var i = S.firms.hitTest(e.containerPoint);
    if (i < 0) return false;
    activateFirm(i);
    return true;
  }

  var pendingMove = null;
  function onMouseMove(e) {
    if (S.clustered || S.pick || drawing()) return;
    var scheduled = pendingMove !== null;
    pendingMove = e.containerPoint;
    if (scheduled) return;
    requestAnimationFrame(function () {
      var point = pendingMove;
      pendingMove = null;
      var i = S.firms.hitTest(point);
      if (i === S.hoverIndex) return;
      if (i < 0) { hideHover(); return; }
      S.map.getContainer().classList.add("pm-pointer");
      showHover(i);
    });
  }

  /* ------------------------------------------------------------ sessions */

  // One calendar pin per venue: sessions are few (tens), so plain DOM
  // markers in Leaflet's marker pane, above the firms' canvas, are right.
  function sessionIcon(venue) {
    var box = el("div", "pm-session-pin-box");
    box.appendChild(el("span", "pm-session-pin-top"));
    box.appendChild(el("span", "pm-session-pin-count", venue.upcoming.length || "·"));
    var className = "pm-session-pin" + (venue.upcoming.length ? "" : " pm-session-pin-past");
    return L.divIcon({ className: className, html: box, iconSize: [26, 30], iconAnchor: [13, 30],
                       tooltipAnchor: [0, -28] });
  }

  function sessionLine(session) {
    var row = el("div", "pm-session-row");
    row.appendChild(el("span", "pm-session-when", session.date + " " + session.time));
    row.appendChild(el("span", "pm-session-title", session.title));
    return row;
  }

  function sessionTooltip(venue) {
    var root = el("div", "pm-session-tip");
    root.appendChild(el("div", "pm-firm-name", venue.name));
    if (venue.address) root.appendChild(el("div", "pm-session-address", venue.address));
    var shown = venue.upcoming.length ? venue.upcoming : venue.past.slice(0, 1);
    root.appendChild(el("div", "pm-session-head",
                        venue.upcoming.length ? TEXT.upcoming : TEXT.noUpcoming));
    shown.slice(0, 6).forEach(function (session) { root.appendChild(sessionLine(session)); });
    if (shown.length > 6) {
      root.appendChild(el("div", "pm-firm-hint", "+ " + (shown.length - 6) + " " + TEXT.more));
    }
    root.appendChild(el("div", "pm-firm-hint", TEXT.sessionHint));
    return root;
  }

  function activateVenue(venue) {
    var target = venue.upcoming[0] || venue.past[0];
    if (!target) return null;
    S.lastSession = target.id;
    if (S.bridge) S.bridge.session_clicked(target.id);
    return target.id;
  }

  function setSessions(payload) {
    if (S.sessionLayer) S.map.removeLayer(S.sessionLayer);
    S.sessionLayer = null;
    S.sessions = payload || null;
    S.sessionMarkers = [];
    if (!payload || !payload.shown) return 0;
    var layer = L.layerGroup();
    (payload.venues || []).forEach(function (venue) {
      var marker = L.marker([venue.lat, venue.lon], {
        icon: sessionIcon(venue), title: venue.name, riseOnHover: true, keyboard: false,
        pmIgnore: true, snapIgnore: true
      });
      marker.bindTooltip(sessionTooltip(venue), { direction: "top", className: "pm-firm-tooltip",
                                                  opacity: 0.96 });
      marker.on("click", function () { activateVenue(venue); });
      marker.pmVenue = venue;
      marker.addTo(layer);
      S.sessionMarkers.push(marker);
    });
    S.sessionLayer = layer.addTo(S.map);
    return S.sessionMarkers.length;
  }

  /* ------------------------------------------------------------ pick */

  // "Place on the map": the next click on the map gives a position back to
  // Python instead of selecting a firm.
  function startPick(message) {
    cancelPick();
    hideHover();
    S.map.closePopup();
    var bar = el("div", "pm-pick-bar");
    bar.appendChild(el("span", null, message || ""));
    var cancel = el("button", "pm-pick-cancel", TEXT.pickCancel);
    cancel.type = "button";
    bar.appendChild(cancel);
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.on(cancel, "click", function () {
      cancelPick();
      if (S.bridge) S.bridge.pick_cancelled();
    });
    S.map.getContainer().appendChild(bar);
    S.map.getContainer().classList.add("pm-picking");
    S.pick = { bar: bar };
    if (!S.pickKeyHooked) {
      S.pickKeyHooked = true;
      document.addEventListener("keydown", function (e) {
        if (e.key !== "Escape" || !S.pick) return;
        cancelPick();
        if (S.bridge) S.bridge.pick_cancelled();
      });
    }
    return true;
  }

  function cancelPick() {
    if (!S.pick) return;
    L.DomUtil.remove(S.pick.bar);
    S.map.getContainer().classList.remove("pm-picking");
    S.pick = null;
  }

  function finishPick(e) {
    var latlng = e.latlng || S.map.containerPointToLatLng(e.containerPoint);
    cancelPick();
    S.lastPick = [latlng.lat, latlng.lng];
    if (S.bridge) S.bridge.point_picked(latlng.lat, latlng.lng);
    return true;
  }

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
      hideHover();
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
      countVisible();
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

  function setPrintMode(on) {
    S.map.getContainer().classList.toggle("pm-print", !!on);
    if (on) { hideHover(); S.map.closePopup(); }
  }

  function restore(state) {
    if (state.geography) setGeography(state.geography);
    if (state.firms) setFirms(state.firms);
    if (state.details) S.staticDetails = state.details;
    if (state.visible) setVisible(state.visible);
    if (state.recolor) recolor(state.recolor.cat, state.recolor.legend);
    if (state.highlight) setHighlight(state.highlight, false);
    if (state.choropleth) setChoropleth(state.choropleth);
    if (state.clustered) setClustered(true);
    if (state.sessions) setSessions(state.sessions);
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
    S.choroplethControl = new LegendControl({ position: "bottomleft" }).addTo(map);
    S.legendControl = new LegendControl({ position: "bottomright" }).addTo(map);
    S.choroplethControl.setContent(null);
    S.legendControl.setContent(null);
    S.data = emptyData();
    sortByCategory(S.data);
    S.visible = new Uint8Array(0);
    S.highlight = new Uint8Array(0);
    S.firms = new FirmsLayer().addTo(map);
    setupDrawing(map);
    map.on("click", onMapClick);
    map.on("mousemove", onMouseMove);
    map.on("mouseout", hideHover);
    map.on("zoomend", layoutLabels);
    map.on("moveend", reportView);
    map.on("zoomstart", hideHover);
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
      if (S.clustered) { activateFirm(i); return true; }
      var point = S.map.latLngToContainerPoint([S.data.lat[i], S.data.lon[i]]);
      return onMapClick({ containerPoint: point });
    },
    hoverFirm: function (id) {
      var i = indexOfId(id);
      if (i >= 0) showHover(i);
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
    setGeography: setGeography,
    setFirms: setFirms,
    setVisible: setVisible,
    recolor: recolor,
    setHighlight: setHighlight,
    setChoropleth: setChoropleth,
    setClustered: setClustered,
    setPrintMode: setPrintMode,
    setSessions: setSessions,
    startPick: startPick,
    cancelPick: cancelPick,
    frameToken: frameToken,
    fitBassin: function (force) {
      if (!S.outline || (!force && !S.autoFitBounds)) return;
      S.map.invalidateSize({ animate: false });
      var bounds = S.outline.getBounds();
      if (!bounds.isValid() && S.communes) bounds = S.communes.getBounds();
      if (bounds.isValid()) S.map.fitBounds(bounds, { padding: [12, 12], animate: false });
      layoutLabels();
    },
    drawnCount: function () { return S.drawn; },
    visibleCount: function () { return S.visibleCount; },
    test: testHooks
  };
})();
