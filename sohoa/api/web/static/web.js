// Keyboard help for pages that declare shortcuts: an element with data-key="x" is clicked
// (or focused, for inputs) when x is pressed outside a text field. No library, no network.
(function () {
  "use strict";
  // A page of work in progress (the jobs) names how often it is read again: it reloads itself
  // then, unless the person is typing in it.
  var refresh = document.querySelector("[data-refresh-seconds]");
  if (refresh) {
    var seconds = parseInt(refresh.getAttribute("data-refresh-seconds"), 10) || 5;
    var again = function () {
      var tag = (document.activeElement && document.activeElement.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") {
        window.setTimeout(again, seconds * 1000);
      } else {
        window.location.reload();
      }
    };
    window.setTimeout(again, seconds * 1000);
  }
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
