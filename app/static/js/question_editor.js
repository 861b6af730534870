/* The question editor: row buttons work in place (add, remove, move up and down, renumbering every name), the anchor list
   follows the chosen lesson, and the preview follows the typing. Without this script the same buttons post the form
   and the server does each of these. */
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) { return; }
  var say = (window.backchannel && window.backchannel.announce) || function () {};
  var t = window.backchannel.t;
  var ROW_NAME = /^([a-z_]+)-(\d+)-([a-z_]+)$/;

  function groupOf(fieldset) { return fieldset.getAttribute("data-group"); }
  function nounOf(fieldset) { return fieldset.getAttribute("data-noun"); }
  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  function freshId(fieldset) {
    var taken = {};
    fieldset.querySelectorAll('input[data-column="id"]').forEach(function (input) { taken[input.value] = true; });
    var letters = "abcdefghijklmnopqrstuvwxyz";
    for (var length = 1; length < 4; length++) {
      var total = Math.pow(26, length);
      for (var n = 0; n < total; n++) {
        var id = "";
        for (var place = length - 1; place >= 0; place--) { id += letters[Math.floor(n / Math.pow(26, place)) % 26]; }
        if (!taken[id]) { return id; }
      }
    }
    return "";
  }

  /* Give every row of the group its place: names, ids, labels, the buttons' values and which of them can move. */
  function renumber(fieldset) {
    var group = groupOf(fieldset), noun = nounOf(fieldset);
    var rows = fieldset.querySelectorAll("[data-row]");
    rows.forEach(function (row, index) {
      row.id = group + "-" + index;
      var values = { noun: noun, Noun: capital(noun), n: index + 1 };
      row.querySelector("[data-row-name]").textContent = t("%(Noun)s %(n)s", values);
      row.querySelectorAll("[name]").forEach(function (element) {
        var match = ROW_NAME.exec(element.name);
        if (!match) { return; }
        var name = group + "-" + index + "-" + match[3], old = element.id;
        element.name = name;
        element.id = name;
        var label = row.querySelector('label[for="' + old + '"]');
        if (label) {
          label.htmlFor = name;
          var hidden = label.querySelector(".visually-hidden");
          if (hidden) { hidden.textContent = t(", %(noun)s %(n)s", values); }
        }
        var described = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean).map(function (id) {
          var piece = document.getElementById(id);
          var suffix = id.slice(old.length);
          if (piece) { piece.id = name + suffix; }
          return name + suffix;
        });
        if (described.length) { element.setAttribute("aria-describedby", described.join(" ")); }
      });
      row.querySelectorAll("[data-row-action]").forEach(function (button) {
        var verb = button.getAttribute("data-row-action");
        button.value = verb + ":" + group + ":" + index;
        button.setAttribute("aria-label", verb === "up" ? t("Move %(noun)s %(n)s up", values)
          : verb === "down" ? t("Move %(noun)s %(n)s down", values) : t("Remove %(noun)s %(n)s", values));
        button.disabled = (verb === "up" && index === 0) || (verb === "down" && index === rows.length - 1);
      });
    });
  }

  function addRow(fieldset) {
    var list = fieldset.querySelector("[data-rows]");
    var template = list.querySelector("[data-row]");
    if (!template) { return null; }  // the server always sends at least one row to copy
    var row = template.cloneNode(true);
    row.querySelectorAll(".field-error").forEach(function (error) { error.remove(); });
    row.querySelectorAll(".has-error").forEach(function (field) { field.classList.remove("has-error"); });
    row.querySelectorAll("input, textarea, select").forEach(function (element) {
      element.removeAttribute("aria-invalid");
      element.removeAttribute("autofocus");
      var described = (element.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return !/-errors$/.test(id); });
      if (described.length) { element.setAttribute("aria-describedby", described.join(" ")); } else { element.removeAttribute("aria-describedby"); }
      if (element.type === "checkbox" || element.type === "radio") { element.checked = false; }
      else if (element.tagName === "SELECT") { element.selectedIndex = 0; }
      else { element.value = ""; }
    });
    list.appendChild(row);
    var id = row.querySelector('input[data-column="id"]');
    var radio = row.querySelector("[data-key-radio]");
    if (id && radio) { id.value = freshId(fieldset); radio.value = id.value; }  // the radio names the row by its id
    return row;
  }

  function firstInput(row) { return row.querySelector('input:not([type="hidden"]):not([type="radio"]):not([type="checkbox"]), textarea, select'); }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-row-action]");
    if (!button || !form.contains(button)) { return; }
    event.preventDefault();
    var fieldset = button.closest("[data-group]"), noun = nounOf(fieldset);
    var verb = button.getAttribute("data-row-action");
    var row = button.closest("[data-row]");
    if (verb === "add") {
      var added = addRow(fieldset);
      renumber(fieldset);
      if (added) {
        firstInput(added).focus();
        say(t("%(Noun)s %(n)s added.", { Noun: capital(noun), n: fieldset.querySelectorAll("[data-row]").length }));
      }
    } else if (verb === "remove") {
      var next = row.nextElementSibling || row.previousElementSibling;
      var rows = fieldset.querySelectorAll("[data-row]");
      if (rows.length === 1) { addRow(fieldset); next = row.nextElementSibling; }  // keep one row to type into (and to copy)
      row.remove();
      renumber(fieldset);
      say(t("%(Noun)s removed.", { Noun: capital(noun) }));
      (next ? firstInput(next) : fieldset.querySelector('[data-row-action="add"]')).focus();
    } else {
      var other = verb === "up" ? row.previousElementSibling : row.nextElementSibling;
      if (!other) { return; }
      if (verb === "up") { other.before(row); } else { other.after(row); }
      renumber(fieldset);
      var place = Array.prototype.indexOf.call(fieldset.querySelectorAll("[data-row]"), row) + 1;
      var again = row.querySelector('[data-row-action="' + verb + '"]');
      (again.disabled ? row.querySelector('[data-row-action="' + (verb === "up" ? "down" : "up") + '"]') : again).focus();
      say(t("%(Noun)s moved to place %(place)s.", { Noun: capital(noun), place: place }));
    }
    schedulePreview();
  });

  /* The anchor list: the chosen lesson's headings. */
  var anchor = form.querySelector("[data-anchors]");
  var lesson = form.querySelector("#lesson");
  if (anchor && lesson) {
    var anchors = JSON.parse(anchor.getAttribute("data-anchors"));
    lesson.addEventListener("change", function () {
      var headings = anchors[lesson.value] || [];
      var kept = anchor.value;
      anchor.innerHTML = "";
      anchor.appendChild(new Option(headings.length ? t("Choose a part of the lesson…") : t("Choose the lesson first"), ""));
      headings.forEach(function (heading) { anchor.appendChild(new Option(heading[1], heading[0], false, heading[0] === kept)); });
      say(t("The lesson's parts are listed under %(field)s.", { field: anchor.labels[0].textContent }));
    });
  }

  /* The live preview: the form posted to the preview address a moment after the last change. */
  var target = document.getElementById("live-preview");
  var url = form.getAttribute("data-preview-url");
  var timer = null, asked = 0, lastStatus = "";
  document.querySelectorAll(".live-only").forEach(function (note) { note.hidden = false; });
  function schedulePreview() {
    if (!target || !url) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, 700);
  }
  function preview() {
    var body = new FormData(form);
    body.delete("image");
    body.delete("save");
    body.delete("row_action");
    var ticket = ++asked;
    target.setAttribute("aria-busy", "true");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (ticket !== asked) { return; }
        target.innerHTML = html;
        var status = target.querySelector(".preview-status");
        var said = status ? status.textContent.trim() : "";
        if (said !== lastStatus) { say(t("Preview: %(status)s", { status: said })); lastStatus = said; }  // the status, not the whole preview, each time
      })
      .catch(function () {
        if (ticket !== asked) { return; }
        var note = document.createElement("p");
        note.className = "hint";
        note.textContent = t("The preview could not be updated; press Preview to see it.");
        target.replaceChildren(note);
      })
      .then(function () { target.setAttribute("aria-busy", "false"); });
  }
  form.addEventListener("input", function (event) { if (event.target.type !== "file") { schedulePreview(); } });
  form.addEventListener("change", function (event) { if (event.target.type !== "file") { schedulePreview(); } });
})();
