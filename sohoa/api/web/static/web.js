// Keyboard help for pages that declare shortcuts: an element with data-key="x" is clicked
// (or focused, for inputs) when x is pressed outside a text field. No library, no network.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
      if (event.key === "Escape") { event.target.blur(); }
      // A list chosen from the keyboard (t, then the arrows) is sent with Enter, as a text
      // field is: browsers do not submit a form from a <select> by themselves.
      if (event.key === "Enter" && tag === "SELECT" && event.target.form) {
        event.preventDefault();
        event.target.form.requestSubmit();
      }
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
