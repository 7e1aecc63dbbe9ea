// Moves focus to a form's error summary when the page loads, so screen readers
// announce the problems first. Links in the summary move focus to the field;
// when the target is a fieldset (radio or checkbox list) the first input gets it.
(function () {
  "use strict";

  function focusTarget(target) {
    var focusable = target;
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) {
      focusable = target.querySelector("input, select, textarea, button") || target;
    }
    var group = target.closest(".usa-form-group") || target;
    group.scrollIntoView({ block: "center" });
    focusable.focus({ preventScroll: true });
  }

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          focusTarget(target);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
