/* Quiz pages, enhanced: on a test, the count and navigator follow the answers as they are given, every change is
   saved to the server (kept in this browser while the network is down, and sent when it comes back), questions can
   be flagged for later, and a timed attempt shows a live clock that hands the answers in at 0:00; on the summary
   before handing in, the clock and the flags too. Without this file the pages work by their buttons alone. */
(function () {
  "use strict";

  var SAVE_DELAY = 700;     // ms after the last change: one request per burst of typing or clicking
  var RETRY_DELAY = 8000;   // ms between tries while the server cannot be reached
  var article = document.querySelector("article.quiz[data-attempt]");
  if (!article) { return; }
  var attemptId = article.getAttribute("data-attempt");
  var DRAFT_KEY = "backchannel.test." + attemptId;
  var FLAGS_KEY = "backchannel.flags." + attemptId;

  var announce = window.backchannel.announce, number = window.backchannel.number;
  var t = window.backchannel.t, tn = window.backchannel.tn;

  function readStore(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function writeStore(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode or full: the server copy is all there is */ }
  }

  /* Flags: this browser's own reminders, shown in the navigator and on the summary. */
  function flagged() { return readStore(FLAGS_KEY) || []; }

  function showFlags() {
    var flags = flagged();
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav], .summary-row[data-position]"), function (el) {
      var position = parseInt(el.getAttribute(el.hasAttribute("data-nav") ? "data-nav" : "data-position"), 10);
      var mark = el.querySelector(".flag-mark");
      if (mark) { mark.hidden = flags.indexOf(position) === -1; }
    });
  }

  function setUpFlags(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".test-item"), function (item) {
      var button = item.querySelector(".flag-toggle");
      if (!button) { return; }
      var position = parseInt(item.getAttribute("data-position"), 10);
      button.hidden = false;
      button.setAttribute("aria-pressed", flagged().indexOf(position) === -1 ? "false" : "true");
      button.addEventListener("click", function () {
        var flags = flagged().filter(function (p) { return p !== position; });
        var on = button.getAttribute("aria-pressed") !== "true";
        if (on) { flags.push(position); }
        writeStore(FLAGS_KEY, flags.length ? flags : null);
        button.setAttribute("aria-pressed", on ? "true" : "false");
        showFlags();
        announce(on ? t("Flagged for later.") : t("Flag removed."));
      });
    });
    showFlags();
  }

  /* The answer fields of the form as [name, value] pairs, in document order (what a post would send). */
  function answerEntries(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { entries.push([name, String(value)]); }
    });
    return entries;
  }

  /* Put saved pairs back into the form: ticks, choices and typed text, the rest cleared. */
  function applyEntries(form, entries) {
    var byName = {};
    entries.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    var used = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrf_token" || field.type === "submit" || field.type === "button") { return; }
      var values = byName[field.name] || [];
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values.indexOf(field.value) !== -1;
      } else {
        var index = used[field.name] || 0;
        field.value = index < values.length ? values[index] : "";
        used[field.name] = index + 1;
      }
    });
  }

  function isAnswered(item) {
    return Array.prototype.some.call(item.querySelectorAll("input, select, textarea"), function (field) {
      if (field.type === "radio" || field.type === "checkbox") { return field.checked; }
      if (field.type === "button" || field.type === "hidden") { return false; }
      return field.value.trim() !== "";
    });
  }

  /* The count, the bar and each navigator link, from what the page holds now. */
  function showProgress(form) {
    var answered = 0;
    Array.prototype.forEach.call(form.querySelectorAll(".test-item"), function (item) {
      var position = item.getAttribute("data-position");
      var link = document.querySelector('[data-nav="' + position + '"]');
      if (!link || link.classList.contains("state-held")) { return; }
      var done = isAnswered(item);
      if (done) { answered += 1; }
      link.classList.toggle("state-answered", done);
      link.classList.toggle("state-unanswered", !done);
      var label = link.querySelector(".state");
      label.className = "state state-" + (done ? "answered" : "unanswered");
      label.querySelector(".state-icon").textContent = done ? "✓" : "○";
      label.querySelector(".visually-hidden").textContent = done ? t(", answered") : t(", not answered");
    });
    var count = document.querySelector("[data-answered-count]");
    if (count) { count.textContent = number(answered); }
    var bar = document.querySelector(".quiz-bar progress");
    if (bar) { bar.value = answered; }
  }

  /* Autosave: each change is posted as the "Save my answers" button would post it. A copy waits in this browser
     until the server has it, so a dropped connection or a closed tab loses nothing. */
  function setUpAutosave(form) {
    var status = document.querySelector("[data-save-state]");
    var token = form.querySelector("[name=csrf_token]");
    var saved = JSON.stringify(answerEntries(form));  // what the server holds: the page was made from its draft
    var timer = null;
    var retry = null;
    var sending = false;
    var again = false;
    var stopped = false;

    function show(text, kind) {
      if (!status) { return; }
      status.hidden = false;
      status.className = "save-state" + (kind ? " " + kind : "");
      status.textContent = text;
    }

    function offline() {
      show(t("Saved · Offline, will send"), "offline");
      window.clearTimeout(retry);
      retry = window.setTimeout(send, RETRY_DELAY);
    }

    function stop(reason, resultUrl) {
      stopped = true;
      writeStore(DRAFT_KEY, null);
      show(reason, "refused");
      if (resultUrl && status) {
        var link = document.createElement("a");
        link.href = resultUrl;
        link.textContent = " " + t("See the result");
        status.appendChild(link);
      }
    }

    function send() {
      if (stopped) { return; }
      if (sending) { again = true; return; }
      window.clearTimeout(retry);
      var entries = answerEntries(form);
      var snapshot = JSON.stringify(entries);
      if (snapshot === saved) { writeStore(DRAFT_KEY, null); return; }
      writeStore(DRAFT_KEY, { entries: entries, at: Date.now() });
      if (navigator.onLine === false) { offline(); return; }
      sending = true;
      show(t("Saving…"));
      var body = new FormData(form);
      body.append("save", "save");
      fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
      }).then(function (response) {
        if (response.ok) {
          saved = snapshot;
          if (JSON.stringify(answerEntries(form)) === snapshot) { writeStore(DRAFT_KEY, null); }
          show(t("Saved"));
          return null;
        }
        if (response.status >= 500 || response.status === 429) { throw new Error("status " + response.status); }
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.status === 409) {
            stop(answer.reason || t("This attempt was already handed in."), answer.result);
          } else {
            stopped = true;  // a refusal (a changed page, a lost session): keep the local copy, stop asking
            show(answer.reason ? t("Not saved: %(reason)s", { reason: answer.reason })
              : t("Not saved: reload the page and try again."), "refused");
          }
          return null;
        });
      }).catch(offline).then(function () {
        sending = false;
        if (again) { again = false; send(); }
      });
    }

    function changed() {
      showProgress(form);
      window.clearTimeout(timer);
      timer = window.setTimeout(send, SAVE_DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.addEventListener("online", send);
    window.addEventListener("offline", function () { if (!stopped && JSON.stringify(answerEntries(form)) !== saved) { offline(); } });

    // Answers given while the server could not be reached come back into the page, newer than its draft.
    var local = readStore(DRAFT_KEY);
    if (local && local.entries && JSON.stringify(local.entries) !== saved) {
      applyEntries(form, local.entries);
      showProgress(form);
      show(t("Restored from this browser; sending…"));
      send();
    } else if (local) {
      writeStore(DRAFT_KEY, null);
    }
    return { stop: function () { stopped = true; window.clearTimeout(timer); window.clearTimeout(retry); } };
  }

  /* The clock of a timed attempt, from the server's clock (data-now) so a wrong clock here changes nothing. At 0:00
     a test hands in what the page holds (no summary: the time is up), and the summary hands in the saved answers. */
  function startTimer(box, handIn) {
    var deadline = Date.parse(box.getAttribute("data-quiz-deadline"));
    var serverNow = Date.parse(box.getAttribute("data-now"));
    if (isNaN(deadline) || isNaN(serverNow)) { return; }
    var skew = serverNow - Date.now();
    var clock = box.querySelector(".countdown");
    var warned = {};
    var handedIn = false;

    function tick() {
      var ms = deadline - (Date.now() + skew);
      var left = Math.max(0, Math.floor(ms / 1000));
      clock.textContent = number(Math.floor(left / 60)) + ":" + (left % 60 < 10 ? number(0) : "") + number(left % 60);
      box.classList.toggle("urgent", left <= 60);
      [5, 1].forEach(function (mark) {
        if (left <= mark * 60 && left > 5 && !warned[mark]) {
          warned[mark] = true;
          announce(tn("%(n)s minute left on this test.", "%(n)s minutes left on this test.", mark));
        }
      });
      // Handed in just after the deadline (within the server's grace), so the result can say time ran out.
      if (ms <= -250) {
        if (!handedIn) { handedIn = true; announce(t("Time is up: handing in your answers.")); handIn(); }
        return;
      }
      window.setTimeout(tick, Math.min(1000, Math.max(50, ms % 1000 || 1000)));
    }
    tick();
  }

  function setUpNavigator() {
    Array.prototype.forEach.call(document.querySelectorAll('.quiz-nav a[href^="#"]'), function (link) {
      link.addEventListener("click", function () {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        var field = target && target.querySelector("input:not([type=hidden]), select, textarea");
        if (field) { window.setTimeout(function () { field.focus({ preventScroll: true }); }, 0); }
      });
    });
  }

  // A phone shows the navigator folded (its summary is only shown on narrow layouts): the question comes first.
  function foldNavigator() {
    var navBox = document.querySelector(".quiz-nav-box");
    if (!navBox || window.getComputedStyle(navBox.querySelector("summary")).display === "none") { return; }
    navBox.open = false;
    Array.prototype.forEach.call(document.querySelectorAll(".jump-to-nav"), function (link) {
      link.addEventListener("click", function () { navBox.open = true; });
    });
  }

  function start() {
    foldNavigator();
    document.addEventListener("backchannel:replaced", foldNavigator);  // practice's Check brings a fresh page
    var form = document.getElementById("test-form");
    var box = document.querySelector("[data-quiz-deadline]");
    if (form) {
      setUpFlags(form);
      setUpNavigator();
      var autosave = setUpAutosave(form);
      if (box) {
        startTimer(box, function () {
          autosave.stop();
          HTMLFormElement.prototype.submit.call(form);  // no button: the server scores the answers as they stand
        });
      }
    } else {
      writeStore(DRAFT_KEY, null);  // the summary is made from the answers the page just posted
      showFlags();
      var finish = document.querySelector("form[action$='/finish']");
      if (box && finish) { startTimer(box, function () { HTMLFormElement.prototype.submit.call(finish); }); }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
