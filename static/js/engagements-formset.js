// "Add another action" for the follow-up formset: clones the empty form from a <template>
// and bumps the management form's TOTAL_FORMS. Without JavaScript one blank row is offered.
(function () {
  "use strict";
  var button = document.querySelector("[data-add-follow-up]");
  var template = document.getElementById("follow-up-template");
  var total = document.querySelector("input[name='followups-TOTAL_FORMS']");
  if (!button || !template || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    button.parentNode.insertBefore(row, button);
    total.value = String(index + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
  });
})();
