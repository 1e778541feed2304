/*
 * core.js: the namespace the map's scripts share, the French texts, small
 * helpers and the page's state (S). Loaded first.
 *
 * planner/ui/map/map_widget.py builds the page once (folium skeleton, local
 * Leaflet and plugins, then these scripts in the order of map_page.JS_ASSETS)
 * and drives it through the PlannerMap.* functions (page.js), with
 * QWebEngine's runJavaScript. Events go back to Python through the
 * QWebChannel object "plannerBridge" (absent in an exported page).
 *
 * Each script is an IIFE that takes what it needs from, and puts what the
 * others use into, window.PlannerMapParts; calls between scripts go through
 * that object, so load order matters only for core.js (first) and page.js
 * (last).
 *
 * Every string coming from data (firm names, communes, legend labels) reaches
 * the DOM through textContent, never through innerHTML.
 */
(function () {
  "use strict";

  var PM = (window.PlannerMapParts = {});

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
    countHeader: "Établissements",
    unplacedOne: "1 établissement sans position n'est pas sur la carte",
    unplacedMany: "établissements sans position ne sont pas sur la carte",
    noValue: "Sans donnée",
    rectButton: "Sélectionner les établissements dans un rectangle",
    rectHint: "Rectangle : faites glisser pour entourer les établissements (Échap : annuler)",
    polyButton: "Sélectionner les établissements au lasso (polygone)",
    // Geoman's hints, for the lasso only (the rectangle is our own tool).
    firstVertex: "Lasso : cliquez pour placer le premier point",
    continueLine: "Lasso : cliquez pour ajouter un point",
    finishPoly: "Cliquez sur le premier point pour fermer le lasso",
    finishRect: "Cliquez pour terminer le rectangle",
    sessionsTitle: "Séances",
    upcoming: "Prochaines séances",
    noUpcoming: "Aucune séance à venir ; dernière :",
    more: "autre(s) séance(s)",
    sessionHint: "Cliquez pour choisir la séance dans le planning",
    pickCancel: "Annuler (Échap)",
    foldHint: "Cliquez pour replier ou déplier la légende ; faites-la glisser pour la déplacer"
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
    drawn: 0,
    unplaced: 0,         // firms kept by the filters that have no position
    pixelRatio: 0        // > 0 on a printed sheet (print.js)
  };

  PM.MAX_LAT = MAX_LAT;
  PM.S = S;
  PM.SELECTION_COLOR = SELECTION_COLOR;
  PM.TAU = TAU;
  PM.TEXT = TEXT;
  PM.afterFrame = afterFrame;
  PM.decodeColumn = decodeColumn;
  PM.el = el;
  PM.formatNumber = formatNumber;
  PM.radiusForZoom = radiusForZoom;
})();
