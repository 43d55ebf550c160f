// /region/weights, enhanced: each slider and its number follow each other, and the
// preview follows the sliders (htmx swaps in the page's #preview). Without this file the
// form works as it is: the server reads whichever of the two was changed.
(function () {
  "use strict";
  var MAX = 100;
  function pair(slider) {
    var number = document.getElementById(slider.id.replace(/-slider$/, ""));
    if (!number) { return; }
    slider.addEventListener("input", function () { number.value = slider.value; });
    number.addEventListener("input", function () {
      var value = parseFloat(number.value);
      if (isFinite(value)) { slider.value = String(Math.round(Math.min(Math.max(value, 0), MAX))); }
    });
  }
  function start() {
    var sliders = document.querySelectorAll(".weight-slider");
    for (var i = 0; i < sliders.length; i += 1) { pair(sliders[i]); }
    // A refused preview (422) still replaces the preview, which then says why.
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr && event.detail.xhr.status === 422) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
