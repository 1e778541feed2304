/*
 * firm_details.js: a firm's details under the mouse: tooltip on hover,
 * popup and activation on click.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var TEXT = PM.TEXT;
  var el = PM.el;

  /* ------------------------------------------------------------ details */

  function fetchDetails(i, callback) {
    var id = S.data.ids[i];
    var key = String(id);
    if (S.detailsCache.has(key)) { callback(S.detailsCache.get(key)); return; }
    if (S.staticDetails) { callback(S.staticDetails[key] || null); return; }
    if (!S.bridge) { callback(null); return; }
    S.bridge.details(id, function (json) {
      var details;
      try { details = JSON.parse(json); } catch { details = null; }
      if (S.detailsCache.size > 5000) S.detailsCache.delete(S.detailsCache.keys().next().value);
      S.detailsCache.set(key, details);
      callback(details);
    });
  }

  function firmHeader(i, details) {
    var category = PM.categoryOf(i);
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

  // A shape is being drawn (or the rectangle was just released: the click
  // that ends a drag must not pick the firm under the mouse).
  function drawing() {
    return !!(S.rect || S.rectJustDrawn || (S.map.pm && S.map.pm.globalDrawModeEnabled()));
  }

  function onMapClick(e) {
    if (S.pick) return PM.finishPick(e);
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

  PM.activateFirm = activateFirm;
  PM.hideHover = hideHover;
  PM.onMapClick = onMapClick;
  PM.onMouseMove = onMouseMove;
  PM.showHover = showHover;
})();
