// modcluster web: a small progressive enhancement, no framework. The pages work without it.
// - shows "working ..." while a click is being answered, and ignores a second click meanwhile;
// - keeps the scroll position from one step of a configuration to the next (the table stays where it was).
(function () {
  "use strict";
  var busy = false;
  var key = "modcluster-scroll";

  function working() {
    var badge = document.getElementById("busy");
    if (badge) { badge.hidden = false; }
    busy = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a") : null;
    if (!link || link.hasAttribute("download") || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (link.classList.contains("act") || link.classList.contains("button") || link.closest(".acts")) {
      if (busy) { event.preventDefault(); return; }
      try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* storage off: fine */ }
      working();
    }
  });

  document.addEventListener("submit", function () { working(); });

  window.addEventListener("pageshow", function () {
    busy = false;
    var badge = document.getElementById("busy");
    if (badge) { badge.hidden = true; }
    if (location.pathname !== "/configure") { return; }
    var saved = null;
    try { saved = sessionStorage.getItem(key); sessionStorage.removeItem(key); } catch (e) { saved = null; }
    if (saved !== null && !location.hash) { window.scrollTo(0, parseInt(saved, 10) || 0); }
  });
})();
