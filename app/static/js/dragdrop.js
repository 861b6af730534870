/* Drag and drop for ordering and matching, over the selects that stay the form's real fields (the no-JS path).
   Ordering: drag an item by its grip, or use its up/down buttons. Matching: drag an answer onto an item, or pick it
   (tap, click, Enter) then pick the item. Each change is written into the selects at once, so the server scores what
   a no-JS form sends; nothing is written until the learner acts. Values are the page's opaque tokens, never the key. */
(function () {
  "use strict";
  var t = window.backchannel.t;

  function say(text) { if (window.backchannel) { window.backchannel.announce(text); } }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function button(className, text, label) {
    var node = el("button", className, text);
    node.type = "button";
    if (label) { node.setAttribute("aria-label", label); }
    return node;
  }

  // Course text (an item, an answer) stays English on a page in another language.
  function en(node) { node.lang = "en"; node.dir = "ltr"; return node; }

  function grip() {
    var node = el("span", "grip", "⠿");
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  // The options' words by token, in the order the first select lists them.
  function offered(select) {
    var texts = {};
    var tokens = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) { tokens.push(option.value); texts[option.value] = option.textContent.trim(); }
    });
    return { tokens: tokens, texts: texts };
  }

  function write(select, token) {
    if (select.value !== token) {
      select.value = token;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // A pointer drag: listened for on the document (moving nodes would drop a pointer capture); a press that does not
  // move is left to be a click. onMove(event, dx, dy) while it moves, onDrop(event) at the end (null if cancelled).
  function follow(event, onMove, onDrop) {
    var id = event.pointerId;
    var x = event.clientX;
    var y = event.clientY;
    var moving = false;
    function move(e) {
      if (e.pointerId !== id) { return; }
      moving = moving || Math.abs(e.clientX - x) + Math.abs(e.clientY - y) > 6;
      if (moving) { onMove(e, e.clientX - x, e.clientY - y); }
    }
    function end(e) {
      if (e.pointerId !== id) { return; }
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", end);
      document.removeEventListener("pointercancel", end);
      if (moving) { onDrop(e.type === "pointerup" ? e : null); }
    }
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", end);
    document.addEventListener("pointercancel", end);
  }

  function order(slots) {
    var selects = Array.prototype.slice.call(slots.querySelectorAll("select"));
    if (selects.length < 2) { return; }
    var words = offered(selects[0]);
    var texts = words.texts;
    // A saved answer shows as it stands; otherwise the shuffled order the selects list.
    var chosen = selects.map(function (select) { return select.value; });
    var complete = chosen.every(function (value, index) { return value && chosen.indexOf(value) === index; });
    var list = el("ol", "dnd-list");
    list.setAttribute("aria-label", t("Items in order, first at the top"));
    var status = el("p", "hint dnd-status");
    status.tabIndex = -1;
    // The shuffled order may already be the learner's answer: one press says so.
    var keep = button("button secondary small dnd-keep", t("Keep this order"));
    var current = complete ? chosen : words.tokens.slice();

    function save() {
      current.forEach(function (token, index) { write(selects[index], token); });
      keep.hidden = true;
      status.textContent = t("Your order is set; move items to change it.");
    }

    function render(focusToken, which) {
      list.textContent = "";
      current.forEach(function (token, index) {
        var item = el("li");
        item.setAttribute("data-token", token);
        item.appendChild(grip());
        item.appendChild(el("span", "dnd-place", t("%(place)s.", { place: index + 1 })));
        item.appendChild(en(el("span", "dnd-text", texts[token])));
        [["up", "↑", -1, t("Move “%(item)s” up", { item: texts[token] })],
         ["down", "↓", 1, t("Move “%(item)s” down", { item: texts[token] })]].forEach(function (spec) {
          var to = index + spec[2];
          var arrow = button("dnd-" + spec[0], spec[1], spec[3]);
          arrow.disabled = to < 0 || to >= current.length;
          arrow.addEventListener("click", function () { move(index, to, spec[0]); });
          item.appendChild(arrow);
        });
        item.firstChild.addEventListener("pointerdown", function (event) { drag(event, item, token); });
        list.appendChild(item);
      });
      var moved = focusToken && list.querySelector('li[data-token="' + focusToken + '"]');
      if (moved) { (moved.querySelector(".dnd-" + which + ":not([disabled])") || moved.querySelector("button:not([disabled])")).focus(); }
    }

    function move(from, to, which) {
      var token = current.splice(from, 1)[0];
      current.splice(to, 0, token);
      save();
      render(token, which);
      say(t("“%(item)s” is now in place %(place)s of %(total)s.", { item: texts[token], place: to + 1, total: current.length }));
    }

    function drag(event, item, token) {
      if (event.button) { return; }
      event.preventDefault();
      follow(event, function (e) {
        item.classList.add("dragging");
        var over = Array.prototype.filter.call(list.children, function (other) {
          var box = other.getBoundingClientRect();
          return other !== item && e.clientY > box.top && e.clientY < box.bottom;
        })[0];
        if (over) {
          var box = over.getBoundingClientRect();
          list.insertBefore(item, e.clientY > box.top + box.height / 2 ? over.nextSibling : over);
        }
      }, function () {
        item.classList.remove("dragging");
        var to = Array.prototype.indexOf.call(list.children, item);
        if (to === current.indexOf(token)) { render(); } else { move(current.indexOf(token), to, "up"); }
      });
    }

    keep.hidden = complete;
    keep.addEventListener("click", function () { save(); status.focus(); say(t("Your order is set as shown.")); });
    status.textContent = complete ? t("Your order is set; move items to change it.")
      : t("Not answered yet: drag an item by its handle, or use its arrows, to set the order (or keep it as it is).");
    render();
    [status, list, keep].forEach(function (node) { slots.parentNode.insertBefore(node, slots); });
    slots.closest(".question").classList.add("dnd-enhanced");
    // The selects' own hint ("Choose which item comes in each place") reads wrong beside the list.
    var hint = slots.parentNode.querySelector("p.hint:not(.dnd-status)");
    if (hint) { hint.hidden = true; }
  }

  // Matching: answers stay on offer once placed, since two items may share one.
  function match(pairs) {
    var selects = Array.prototype.slice.call(pairs.querySelectorAll("select"));
    if (!selects.length) { return; }
    var words = offered(selects[0]);
    var texts = words.texts;
    var held = null;     // the token picked and waiting for its item
    var dragged = false; // a drag just ended: the click that may follow is not a pick
    var board = el("div", "match-board");
    var status = el("p", "hint dnd-status");
    var pool = el("ul", "match-pool");
    pool.setAttribute("aria-label", t("Answers"));
    var list = el("ul", "match-slots");
    list.setAttribute("aria-label", t("Items to match"));

    var chips = words.tokens.map(function (token) {
      var chip = button("match-chip");
      chip.setAttribute("data-token", token);
      chip.appendChild(grip());
      chip.appendChild(en(el("span", "match-text", texts[token])));
      chip.appendChild(el("span", "match-used", t("✓ placed")));
      chip.addEventListener("click", function () {
        if (!dragged) { pick(held === token ? null : token); }
        dragged = false;
      });
      chip.addEventListener("pointerdown", function (event) { drag(event, chip, token); });
      pool.appendChild(el("li")).appendChild(chip);
      return chip;
    });

    var slots = selects.map(function (select, index) {
      var label = pairs.querySelector('label[for="' + select.id + '"]');
      var left = el("span", "match-left", label ? label.textContent.trim() : t("Item %(n)s", { n: index + 1 }));
      if (label) { en(left); }
      left.id = select.id + "-left";
      var target = button("match-target");
      target.id = select.id + "-target";
      target.setAttribute("aria-labelledby", left.id + " " + target.id);
      target.addEventListener("click", function () { place(index); });
      var clear = button("match-clear", "✕", t("Clear the answer for “%(item)s”", { item: left.textContent }));
      clear.addEventListener("click", function () {
        set(index, "");
        say(t("Cleared the answer for “%(item)s”.", { item: left.textContent }));
        target.focus();
      });
      var item = el("li", "match-slot");
      item.setAttribute("data-select", select.name);
      [left, target, clear].forEach(function (node) { item.appendChild(node); });
      list.appendChild(item);
      return { select: select, item: item, left: left.textContent, target: target, clear: clear };
    });

    function show() {
      var placed = 0;
      slots.forEach(function (slot) {
        var value = slot.select.value;
        placed += value ? 1 : 0;
        slot.target.textContent = value ? "" : held ? t("Place it here") : t("Empty");
        if (value) { slot.target.appendChild(en(el("span", null, texts[value]))); }
        slot.item.classList.toggle("filled", !!value);
        slot.clear.hidden = !value;
      });
      chips.forEach(function (chip) {
        var token = chip.getAttribute("data-token");
        chip.setAttribute("aria-pressed", String(held === token));
        chip.classList.toggle("used", slots.some(function (slot) { return slot.select.value === token; }));
      });
      board.classList.toggle("holding", !!held);
      status.textContent = held ? t("Now choose the item “%(answer)s” goes with.", { answer: texts[held] })
        : !placed ? t("Not answered yet: choose an answer, then the item it goes with, or drag it there.")
        : placed < slots.length ? t("%(placed)s of %(total)s matched. Choose an answer, then its item.", { placed: placed, total: slots.length })
        : t("%(placed)s of %(total)s matched.", { placed: placed, total: slots.length });
    }

    function set(index, token) {
      write(slots[index].select, token);
      show();
    }

    function pick(token) {
      held = token;
      show();
      say(token ? t("Picked “%(answer)s”. Now choose the item it goes with.", { answer: texts[token] }) : t("Put back."));
    }

    function place(index) {
      var slot = slots[index];
      var token = held;
      if (!token) {
        // A matched item hands its answer back to the learner's hand, to move it elsewhere.
        if (slot.select.value) {
          token = slot.select.value;
          set(index, "");
          pick(token);
        } else {
          say(t("Choose an answer first, then this item."));
        }
        return;
      }
      held = null;
      set(index, token);
      say(t("“%(answer)s” goes with “%(item)s”.", { answer: texts[token], item: slot.left }));
    }

    function drag(event, chip, token) {
      // A finger drags only by the grip, so the page still scrolls under a finger on the answer's words.
      var touch = event.pointerType === "touch";
      if (event.button || (touch && !event.target.closest(".grip"))) { return; }
      if (touch) { event.preventDefault(); }
      var over = -1;
      function slotAt(e) {
        var hit = document.elementFromPoint(e.clientX, e.clientY);
        var item = hit && hit.closest(".match-slot");
        return item && list.contains(item) ? Array.prototype.indexOf.call(list.children, item) : -1;
      }
      follow(event, function (e, dx, dy) {
        chip.classList.add("dragging");
        chip.style.transform = "translate(" + dx + "px, " + dy + "px)";
        if (slots[over]) { slots[over].item.classList.remove("over"); }
        over = slotAt(e);
        if (slots[over]) { slots[over].item.classList.add("over"); }
      }, function (drop) {
        dragged = !!drop;
        window.setTimeout(function () { dragged = false; }, 0);
        chip.classList.remove("dragging");
        chip.style.transform = "";
        if (slots[over]) { slots[over].item.classList.remove("over"); }
        if (drop && slots[over]) {
          held = token;
          place(over);
        }
      });
    }

    board.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && held) { pick(null); }
    });
    show();
    [status, pool, list].forEach(function (node) { board.appendChild(node); });
    pairs.parentNode.insertBefore(board, pairs);
    pairs.closest(".question").classList.add("dnd-enhanced");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".question:not(.dnd-enhanced) ol.slots"), order);
    Array.prototype.forEach.call(document.querySelectorAll(".question:not(.dnd-enhanced) dl.pairs"), match);
  }

  // Practice's "Check" puts the server's fresh page in place (app.js): its questions are enhanced in turn.
  function watch() {
    var main = document.getElementById("main");
    if (main && window.MutationObserver) { new MutationObserver(init).observe(main, { childList: true, subtree: true }); }
    init();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", watch); } else { watch(); }
}());
