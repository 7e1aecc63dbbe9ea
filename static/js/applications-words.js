// Shows "N of LIMIT words" under each narrative answer as the applicant types.
// The server enforces the limit; this only helps stay within it.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var counter = document.createElement("p");
    counter.className = "usa-hint";
    counter.setAttribute("aria-live", "polite");
    counter.id = area.id + "_wordcount";
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var words = (area.value.match(/\S+/g) || []).length;
      counter.textContent = words + " of " + limit + " words" + (words > limit ? " (over the limit)" : "");
    }
    area.addEventListener("input", update);
    update();
  });
})();
