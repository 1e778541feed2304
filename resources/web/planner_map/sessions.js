/*
 * sessions.js: the sessions layer (one calendar pin per venue) and the
 * "place on the map" pick mode.
 */
(function () {
  "use strict";

  var PM = window.PlannerMapParts;
  var S = PM.S;
  var TEXT = PM.TEXT;
  var el = PM.el;

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
    PM.hideHover();
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

  PM.cancelPick = cancelPick;
  PM.finishPick = finishPick;
  PM.setSessions = setSessions;
  PM.startPick = startPick;
})();
