/*
 * firms_drawing.js: how firms are drawn. FirmsLayer paints them on one
 * canvas from typed arrays (sprites stamped per category): 50,000 points
 * draw and filter in tens of milliseconds, where one L.circleMarker per firm
 * takes seconds. When clustering is on, a markercluster group replaces it.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var TAU = PM.TAU;
  var afterFrame = PM.afterFrame;
  var radiusForZoom = PM.radiusForZoom;

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
      return spriteOf(ctx, size);
    });
    spriteCache = { key: key, sprites: sprites };
    return sprites;
  }

  // The ring around a highlighted firm (black under yellow), as a sprite too:
  // stroking 15,000 arcs as one path cost Chromium's software rasteriser
  // about a second per frame.
  var ringCache = { key: null, sprite: null };

  function ringSprite(radius, dpr) {
    var key = radius + "|" + dpr;
    if (ringCache.key === key) return ringCache.sprite;
    var r = (radius + 3) * dpr;
    var size = Math.ceil(2 * (r + 2 * dpr)) + 2;
    var canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.beginPath();
    ctx.arc(size / 2, size / 2, r, 0, TAU);
    ctx.lineWidth = 4 * dpr;
    ctx.strokeStyle = "#111111";
    ctx.stroke();
    ctx.lineWidth = 2 * dpr;
    ctx.strokeStyle = "#ffd400";
    ctx.stroke();
    ringCache = { key: key, sprite: spriteOf(ctx, size) };
    return ringCache.sprite;
  }

  function spriteOf(ctx, size) {
    var rgba = ctx.getImageData(0, 0, size, size).data;
    var words = new Uint32Array(rgba.buffer.slice(0));
    var offsets = [], alphas = [];
    for (var p = 0; p < size * size; p++) {
      if (rgba[p * 4 + 3]) { offsets.push(p); alphas.push(rgba[p * 4 + 3]); }
    }
    return { size: size, half: size / 2, rgba: rgba, words: words,
             offsets: Int32Array.from(offsets), alphas: Uint8Array.from(alphas) };
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
      // A printed sheet draws its firms finer than the screen (S.pixelRatio).
      var dpr = S.pixelRatio || window.devicePixelRatio || 1;
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
        if (S.highlightCount) {
          var ring = ringSprite(radiusForZoom(zoom), dpr);
          var hl = S.highlight;
          for (i = 0; i < d.n; i++) {
            if (!hl[i] || !visible[i]) continue;
            stamp(this._image, pixels32, ring, Math.round(wx[i] * scale - ox - ring.half),
                  Math.round(wy[i] * scale - oy - ring.half));
          }
        }
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.putImageData(this._image, 0, 0);
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

  /* ------------------------------------------------------------ clusters */

  function setClustered(on) {
    on = !!on;
    if (on === S.clustered) return;
    S.clustered = on;
    PM.hideHover();
    if (on) {
      S.map.removeLayer(S.firms);
      buildCluster();
    } else {
      dropCluster();
      S.map.addLayer(S.firms);
      PM.reportDrawn();
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
    cluster.on("click", function (e) { PM.activateFirm(e.layer.pmIndex); });
    cluster.on("mouseover", function (e) { PM.showHover(e.layer.pmIndex); });
    cluster.on("mouseout", PM.hideHover);
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

  PM.FirmsLayer = FirmsLayer;
  PM.buildCluster = buildCluster;
  PM.setClustered = setClustered;
})();
