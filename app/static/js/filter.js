/* Filter as you type on the timeline, people and glossary pages. Without this file the filter form
   is an ordinary GET form and the server hides what does not match; with it, the same rule runs here
   on every keystroke (every word must appear in the entry's text, case ignored; each chosen facet
   must match), and the address follows so the filtered page can be shared or reloaded. */
(function () {
  "use strict";

  var t = window.backchannel.t;
  var form = document.querySelector("form[data-filter]");
  if (!form) { return; }
  var box = form.querySelector("input[name=q]");
  var facets = Array.prototype.slice.call(form.querySelectorAll("select[data-filter-facet]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter-item]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-filter-group]"));
  var letters = Array.prototype.slice.call(document.querySelectorAll("[data-filter-letter]"));
  var count = document.querySelector("[data-filter-count]");
  var empty = document.querySelector("[data-filter-empty]");
  var clear = form.querySelector("[data-filter-clear]");
  var searchLink = document.querySelector("[data-filter-search]");
  var searchPage = searchLink && searchLink.getAttribute("href").split("?")[0];
  var texts = items.map(function (item) { return item.textContent.toLowerCase(); });
  var total = items.length;
  var pending = 0;

  function matchesFacet(item, select) {
    var wanted = select.value;
    if (!wanted) { return true; }
    // A facet's data attribute holds one value (a side, a decade) or several separated by spaces (lessons).
    var held = item.getAttribute("data-" + select.getAttribute("data-filter-facet")) || "";
    return held === wanted || held.split(" ").indexOf(wanted) !== -1;
  }

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 20);
    var shown = 0;
    items.forEach(function (item, index) {
      var match = words.every(function (word) { return texts[index].indexOf(word) !== -1; }) &&
        facets.every(function (select) { return matchesFacet(item, select); });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-filter-item]:not([hidden])");
    });
    letters.forEach(function (link) {
      var group = document.getElementById(link.getAttribute("data-filter-letter"));
      link.hidden = !group || group.closest("[data-filter-group]").hidden;
    });
    count.textContent = shown === total ? t("Showing all %(total)s.", { total: total })
      : t("Showing %(shown)s of %(total)s.", { shown: shown, total: total });
    if (empty) { empty.hidden = shown !== 0; }
    if (clear) { clear.hidden = shown === total && !box.value && facets.every(function (s) { return !s.value; }); }
    if (searchLink) {
      searchLink.href = searchPage + (box.value.trim() ? "?q=" + encodeURIComponent(box.value.trim()) : "");
    }
    var params = new URLSearchParams();
    if (box.value.trim()) { params.set("q", box.value.trim()); }
    facets.forEach(function (select) { if (select.value) { params.set(select.name, select.value); } });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function soon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(apply, 120);
  }

  box.addEventListener("input", soon);
  facets.forEach(function (select) { select.addEventListener("change", apply); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();  // the page already shows the answer; a reload would only lose the focus
    window.clearTimeout(pending);
    apply();
  });
  if (clear) {
    clear.addEventListener("click", function (event) {
      event.preventDefault();
      box.value = "";
      facets.forEach(function (select) { select.value = ""; });
      apply();
      box.focus();
    });
  }
}());
