/* Essays, on the pages where one is written or graded (the template links this file; app.js runs first and shares
   announce and shortcutsOn as window.backchannel). */
(function () {
  "use strict";

  var ESSAY_DRAFTS = "backchannel.essay.";
  var announce = window.backchannel.announce;
  var shortcutsOn = window.backchannel.shortcutsOn;
  var t = window.backchannel.t, tn = window.backchannel.tn;

  /* An essay: a live word count against its limits, and autosave to this browser (localStorage, per
     attempt and question) so a closed tab or a lost connection loses nothing; a draft comes back only
     into an empty box, and is dropped once a page shows the essay handed in (forgetHandedInEssays). */
  function setUpEssays(root) {
    Array.prototype.forEach.call(root.querySelectorAll("textarea[data-essay]"), function (box) {
      var count = document.getElementById(box.id.replace(/-input$/, "-count"));
      var low = parseInt(box.getAttribute("data-min-words"), 10);
      var high = parseInt(box.getAttribute("data-max-words"), 10);
      // The review page serves every due card at one address: its drafts are kept per card (the form's address).
      var page = window.location.pathname === "/review" && box.form ? box.form.getAttribute("action") : window.location.pathname;
      var key = ESSAY_DRAFTS + page + "." + box.name;
      var saved = null;
      try { saved = window.localStorage.getItem(key); } catch (e) { /* private mode: no autosave */ }
      if (saved && !box.value.trim()) { box.value = saved; }
      function words() { var found = box.value.trim().match(/\S+/g); return found ? found.length : 0; }
      function update() {
        var n = words();
        var over = !isNaN(high) && n > high;  // the server keeps min_words at most max_words: never both
        var text = !isNaN(low) && n < low ? tn("%(n)s word (at least %(min)s)", "%(n)s words (at least %(min)s)", n, { min: low })
          : over ? tn("%(n)s word — over the limit of %(max)s", "%(n)s words — over the limit of %(max)s", n, { max: high })
          : tn("%(n)s word", "%(n)s words", n);
        if (count) { count.textContent = text; count.classList.toggle("over", over); }
      }
      var timer = null;
      box.addEventListener("input", function () {
        update();
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          try { window.localStorage.setItem(key, box.value); } catch (e) { /* full or private: keep typing */ }
        }, 500);
      });
      update();
    });
  }

  /* An essay's draft goes once a page shows the essay handed in (the server has it): the attempt's result, a practice
     question's verdict without its writing box, a review's grading step. Not when the form is sent: a hand-in lost on
     the way (the connection dropped) or refused must lose nothing. */
  function forgetHandedInEssays(root) {
    if (!root.querySelector(".essay-text")) { return; }
    var path = window.location.pathname;
    var question = new URLSearchParams(window.location.search).get("q");
    var result = path.match(/^(\/attempts\/[^\/]+)\/result$/);
    var handedIn = function () { return false; };
    if (result) {
      handedIn = function (key) { return key.indexOf(ESSAY_DRAFTS + result[1] + ".") === 0; };
    } else if (/^\/attempts\/[^\/]+$/.test(path) && question !== null && !root.querySelector('textarea[name="q' + question + '"]')) {
      handedIn = function (key) { return key === ESSAY_DRAFTS + path + ".q" + question; };
    } else if (/^\/review\/\d+$/.test(path)) {
      handedIn = function (key) { return key.indexOf(ESSAY_DRAFTS + path + ".") === 0; };
    }
    try {
      Object.keys(window.localStorage).filter(handedIn).forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (e) { /* private mode: nothing was saved */ }
  }

  /* A rubric form (grading an essay): digit keys choose that level of the current criterion (the one
     holding the focus, else the first without a level) and move on to the next criterion; "n" is the
     page's "save and next". Only while shortcuts are on and the cursor is not in a comment box. */
  function setUpRubrics(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-rubric]"), function (form) {
      var criteria = Array.prototype.slice.call(form.querySelectorAll("[data-criterion]"));
      form.addEventListener("keydown", function (event) {
        var level = parseInt(event.key, 10);
        if (!shortcutsOn() || isNaN(level) || level < 1 || event.ctrlKey || event.metaKey || event.altKey
            || /^(TEXTAREA)$/.test(event.target.tagName) || event.target.type === "text") { return; }
        var current = criteria.filter(function (c) { return c.contains(event.target); })[0]
          || criteria.filter(function (c) { return !c.querySelector("input:checked"); })[0];
        if (!current) { return; }
        var radios = current.querySelectorAll("input[type=radio]");
        if (level > radios.length) { return; }
        event.preventDefault();
        radios[level - 1].checked = true;
        var next = criteria[criteria.indexOf(current) + 1];
        var target = next ? (next.querySelector("input:checked") || next.querySelector("input[type=radio]")) : form.querySelector("[data-shortcut=next], button[type=submit]");
        if (target) { target.focus(); }
        announce(t("%(criterion)s: level %(level)s chosen.", { criterion: current.querySelector("legend").textContent.trim().split("(")[0], level: level }));
      });
    });
  }

  setUpEssays(document);
  forgetHandedInEssays(document);
  setUpRubrics(document);
  // Practice's "Check" puts the server's new page in place (app.js): a verdict there may show the essay handed in.
  document.addEventListener("backchannel:replaced", function (event) { forgetHandedInEssays(event.detail); });
})();
