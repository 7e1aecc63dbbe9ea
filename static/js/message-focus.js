// After a form is sent and the next page says it worked (a Django success message),
// move focus to that message, so a screen reader announces the outcome and a keyboard
// user continues from there instead of from the top of the page (issue 16).
// A page with a form error summary keeps error-summary.js's focus on the summary;
// a link to a fragment (#section) keeps its target.
(function () {
  "use strict";

  function init() {
    if (document.querySelector("[data-error-summary]") || window.location.hash) {
      return;
    }
    var message = document.querySelector("[data-focus-message]");
    if (message) {
      message.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
