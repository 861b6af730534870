/* Backchannel: drag and drop for ordering and matching questions, over the selects that stay the form's real fields.
   Without this file the learner picks from the selects. With it, ordering items are dragged by their grip (mouse,
   pen or finger: pointer events) or moved with their "up" and "down" buttons; matching answers are dragged onto an
   item, or picked (tap, click, Enter) and then placed by picking the item. Every change is written into the selects
   at once, so the server reads and scores exactly what a no-JS form sends, and nothing is written until the learner
   acts. The option values are the page's opaque tokens: nothing here knows the key. */
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function enhance(slots) {
    var selects = Array.prototype.slice.call(slots.querySelectorAll("select"));
    if (selects.length < 2) { return; }
    var texts = {};
    var tokens = [];
    Array.prototype.forEach.call(selects[0].options, function (option) {
      if (option.value) { tokens.push(option.value); texts[option.value] = option.textContent; }
    });
    // A saved or restored answer shows as it stands; otherwise the shuffled order the selects list.
    var chosen = selects.map(function (select) { return select.value; });
    var complete = chosen.every(function (value, index) { return value && chosen.indexOf(value) === index; });
    var order = complete ? chosen : tokens.slice();

    var list = document.createElement("ol");
    list.className = "dnd-list";
    list.setAttribute("aria-label", "Items in order, first at the top");
    var status = document.createElement("p");
    status.className = "hint dnd-status";
    status.textContent = complete ? "Your order is set; move items to change it."
      : "Not answered yet: drag an item by its handle, or use its arrows, to set the order (or keep it as it is).";

    // The shuffled order may already be the learner's answer: one press says so without moving anything.
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button secondary small dnd-keep";
    keep.textContent = "Keep this order";
    keep.hidden = complete;
    keep.addEventListener("click", function () {
      write();
      status.focus();
      announce("Your order is set as shown.");
    });
    status.tabIndex = -1;

    function write() {
      keep.hidden = true;
      order.forEach(function (token, index) {
        if (selects[index].value !== token) {
          selects[index].value = token;
          selects[index].dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      status.textContent = "Your order is set; move items to change it.";
    }

    function render(focusToken, focusWhich) {
      list.textContent = "";
      order.forEach(function (token, index) {
        var item = document.createElement("li");
        item.setAttribute("data-token", token);
        var grip = document.createElement("span");
        grip.className = "grip";
        grip.setAttribute("aria-hidden", "true");
        grip.textContent = "⠿";
        var place = document.createElement("span");
        place.className = "dnd-place";
        place.textContent = (index + 1) + ".";
        var text = document.createElement("span");
        text.className = "dnd-text";
        text.textContent = texts[token];
        item.appendChild(grip);
        item.appendChild(place);
        item.appendChild(text);
        [["up", "↑", -1], ["down", "↓", 1]].forEach(function (spec) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "dnd-" + spec[0];
          button.textContent = spec[1];
          button.setAttribute("aria-label", "Move “" + texts[token] + "” " + spec[0]);
          var target = index + spec[2];
          button.disabled = target < 0 || target >= order.length;
          button.addEventListener("click", function () { move(index, target, spec[0]); });
          item.appendChild(button);
        });
        grip.addEventListener("pointerdown", function (event) { drag(event, item); });
        list.appendChild(item);
      });
      if (focusToken) {
        var moved = list.querySelector('li[data-token="' + focusToken + '"]');
        var button = moved && moved.querySelector(".dnd-" + focusWhich);
        if (button && button.disabled) { button = moved.querySelector("button:not([disabled])"); }
        if (button) { button.focus(); }
      }
    }

    function move(from, to, which) {
      var token = order.splice(from, 1)[0];
      order.splice(to, 0, token);
      write();
      render(token, which);
      announce("“" + texts[token] + "” is now in place " + (to + 1) + " of " + order.length + ".");
    }

    function drag(event, item) {
      if (event.button !== undefined && event.button !== 0) { return; }
      event.preventDefault();
      var token = item.getAttribute("data-token");
      item.classList.add("dragging");
      // Listened for on the document, not the grip: moving the item in the list would drop a pointer capture.
      var pointer = event.pointerId;

      function onMove(moveEvent) {
        if (moveEvent.pointerId !== pointer) { return; }
        var items = Array.prototype.slice.call(list.children);
        var over = items.filter(function (other) {
          if (other === item) { return false; }
          var box = other.getBoundingClientRect();
          return moveEvent.clientY > box.top && moveEvent.clientY < box.bottom;
        })[0];
        if (!over) { return; }
        var box = over.getBoundingClientRect();
        var after = moveEvent.clientY > box.top + box.height / 2;
        list.insertBefore(item, after ? over.nextSibling : over);
      }

      function onUp(upEvent) {
        if (upEvent.pointerId !== pointer) { return; }
        document.removeEventListener("pointermove", onMove);
        document.removeEventListener("pointerup", onUp);
        document.removeEventListener("pointercancel", onUp);
        item.classList.remove("dragging");
        var from = order.indexOf(token);
        var to = Array.prototype.indexOf.call(list.children, item);
        if (from === to) { render(); return; }
        move(from, to, "up");
      }

      document.addEventListener("pointermove", onMove);
      document.addEventListener("pointerup", onUp);
      document.addEventListener("pointercancel", onUp);
    }

    render();
    slots.parentNode.insertBefore(status, slots);
    slots.parentNode.insertBefore(list, slots);
    slots.parentNode.insertBefore(keep, slots);
    slots.closest(".question").classList.add("dnd-enhanced");
    // The selects' own hint ("Choose which item comes in each place") reads wrong beside the list.
    var hint = slots.parentNode.querySelector("p.hint:not(.dnd-status)");
    if (hint) { hint.hidden = true; }
  }

  /* Matching: the answers as buttons above the items; an answer is placed by dragging it onto an item, or by
     picking it and then the item. Answers stay on offer once placed, since two items may share one. */
  function match(pairs) {
    var selects = Array.prototype.slice.call(pairs.querySelectorAll("select"));
    if (!selects.length) { return; }
    var texts = {};
    var tokens = [];
    Array.prototype.forEach.call(selects[0].options, function (option) {
      if (option.value) { tokens.push(option.value); texts[option.value] = option.textContent.trim(); }
    });
    var held = null;     // the token picked and waiting for an item
    var dragged = false; // a drag just ended: the click that follows it is not a pick

    var board = document.createElement("div");
    board.className = "match-board";
    var status = document.createElement("p");
    status.className = "hint dnd-status";
    var pool = document.createElement("ul");
    pool.className = "match-pool";
    pool.setAttribute("aria-label", "Answers");
    var list = document.createElement("ul");
    list.className = "match-slots";
    list.setAttribute("aria-label", "Items to match");

    var chips = tokens.map(function (token) {
      var item = document.createElement("li");
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "match-chip";
      chip.setAttribute("data-token", token);
      chip.setAttribute("aria-pressed", "false");
      var grip = document.createElement("span");
      grip.className = "grip";
      grip.setAttribute("aria-hidden", "true");
      grip.textContent = "⠿";
      var text = document.createElement("span");
      text.className = "match-text";
      text.textContent = texts[token];
      var used = document.createElement("span");
      used.className = "match-used";
      used.textContent = "✓ placed";
      chip.appendChild(grip);
      chip.appendChild(text);
      chip.appendChild(used);
      chip.addEventListener("click", function () {
        if (dragged) { dragged = false; return; }
        pick(held === token ? null : token);
      });
      chip.addEventListener("pointerdown", function (event) { drag(event, chip, token); });
      item.appendChild(chip);
      pool.appendChild(item);
      return chip;
    });

    var slots = selects.map(function (select, index) {
      var item = document.createElement("li");
      item.className = "match-slot";
      item.setAttribute("data-select", select.name);
      var left = document.createElement("span");
      left.className = "match-left";
      left.id = select.id + "-left";
      var label = pairs.querySelector('label[for="' + select.id + '"]');
      left.textContent = label ? label.textContent.trim() : "Item " + (index + 1);
      var target = document.createElement("button");
      target.type = "button";
      target.className = "match-target";
      target.id = select.id + "-target";
      target.setAttribute("aria-labelledby", left.id + " " + target.id);
      target.addEventListener("click", function () { place(index); });
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "match-clear";
      clear.textContent = "✕";
      clear.setAttribute("aria-label", "Clear the answer for “" + left.textContent + "”");
      clear.addEventListener("click", function () {
        set(index, "");
        announce("Cleared the answer for “" + left.textContent + "”.");
        target.focus();
      });
      item.appendChild(left);
      item.appendChild(target);
      item.appendChild(clear);
      list.appendChild(item);
      return { select: select, item: item, left: left.textContent, target: target, clear: clear };
    });

    function show() {
      var placed = slots.filter(function (slot) { return slot.select.value; }).length;
      slots.forEach(function (slot) {
        var value = slot.select.value;
        slot.target.textContent = value ? texts[value] : (held ? "Place it here" : "Empty");
        slot.item.classList.toggle("filled", !!value);
        slot.clear.hidden = !value;
      });
      chips.forEach(function (chip) {
        var token = chip.getAttribute("data-token");
        chip.setAttribute("aria-pressed", String(held === token));
        chip.classList.toggle("used", slots.some(function (slot) { return slot.select.value === token; }));
      });
      board.classList.toggle("holding", !!held);
      status.textContent = held ? "Now choose the item “" + texts[held] + "” goes with."
        : placed ? placed + " of " + slots.length + " matched." + (placed < slots.length ? " Choose an answer, then its item, or drag it there." : "")
        : "Not answered yet: choose an answer, then the item it goes with, or drag it there.";
    }

    function set(index, token) {
      var select = slots[index].select;
      if (select.value !== token) {
        select.value = token;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      show();
    }

    function pick(token) {
      held = token;
      show();
      announce(token ? "Picked “" + texts[token] + "”. Now choose the item it goes with." : "Put back.");
    }

    function place(index) {
      var slot = slots[index];
      if (!held) {
        // An item already matched hands its answer back to the learner's hand, to move it elsewhere.
        if (slot.select.value) {
          var token = slot.select.value;
          set(index, "");
          pick(token);
        } else {
          announce("Choose an answer first, then this item.");
        }
        return;
      }
      var placed = held;
      held = null;
      set(index, placed);
      announce("“" + texts[placed] + "” goes with “" + slot.left + "”.");
    }

    function drag(event, chip, token) {
      // A finger drags only by the grip, so the page still scrolls under a finger on the answer's words.
      if (event.button !== undefined && event.button !== 0) { return; }
      if (event.pointerType === "touch" && !event.target.closest(".grip")) { return; }
      if (event.pointerType === "touch") { event.preventDefault(); }
      var pointer = event.pointerId;
      var startX = event.clientX;
      var startY = event.clientY;
      var moving = false;
      var over = null;

      function slotAt(x, y) {
        var element = document.elementFromPoint(x, y);
        var item = element && element.closest(".match-slot");
        return item && list.contains(item) ? Array.prototype.indexOf.call(list.children, item) : -1;
      }

      function onMove(moveEvent) {
        if (moveEvent.pointerId !== pointer) { return; }
        var dx = moveEvent.clientX - startX;
        var dy = moveEvent.clientY - startY;
        if (!moving && Math.abs(dx) + Math.abs(dy) < 8) { return; }
        moving = true;
        chip.classList.add("dragging");
        chip.style.transform = "translate(" + dx + "px, " + dy + "px)";
        var index = slotAt(moveEvent.clientX, moveEvent.clientY);
        if (over !== null && over !== index && slots[over]) { slots[over].item.classList.remove("over"); }
        over = index;
        if (slots[index]) { slots[index].item.classList.add("over"); }
      }

      function onUp(upEvent) {
        if (upEvent.pointerId !== pointer) { return; }
        document.removeEventListener("pointermove", onMove);
        document.removeEventListener("pointerup", onUp);
        document.removeEventListener("pointercancel", onUp);
        if (!moving) { return; }
        dragged = upEvent.type === "pointerup";
        window.setTimeout(function () { dragged = false; }, 0);
        chip.classList.remove("dragging");
        chip.style.transform = "";
        if (slots[over]) { slots[over].item.classList.remove("over"); }
        if (upEvent.type === "pointerup" && slots[over]) {
          held = token;
          place(over);
        }
      }

      document.addEventListener("pointermove", onMove);
      document.addEventListener("pointerup", onUp);
      document.addEventListener("pointercancel", onUp);
    }

    board.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && held) { pick(null); }
    });
    show();
    board.appendChild(status);
    board.appendChild(pool);
    board.appendChild(list);
    pairs.parentNode.insertBefore(board, pairs);
    pairs.closest(".question").classList.add("dnd-enhanced");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".question:not(.dnd-enhanced) ol.slots"), enhance);
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
