// Instant search, as progressive enhancement: every page works without this script.
//
// As a person types (debounced) or ticks a facet, the page asks the server for the same search
// page it would get by submitting the form, and swaps in the new results and facet counts.
// At most one request is in flight; if the query changed meanwhile, the latest state is sent
// when it returns. The address bar follows, so a search can be shared at any moment.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var refresh = null;

  // Live preview: when the server says the handbook changed, show the new version. The search
  // page refreshes its results in place; other pages (a measure an editor keeps open beside
  // the editor, /status) reload. Server-Sent Events, so no polling loop.
  var live = document.body && document.body.getAttribute("data-live");
  if (live && window.EventSource) {
    var events = new EventSource(live);
    events.addEventListener("reload", function () {
      if (refresh) refresh();
      else window.location.reload();
    });
  }

  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;

  var DEBOUNCE_MS = 180;
  var timer = null;
  var inFlight = false;
  var queued = false;
  var lastSent = null;

  function currentUrl() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (key === "page") return; // a new search starts on page 1
      if (key === "sort" && value === "relevance") return;
      if (key === "q" && value === "") return;
      params.append(key, value);
    });
    var qs = params.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var focused = document.activeElement && document.activeElement.id;
    ["section.results", "aside.facets"].forEach(function (selector) {
      var fresh = doc.querySelector(selector);
      var old = document.querySelector(selector);
      if (fresh && old) old.innerHTML = fresh.innerHTML;
    });
    if (doc.title) document.title = doc.title;
    // Keyboard users keep their place when the facet they ticked is redrawn.
    if (focused && document.activeElement === document.body) {
      var again = document.getElementById(focused);
      if (again) again.focus();
    }
  }

  function send() {
    var url = currentUrl();
    if (url === lastSent) return;
    if (inFlight) {
      queued = true;
      return;
    }
    inFlight = true;
    lastSent = url;
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (currentUrl() === url) {
          swap(html);
          history.replaceState(null, "", url);
        }
      })
      .catch(function () {
        lastSent = null; // let the next change, or a plain submit, try again
      })
      .then(function () {
        inFlight = false;
        if (queued) {
          queued = false;
          send();
        }
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(send, DEBOUNCE_MS);
  }

  form.addEventListener("input", function (event) {
    if (event.target && event.target.name === "q") later();
  });
  form.addEventListener("change", function (event) {
    var t = event.target;
    if (t && (t.type === "checkbox" || t.tagName === "SELECT")) {
      clearTimeout(timer);
      send();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    lastSent = null;
    send();
  });
  lastSent = currentUrl();
  refresh = function () {
    lastSent = null;
    send();
  };
})();
