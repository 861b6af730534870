/* A slider's value beside it: every <input type=range> with an <output for=its id> shows the value as it moves.
   Without this file the output shows the value the page was served with. */
(function () {
  "use strict";
  document.querySelectorAll("output[for]").forEach(function (output) {
    var slider = document.getElementById(output.htmlFor.value);
    if (!slider || slider.type !== "range") { return; }
    var places = (output.value.split(/[.٫]/)[1] || "").length;  // as many decimals as the page was served with (0.90)
    slider.addEventListener("input", function () {
      output.value = window.backchannel ? window.backchannel.number(Number(slider.value), places) : slider.value;
    });
  });
})();
