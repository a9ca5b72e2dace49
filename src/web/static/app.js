// Progressive enhancement only: every page works without this script.
// Ticking a facet or changing the sort order submits the search form at once.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  form.addEventListener("change", function (event) {
    var t = event.target;
    if (t && (t.type === "checkbox" || t.tagName === "SELECT")) {
      var page = form.querySelector("input[name=page]");
      if (page) page.remove();
      form.submit();
    }
  });
})();
