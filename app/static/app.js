/* Backchannel: progressive enhancement. Every page works without this file; with it, "Check" in practice mode answers
   without reloading the page, a few keyboard shortcuts can be switched off (WCAG 2.1.4), and a lesson's sources can be
   shown or hidden. Essays are js/essay.js, loaded only where one can be written or graded; it uses the two helpers this
   file shares as window.backchannel. No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  var SHORTCUTS_KEY = "backchannel.shortcuts";

  /* Words the scripts show, in the page's language. base.html sends their translations as JSON in #i18n-words
     (app/i18n.py; none on an English page). t("Saved") and tn("%(n)s answer", "%(n)s answers", n) are what
     `make extract-messages` looks for; fields are written %(name)s, as in the templates. */
  var WORDS = (function () {
    var node = document.getElementById("i18n-words");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (error) { return {}; }
  })();
  var NUMBERS = document.documentElement.getAttribute("data-numbers") || document.documentElement.lang || "en";

  function number(n, places) {
    var fixed = places ? { minimumFractionDigits: places, maximumFractionDigits: places } : undefined;
    try { return new Intl.NumberFormat(NUMBERS, fixed).format(n); } catch (error) { return String(n); }
  }

  function fill(text, values) {
    if (!values) { return text; }
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      if (!(name in values)) { return whole; }
      return typeof values[name] === "number" ? number(values[name]) : String(values[name]);
    });
  }

  function t(text, values) {
    return fill(typeof WORDS[text] === "string" ? WORDS[text] : text, values);
  }

  function tn(one, many, n, values) {
    var forms = WORDS[one];
    var plural = document.documentElement.lang === "hi" ? n > 1 : n !== 1;  // Hindi says "0 उत्तर" in the singular
    var chosen = Array.isArray(forms) ? forms[plural ? 1 : 0] : (plural ? many : one);
    return fill(chosen, Object.assign({ n: n }, values || {}));
  }

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
          document.dispatchEvent(new CustomEvent("backchannel:replaced", { detail: fresh }));
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
        announce(toggle.checked ? t("Keyboard shortcuts on.") : t("Keyboard shortcuts off."));
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
      announce(on ? t("Sources shown before each paragraph.") : t("Sources hidden."));
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
  }

  window.backchannel = { announce: announce, shortcutsOn: shortcutsOn, t: t, tn: tn, number: number };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
