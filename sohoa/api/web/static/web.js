// Keyboard help for pages that declare shortcuts: an element with data-key="x" is clicked
// (or focused, for inputs) when x is pressed outside a text field. No library, no network.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var target = document.querySelector('[data-key="' + event.key + '"]');
    if (!target) { return; }
    event.preventDefault();
    if (target.tagName === "INPUT" || target.tagName === "SELECT") {
      target.focus();
      if (target.select) { target.select(); }
    } else {
      target.click();
    }
  });
}());
