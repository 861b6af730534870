/* The gradebook sorts and filters in place. Without this file every column heading is a link (?sort=…&dir=…) and the
   filter is a GET form, and the server does the same; with it, the same rules run here (no grade sorts last either way,
   equals go by name; the filter matches a name or a group, any case) and the address follows, so a reload or a shared
   link shows the same view. The form's "Sort by" and "Order" sort too (on a phone the headings are hidden). */
(function () {
  "use strict";

  var t = window.backchannel.t;
  var table = document.getElementById("gradebook");
  if (!table) { return; }
  var sortSelect = document.getElementById("gradebook-sort");
  var dirSelect = document.getElementById("gradebook-dir");
  var box = document.getElementById("gradebook-filter");
  var groupSelect = document.getElementById("gradebook-group");
  var count = document.getElementById("gradebook-count");
  var headings = Array.prototype.slice.call(table.querySelectorAll("thead th"));
  var bodies = Array.prototype.slice.call(table.querySelectorAll("tbody"));
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-name]"));
  var params = new URLSearchParams(window.location.search);
  var state = { sort: params.get("sort") || "student", dir: params.get("dir") || "asc" };

  function say(text) {
    if (window.backchannel && window.backchannel.announce) { window.backchannel.announce(text); }
  }

  function columnOf(key) {
    for (var i = 0; i < headings.length; i += 1) {
      var link = headings[i].querySelector("[data-sort-key]");
      if (link && link.getAttribute("data-sort-key") === key) { return i; }
    }
    return -1;
  }

  function value(row, index) {
    var cell = row.children[index];
    return cell ? cell.getAttribute("data-sort") || "" : "";
  }

  function compare(index, numeric, descending) {
    return function (a, b) {
      var left = value(a, index);
      var right = value(b, index);
      if (left === "" || right === "") {  // blanks last, whichever way
        if (left !== right) { return left === "" ? 1 : -1; }
      } else if (left !== right) {
        var order = numeric ? parseFloat(left) - parseFloat(right) : left.localeCompare(right);
        if (order !== 0) { return descending ? -order : order; }
      }
      return value(a, 0).localeCompare(value(b, 0));
    };
  }

  function query() {
    var next = new URLSearchParams();
    next.set("sort", state.sort);
    next.set("dir", state.dir);
    if (box && box.value.trim()) { next.set("filter", box.value.trim()); }
    if (groupSelect && groupSelect.value) { next.set("group", groupSelect.value); }
    return next;
  }

  function refreshLinks() {
    headings.forEach(function (th) {
      var link = th.querySelector("[data-sort-key]");
      if (!link) { return; }
      var key = link.getAttribute("data-sort-key");
      var active = key === state.sort;
      var next = query();
      next.set("sort", key);
      next.set("dir", active && state.dir === "asc" ? "desc" : "asc");
      link.setAttribute("href", window.location.pathname + "?" + next.toString());
      if (active) {
        th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
      link.querySelector(".sort-mark").textContent = active ? (state.dir === "desc" ? "▼" : "▲") : "↕";
    });
    if (sortSelect) { sortSelect.value = state.sort; }
    if (dirSelect) { dirSelect.value = state.dir; }
    window.history.replaceState(null, "", window.location.pathname + "?" + query().toString());
  }

  function sort(key, dir) {
    var index = columnOf(key);
    if (index < 0) { return; }
    state.sort = key;
    state.dir = dir;
    var numeric = key !== "student" && key !== "group";
    bodies.forEach(function (body) {
      var own = Array.prototype.slice.call(body.querySelectorAll("tr[data-name]"));
      own.sort(compare(index, numeric, dir === "desc"));
      own.forEach(function (row) { body.appendChild(row); });
    });
    refreshLinks();
    var label = headings[index].querySelector("[data-sort-key]").firstChild.textContent.trim();
    if (!numeric) { label = label.toLowerCase(); }
    var values = { column: label };
    say(numeric ? (dir === "desc" ? t("Sorted by %(column)s, highest first.", values) : t("Sorted by %(column)s, lowest first.", values))
                : (dir === "desc" ? t("Sorted by %(column)s, Z to A.", values) : t("Sorted by %(column)s, A to Z.", values)));
  }

  function filter() {
    var words = box ? box.value.trim().toLowerCase() : "";
    var wanted = groupSelect ? groupSelect.value : "";
    var groupName = "";
    if (wanted && wanted !== "none") { groupName = groupSelect.options[groupSelect.selectedIndex].text; }
    var shown = 0;
    rows.forEach(function (row) {
      var name = row.getAttribute("data-name").toLowerCase();
      var group = row.getAttribute("data-group");
      var match = (!words || name.indexOf(words) !== -1 || group.toLowerCase().indexOf(words) !== -1) &&
        (!wanted || (wanted === "none" ? !group : group === groupName));
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    bodies.forEach(function (body) {
      var none = !body.querySelector("tr[data-name]:not([hidden])");
      var empty = body.querySelector("tr.no-match");
      if (empty) { empty.hidden = !none; }
      var heading = body.querySelector("tr.group-heading");
      if (heading) { heading.hidden = none; }
    });
    count.textContent = t("Showing %(shown)s of %(total)s students.", { shown: shown, total: rows.length });
    refreshLinks();
  }

  table.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-sort-key]");
    if (!link) { return; }
    event.preventDefault();
    var key = link.getAttribute("data-sort-key");
    sort(key, key === state.sort && state.dir === "asc" ? "desc" : "asc");
  });
  // The form's "Sort by" and "Order" (the headings are hidden on a phone, where the table is a list of cards).
  function sortFromForm() { sort(sortSelect.value, dirSelect.value); }
  if (sortSelect && dirSelect) {
    sortSelect.addEventListener("change", sortFromForm);
    dirSelect.addEventListener("change", sortFromForm);
  }
  if (box) { box.addEventListener("input", filter); }
  if (groupSelect) { groupSelect.addEventListener("change", filter); }
}());
