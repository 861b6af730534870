/* Backchannel: drag and drop for ordering questions, over the selects that stay the form's real fields.
   Without this file the learner picks "Place 1…n" from the selects; with it they drag an item by its grip
   (mouse, pen or finger: pointer events) or press its "up" and "down" buttons (keyboard), and every move
   writes the whole order back into the selects, so the server reads and scores exactly what a no-JS
   form sends. The option values are the page's opaque tokens: nothing here knows the key. */
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
      : "Not answered yet: drag an item by its handle, or use its arrows, to set the order.";

    function write() {
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
    slots.closest(".question").classList.add("dnd-enhanced");
    // The selects' own hint ("Choose which item comes in each place") reads wrong beside the list.
    var hint = slots.parentNode.querySelector("p.hint:not(.dnd-status)");
    if (hint) { hint.hidden = true; }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".question ol.slots"), enhance);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
