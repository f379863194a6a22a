/* The booking desk (templates/admin/bookings/booking/book.html): when a choice changes (vehicle,
   category, resource, options, day, or a start picked), ask the page for its
   `live=1` fragment with the same choices and put it in place of #desk-live: the price and the
   free starts follow without a reload. Without this script the "Show" button does the same with
   a plain GET; a new site or service reloads the page (its resources or options change). No
   inline handler anywhere (Content-Security-Policy). */
(function () {
  "use strict";

  var KEPT = ["override_notice", "override_reason", "confirm_now", "customer_note"];

  function query(choices, live) {
    var params = new URLSearchParams(new FormData(choices));
    var picked = live.querySelector('input[name="start"]:checked');
    params.delete("start");
    if (picked) { params.set("start", picked.value); }
    return params;
  }

  function remembered(live) {
    var values = {};
    KEPT.forEach(function (name) {
      var field = live.querySelector('[name="' + name + '"]');
      if (field) { values[name] = field.type === "checkbox" ? field.checked : field.value; }
    });
    return values;
  }

  function restore(live, values) {
    Object.keys(values).forEach(function (name) {
      var field = live.querySelector('[name="' + name + '"]');
      if (!field) { return; }
      if (field.type === "checkbox") { field.checked = values[name]; } else { field.value = values[name]; }
    });
  }

  function refresh(choices, live) {
    var params = query(choices, live);
    var values = remembered(live);
    // The address bar follows: a reload or a shared link shows the same choices.
    window.history.replaceState(null, "", choices.action + "?" + params.toString());
    params.set("live", "1");
    live.setAttribute("aria-busy", "true");
    return fetch(choices.action + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      live.innerHTML = html;
      restore(live, values);
      live.removeAttribute("aria-busy");
      live.dispatchEvent(new CustomEvent("desk:updated", { bubbles: true }));
    }).catch(function () {
      live.removeAttribute("aria-busy");
      choices.submit();  // the plain way, then
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var choices = document.getElementById("desk-choices");
    var live = document.getElementById("desk-live");
    if (!choices || !live || !window.fetch) { return; }
    choices.addEventListener("change", function (event) {
      var name = event.target ? event.target.name : "";
      if (name === "service" || name === "site") {
        // The options belong to the service and the resources to the site: the lists themselves
        // change, so a full page (the old service's options dropped first).
        if (name === "service") {
          choices.querySelectorAll('input[name="options"]').forEach(function (box) { box.checked = false; });
        } else {
          var resource = choices.querySelector('select[name="resource"]');
          if (resource) { resource.value = ""; }
        }
        choices.submit();
        return;
      }
      refresh(choices, live);
    });
    live.addEventListener("change", function (event) {
      if (event.target && event.target.name === "start") { refresh(choices, live); }
    });
    choices.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.id === "desk-refresh") {
        event.preventDefault();
        refresh(choices, live);
      }
    });
  });
}());
