/* Backchannel: progressive enhancement. Every page works without this file; with it,
   "Check" in practice mode answers without reloading the page, a few keyboard shortcuts
   can be switched off (WCAG 2.1.4), and a lesson's sources can be shown or hidden. No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  var SHORTCUTS_KEY = "backchannel.shortcuts";
  var ESSAY_DRAFTS = "backchannel.essay.";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  /* 1. "Check" without a reload: post the form as the browser would, then put the page the
     server answers with in place of this one. Anything unexpected falls back to a normal post. */
  function enhancePractice(root) {
    var form = root.querySelector("form.quiz-form[data-enhance=check]");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.text().then(function (text) { return { url: response.url, text: text }; });
        })
        .then(function (answer) {
          var fresh = new DOMParser().parseFromString(answer.text, "text/html").querySelector("article.practice");
          var current = document.querySelector("article.practice");
          if (!fresh || !current) { window.location.assign(answer.url); return; }
          current.replaceWith(fresh);
          window.history.replaceState(null, "", answer.url);
          enhancePractice(fresh);
          showShortcutPanels(fresh);
          forgetHandedInEssays(fresh);
          var heading = fresh.querySelector(".verdict h2");
          if (heading) {
            heading.setAttribute("tabindex", "-1");
            heading.focus();
            announce(heading.textContent.trim());
          }
        })
        .catch(function () {
          if (button) { button.disabled = false; }
          HTMLFormElement.prototype.submit.call(form);
        });
    });
  }

  /* 2. Keyboard shortcuts, only while focus is not in a field, and switchable off. */
  function shortcutsOn() {
    try { return window.localStorage.getItem(SHORTCUTS_KEY) !== "off"; } catch (e) { return true; }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function clickFirst(selector) {
    var element = document.querySelector(selector);
    if (element) { element.click(); return true; }
    return false;
  }

  var SHORTCUTS = {
    n: "[data-shortcut=next]",
    p: "[data-shortcut=previous]",
    h: "[data-shortcut=hard]",
    g: "[data-shortcut=good]",
    e: "[data-shortcut=easy]"
  };

  function showShortcutPanels(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-shortcuts]"), function (panel) {
      panel.hidden = false;
      var toggle = panel.querySelector("input[type=checkbox]");
      toggle.checked = shortcutsOn();
      toggle.addEventListener("change", function () {
        try { window.localStorage.setItem(SHORTCUTS_KEY, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
        announce(toggle.checked ? "Keyboard shortcuts on." : "Keyboard shortcuts off.");
      });
    });
  }

  function listenForShortcuts() {
    document.addEventListener("keydown", function (event) {
      if (!shortcutsOn() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
      var selector = SHORTCUTS[event.key];
      if (selector && clickFirst(selector)) { event.preventDefault(); }
    });
  }

  /* 3. Sources on demand in a lesson: the button shows or hides each paragraph's paper lines (the
     labels are CSS captions of data-source, shown without this file), and the choice is remembered. */
  var SOURCES_KEY = "backchannel.sources";

  function setUpSources(root) {
    var button = root.querySelector("[data-source-toggle]");
    var body = root.querySelector(".lesson-body");
    if (!button || !body) { return; }
    function show(on) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      body.classList.toggle("sources-shown", on);
    }
    var stored = null;
    try { stored = window.localStorage.getItem(SOURCES_KEY); } catch (e) { /* private mode: start hidden */ }
    show(stored === "on");
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      show(on);
      try { window.localStorage.setItem(SOURCES_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
      announce(on ? "Sources shown before each paragraph." : "Sources hidden.");
    });
  }

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
        var text = n + (n === 1 ? " word" : " words");
        if (!isNaN(low) && n < low) { text += " (at least " + low + ")"; }
        if (!isNaN(high) && n > high) { text += " — over the limit of " + high; }
        if (count) { count.textContent = text; count.classList.toggle("over", !isNaN(high) && n > high); }
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
        announce(current.querySelector("legend").textContent.trim().split("(")[0] + ": level " + level + " chosen.");
      });
    });
  }

  // The browser's time zone, for the server to show times in (an account's own setting wins over it).
  function rememberTimeZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  }

  function start() {
    document.documentElement.classList.add("js");
    rememberTimeZone();
    enhancePractice(document);
    showShortcutPanels(document);
    listenForShortcuts();
    setUpSources(document);
    setUpEssays(document);
    forgetHandedInEssays(document);
    setUpRubrics(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
