// Progressive enhancement: every page works without this script, which only adds conveniences.
//
// - Instant search: as a person types (debounced) or ticks a facet, the page asks the server
//   for the same search page it would get by submitting the form, and swaps in the new results
//   and facet counts. At most one request is in flight; if the query changed meanwhile, the
//   latest state is sent when it returns. The address bar follows, so a search can be shared
//   at any moment.
// - Copying: the share link copies the search's address, the copy buttons a citation.
// - Comparing: picks are counted and kept while the results are redrawn.
// - On narrow screens the facets start folded.
//
// The Content-Security-Policy allows no inline script, so everything is wired up here, mostly by
// listeners on the document: the results are redrawn by replacing markup, and a listener on an
// element inside them would be lost with the element.
(function () {
  "use strict";
  var form = document.getElementById("search");
  var english = document.documentElement.lang === "en";
  var refresh = null;

  function say(sl, en) {
    return english ? en : sl;
  }

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

  // ---- Announcements -------------------------------------------------------------------------

  // A status region only speaks when its text changes: clear it first, so a second copy of the
  // same thing is announced again.
  function announce(id, message) {
    var region = document.getElementById(id);
    if (!region) return;
    region.textContent = "";
    setTimeout(function () {
      region.textContent = message;
    }, 60);
  }

  // ---- Copying -------------------------------------------------------------------------------

  // The asynchronous clipboard needs a secure context (https or localhost); elsewhere, and in
  // older browsers, the old way: select a hidden field's text and ask for a copy.
  function copyText(text, done) {
    function fallback() {
      var previous = document.activeElement;
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.setAttribute("aria-hidden", "true");
      field.className = "copy-buffer";
      document.body.appendChild(field);
      field.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(field);
      // Selecting moved the focus; give it back to the control the person used.
      if (previous && previous.focus) previous.focus();
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        done(true);
      }, fallback);
    } else {
      fallback();
    }
  }

  // Copy buttons need this script, so they come hidden and are shown here.
  var copyButtons = document.querySelectorAll("button.copy[data-copy-target]");
  for (var i = 0; i < copyButtons.length; i++) copyButtons[i].removeAttribute("hidden");

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;

    var share = target.closest("#share");
    if (share) {
      // Without this script the share link is a plain link to the search; with it, a click
      // copies that address instead of reloading the page.
      event.preventDefault();
      copyText(new URL(share.getAttribute("href") || "", window.location.href).href, function (ok) {
        announce(
          "share-status",
          ok
            ? say("Povezava je kopirana.", "Link copied.")
            : say(
                "Kopiranje ni uspelo; povezavo kopirajte iz naslovne vrstice.",
                "Copying failed; copy the link from the address bar."
              )
        );
      });
      return;
    }

    var copy = target.closest("button.copy[data-copy-target]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy-target"));
      if (!source) return;
      copyText(source.textContent.trim(), function (ok) {
        announce(
          "copy-status",
          ok
            ? say("Kopirano v odložišče.", "Copied to the clipboard.")
            : say("Kopiranje ni uspelo; besedilo označite in kopirajte.", "Copying failed; select the text and copy it.")
        );
      });
      return;
    }

    // A skip link's target is not focusable by itself: following the link would scroll, but the
    // next Tab would start from the top again. Make the target take the focus.
    var skip = target.closest("a.skip");
    if (skip) {
      var to = document.getElementById((skip.getAttribute("href") || "").replace(/^#/, ""));
      if (to) {
        if (!to.hasAttribute("tabindex")) to.setAttribute("tabindex", "-1");
        to.focus();
      }
    }
  });

  // Printed, a link is followed by its address (style.css), except where its text is the
  // address already.
  var absolute = document.querySelectorAll('a[href^="http"]');
  for (var a = 0; a < absolute.length; a++) {
    if (absolute[a].textContent.trim() === absolute[a].getAttribute("href")) absolute[a].classList.add("url-shown");
  }

  // ---- Comparing -----------------------------------------------------------------------------

  // Picks live in `picks` (id → true), not in the checkboxes: the results list is replaced on
  // every instant search, and a pick must survive that, even when the measure is no longer
  // listed. The form sends the picks that are not on screen as hidden fields.
  var compare = document.getElementById("compare");
  var compareGo = document.getElementById("compare-go");
  var picks = {};
  var MIN_PICKS = 2;
  var MAX_PICKS = 6;

  function pickCount() {
    var n = 0;
    for (var id in picks) if (Object.prototype.hasOwnProperty.call(picks, id)) n++;
    return n;
  }

  function showPicks() {
    var n = pickCount();
    if (compareGo) compareGo.disabled = n < MIN_PICKS || n > MAX_PICKS;
    // While picking, the stylesheet keeps the bar on screen.
    if (compare) compare.classList.toggle("picking", n > 0);
    var count = document.getElementById("compare-count");
    if (!count) return;
    var text = say("Izbranih ukrepov: ", "Measures picked: ") + n;
    if (n === 0) text = say("Izberite od 2 do 6 ukrepov.", "Select 2 to 6 measures.");
    else if (n > MAX_PICKS) text += say(" (največ 6)", " (at most 6)");
    else if (n > 0 && n < MIN_PICKS) text += say(" (izberite vsaj 2)", " (pick at least 2)");
    count.textContent = text;
  }

  // After a redraw (or a back navigation that restored ticks), the boxes show the picks.
  function tickPicks() {
    var boxes = document.querySelectorAll("input.compare-pick");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = !!picks[boxes[i].value];
  }

  if (compare) {
    var restored = document.querySelectorAll("input.compare-pick");
    for (var r = 0; r < restored.length; r++) if (restored[r].checked) picks[restored[r].value] = true;
    showPicks();

    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || !box.classList || !box.classList.contains("compare-pick")) return;
      if (box.checked) picks[box.value] = true;
      else delete picks[box.value];
      showPicks();
    });

    compare.addEventListener("submit", function (event) {
      var n = pickCount();
      if (n < MIN_PICKS || n > MAX_PICKS) {
        event.preventDefault();
        showPicks();
        return;
      }
      var old = compare.querySelectorAll("input[data-pick]");
      for (var i = 0; i < old.length; i++) compare.removeChild(old[i]);
      for (var id in picks) {
        if (!Object.prototype.hasOwnProperty.call(picks, id)) continue;
        var box = document.querySelector('input.compare-pick[value="' + id.replace(/["\\]/g, "\\$&") + '"]');
        if (box && box.checked) continue;
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "id";
        hidden.value = id;
        hidden.setAttribute("data-pick", "");
        compare.appendChild(hidden);
      }
    });
  }

  // ---- Folding the facets --------------------------------------------------------------------

  // On a phone the facets would push the results a screen down: they start folded behind their
  // summary. On a wide screen the summary is hidden by the stylesheet, so the fold must be open.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 48rem)") : null;

  function fold() {
    return document.querySelector("details.facets-fold");
  }

  if (narrow && fold()) {
    fold().open = !narrow.matches;
    var follow = function () {
      var details = fold();
      if (details) details.open = !narrow.matches;
    };
    if (narrow.addEventListener) narrow.addEventListener("change", follow);
    else if (narrow.addListener) narrow.addListener(follow);
  }

  // ---- What is announced after a redraw ------------------------------------------------------

  // The server marks the whole results section as a live region, which would read out every
  // result after each keystroke. The line with the number of results is enough: it becomes the
  // live region, and a redraw keeps that element and changes only its text, because a region
  // that is new is not announced at all.
  var results = document.querySelector("section.results");
  var resultsStatus = document.getElementById("results-status");
  var keepStatus = !!(results && resultsStatus && resultsStatus.parentNode === results);
  if (keepStatus) {
    results.removeAttribute("aria-live");
    resultsStatus.setAttribute("aria-live", "polite");
    resultsStatus.setAttribute("aria-atomic", "true");
  }

  // ---- Instant search ------------------------------------------------------------------------

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
      if (key === "min_amount" && value === "") return;
      // "Include national measures" means something only with a municipality ticked.
      if (key === "national" && !form.querySelector('input[name="municipality"]:checked')) return;
      params.append(key, value);
    });
    var qs = params.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  // Replaces what `old` holds with what `fresh` holds, but keeps the live region (a child of
  // both) as the same element and only updates its content.
  function replaceKeepingStatus(old, fresh) {
    var kept = document.getElementById("results-status");
    var incoming = fresh.querySelector("#results-status");
    if (!keepStatus || !kept || kept.parentNode !== old || !incoming || incoming.parentNode !== fresh) {
      old.innerHTML = fresh.innerHTML;
      return;
    }
    while (old.firstChild && old.firstChild !== kept) old.removeChild(old.firstChild);
    while (kept.nextSibling) old.removeChild(kept.nextSibling);
    var before = true;
    while (fresh.firstChild) {
      var node = fresh.firstChild;
      fresh.removeChild(node);
      if (node === incoming) before = false;
      else if (before) old.insertBefore(node, kept);
      else old.appendChild(node);
    }
    if (kept.innerHTML !== incoming.innerHTML) kept.innerHTML = incoming.innerHTML;
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var focused = document.activeElement && document.activeElement.id;
    var details = fold();
    var wasOpen = details ? details.open : null;
    var fresh = doc.querySelector("section.results");
    if (fresh && results) replaceKeepingStatus(results, fresh);
    var freshFacets = doc.querySelector("aside.facets");
    var facets = document.querySelector("aside.facets");
    if (freshFacets && facets) facets.innerHTML = freshFacets.innerHTML;
    // The alert form, outside the redrawn parts, subscribes to the search on screen.
    var freshAlert = doc.querySelector('form.alerts input[name="search"]');
    var alertSearch = document.querySelector('form.alerts input[name="search"]');
    if (freshAlert && alertSearch) alertSearch.value = freshAlert.value;
    if (doc.title) document.title = doc.title;
    // The fold stays as the person left it (it may be inside the redrawn facets).
    details = fold();
    if (details && wasOpen !== null) details.open = wasOpen;
    tickPicks();
    showPicks();
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
          // The share link shares what the address bar shows.
          var share = document.getElementById("share");
          if (share) share.setAttribute("href", window.location.href);
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
    // Compare picks sit among the results but belong to the compare form.
    if (t && t.classList && t.classList.contains("compare-pick")) return;
    if (t && (t.type === "checkbox" || t.type === "number" || t.tagName === "SELECT")) {
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
