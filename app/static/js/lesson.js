/* The lesson page, enhanced; every part of it works without this file.
   1. Contents: the section being read is marked in the contents (IntersectionObserver), with a reading progress
      bar and the minutes left; on wide screens the contents stays open in the margin.
   2. Reading position: the last section read is kept in this browser (localStorage, per lesson); coming back
      offers "Continue where you left off" as a link, never an automatic jump. Scrolling down to the end of the
      text marks the lesson read, once, through the page's own "I've read this" form (only a learner with a
      session has one); a page opened already at the end (a link to #read, a short lesson) is not "read".
   3. Check yourself: each answer is checked without reloading the page (the server's section replaces this one).
   4. Reading time: seconds while the page is visible and focused, sent about every 30 s and when the page is
      hidden (sendBeacon, which cannot set headers, so the CSRF token goes in the body). Only for a learner
      the server gave a token to: reading alone never creates anything. */
(function () {
  "use strict";

  var article = document.querySelector("article.lesson");
  if (!article) { return; }
  var slug = article.getAttribute("data-slug");
  var POSITION_KEY = "backchannel.position." + slug;

  var announce = window.backchannel.announce, t = window.backchannel.t, number = window.backchannel.number;

  function store(action, value) {
    try {
      if (action === "get") { return window.localStorage.getItem(POSITION_KEY); }
      if (action === "set") { window.localStorage.setItem(POSITION_KEY, value); }
      if (action === "remove") { window.localStorage.removeItem(POSITION_KEY); }
    } catch (e) { /* private mode: nothing is remembered */ }
    return null;
  }

  /* 1 and 2. Contents, progress and position. */
  var toc = article.querySelector(".lesson-toc");
  var body = article.querySelector(".lesson-body");
  var links = toc ? Array.prototype.slice.call(toc.querySelectorAll("a[href^='#']")) : [];
  var sections = links.map(function (link) {
    return { link: link, target: document.getElementById(link.getAttribute("href").slice(1)) };
  }).filter(function (entry) { return entry.target; });
  var bar = article.querySelector("[data-reading-progress] progress");
  var percentText = article.querySelector("[data-progress-percent]");
  var minutesText = article.querySelector("[data-minutes-left]");
  var minutes = parseInt(article.getAttribute("data-minutes"), 10) || 1;
  var wide = window.matchMedia("(min-width: 1100px)");
  var details = toc && toc.querySelector("details[data-toc]");
  var current = null;

  function keepOpenWhenWide() { if (details && wide.matches) { details.open = true; } }

  function readFraction() {
    if (!body) { return 0; }
    var box = body.getBoundingClientRect();
    var seen = window.innerHeight - box.top;
    return Math.max(0, Math.min(1, seen / Math.max(1, box.height)));
  }

  function update() {
    var marker = window.innerHeight * 0.3;
    var now = null;
    sections.forEach(function (entry) { if (entry.target.getBoundingClientRect().top <= marker) { now = entry; } });
    if (now !== current) {
      if (current) { current.link.removeAttribute("aria-current"); }
      if (now) { now.link.setAttribute("aria-current", "true"); }
      current = now;
    }
    var fraction = readFraction();
    var percent = Math.round(fraction * 100);
    if (bar) { bar.value = percent; }
    if (percentText) { percentText.textContent = number(percent); }
    if (minutesText) { minutesText.textContent = number(Math.max(0, Math.ceil(minutes * (1 - fraction)))); }
    if (percent >= 98) {
      store("remove");
    } else if (now && sections.indexOf(now) > 0) {
      store("set", now.target.id);
    }
    if (fraction < 1) {
      sawUnread = true;
    } else if (sawUnread) {
      reachedEnd = true;
      markRead();
    }
  }

  var sawUnread = false, reachedEnd = false, markingRead = false;

  /* The form "I've read this" posted in the background; its redirect is not followed (that would count a visit). */
  function markRead() {
    var form = article.querySelector("form.mark-read");
    if (!reachedEnd || !form || markingRead) { return; }
    markingRead = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (!response.ok && response.type !== "opaqueredirect") { throw new Error("status " + response.status); }
        var done = document.createElement("p");
        done.className = "done-mark";
        var tick = document.createElement("span");
        tick.setAttribute("aria-hidden", "true");
        tick.textContent = "✓";
        done.appendChild(tick);
        done.appendChild(document.createTextNode(" " + t("You read to the end, so this lesson is marked as read.")));
        form.replaceWith(done);
        announce(t("Lesson marked as read."));
      })
      .catch(function () { /* offline or refused: the button stays for the learner to press */ });
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; update(); });
  }

  function offerResume() {
    var place = article.querySelector("[data-resume]");
    var saved = store("get");
    if (!place || !saved || window.location.hash) { return; }
    var entry = sections.filter(function (s) { return s.target.id === saved; })[0];
    if (!entry || sections.indexOf(entry) === 0) { return; }
    var link = document.createElement("a");
    link.className = "button secondary small";
    link.href = "#" + saved;
    // One sentence round the section's title, which stays English (course text) on a page in another language.
    var words = t("Continue where you left off: %(section)s").split("%(section)s");
    var title = document.createElement("span");
    title.lang = "en";
    title.dir = "ltr";
    title.textContent = entry.link.textContent.trim();
    link.append(words[0], title, words[1] || "");
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "button quiet small";
    dismiss.textContent = t("Start from the top");
    dismiss.addEventListener("click", function () { store("remove"); place.hidden = true; });
    link.addEventListener("click", function () { place.hidden = true; });
    place.appendChild(link);
    place.appendChild(dismiss);
    place.hidden = false;
  }

  if (toc) {
    keepOpenWhenWide();
    if (wide.addEventListener) { wide.addEventListener("change", keepOpenWhenWide); }
    offerResume();
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(schedule, { rootMargin: "0px 0px -70% 0px" });
      sections.forEach(function (entry) { observer.observe(entry.target); });
    }
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    update();
  }

  /* 3. Check yourself in place. */
  function replaceSection(html, focusSelector) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var section = fresh.getElementById("check-yourself");
    var old = document.getElementById("check-yourself");
    if (!section || !old) { return false; }
    old.replaceWith(section);
    // The next step follows how the check went (after a weak score practising leads): take the fresh one too.
    var freshActions = fresh.getElementById("read"), actions = document.getElementById("read");
    if (freshActions && actions) { actions.replaceWith(freshActions); }
    // Answering can make the learner known: the read marker after the actions may now be the "I've read this" form.
    var freshMarker = fresh.querySelector("#read + *"), marker = document.querySelector("#read + *");
    if (freshMarker && marker && freshMarker.matches("form.mark-read") && !marker.matches("form.mark-read, .done-mark")) {
      marker.replaceWith(freshMarker);
      markRead();
    }
    var freshArticle = fresh.querySelector("article.lesson");
    // Answering makes the learner known: the fresh page carries the reading-time token this one lacked.
    if (freshArticle && freshArticle.hasAttribute("data-study-token")) {
      article.setAttribute("data-study-url", freshArticle.getAttribute("data-study-url"));
      article.setAttribute("data-study-token", freshArticle.getAttribute("data-study-token"));
    }
    enhanceCheck(section);
    var target = (focusSelector && section.querySelector(focusSelector)) || section.querySelector("h2");
    target.setAttribute("tabindex", "-1");
    target.focus();
    announce(target.textContent.replace(/\s+/g, " ").trim());
    return true;
  }

  function enhanceCheck(section) {
    Array.prototype.forEach.call(section.querySelectorAll("form[data-check-form]"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector("button[type=submit]");
        if (button) { button.disabled = true; }
        var place = form.querySelector("input[name=place]");
        var focus = place ? "#check-" + (parseInt(place.value, 10) + 1) + " .verdict-title, #check-" + (parseInt(place.value, 10) + 1) + " input" : ".check-item input";
        fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) { throw new Error("status " + response.status); }
            return response.text();
          })
          .then(function (html) { if (!replaceSection(html, focus)) { throw new Error("no section"); } })
          .catch(function () { HTMLFormElement.prototype.submit.call(form); });
      });
    });
    Array.prototype.forEach.call(section.querySelectorAll("a[data-check-start]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        fetch(link.href, { credentials: "same-origin" })
          .then(function (response) { if (!response.ok) { throw new Error("status " + response.status); } return response.text(); })
          .then(function (html) { if (!replaceSection(html, ".check-item input")) { throw new Error("no section"); } })
          .catch(function () { window.location.assign(link.href); });
      });
    });
  }

  var checkSection = document.getElementById("check-yourself");
  if (checkSection) { enhanceCheck(checkSection); }

  /* 4. Reading time. */
  var interval = parseInt(article.getAttribute("data-study-interval"), 10) || 30;
  var counted = 0;
  var sinceSent = 0;

  function payload(seconds) {
    return { lesson: slug, seconds: seconds, csrf_token: article.getAttribute("data-study-token") };
  }

  function send(useBeacon) {
    var url = article.getAttribute("data-study-url");
    var token = article.getAttribute("data-study-token");
    if (!url || !token || counted <= 0) { return; }
    var seconds = counted;
    counted = 0;
    sinceSent = 0;
    var body = JSON.stringify(payload(seconds));
    if (useBeacon && navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: "application/json" }))) { return; }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true,
                 headers: { "Content-Type": "application/json", "X-CSRFToken": token } })
      .then(function (response) { if (!response.ok && response.status >= 500) { counted += seconds; } })
      .catch(function () { counted += seconds; });  // offline: try again with the next batch
  }

  window.setInterval(function () {
    if (document.visibilityState !== "visible" || !document.hasFocus()) { return; }
    counted += 1;
    sinceSent += 1;
    if (sinceSent >= interval) { send(false); }
  }, 1000);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { send(true); } });
  window.addEventListener("pagehide", function () { send(true); });
})();
