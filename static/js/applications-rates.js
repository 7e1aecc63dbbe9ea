// Previews each year's violent-crime rate per 100,000 and its ratio to the national
// rate while the applicant types. The server recomputes on save; its result is the record.
(function () {
  "use strict";
  var PARTS = ["murder", "rape", "robbery", "aggravated_assault"];

  function valueOf(input) {
    var text = (input.value || "").replace(/[,\s]/g, "");
    if (!/^\d+$/.test(text)) return null;
    return parseInt(text, 10);
  }

  function update(year) {
    var output = document.querySelector('output[data-rate-output="' + year + '"]');
    if (!output) return;
    var inputs = document.querySelectorAll('[data-rate-year="' + year + '"]');
    var values = {};
    inputs.forEach(function (input) { values[input.getAttribute("data-rate-part")] = valueOf(input); });
    var total = 0;
    for (var i = 0; i < PARTS.length; i++) {
      if (values[PARTS[i]] === null || values[PARTS[i]] === undefined) { output.textContent = "–"; return; }
      total += values[PARTS[i]];
    }
    var population = values.population;
    if (!population) { output.textContent = "–"; return; }
    if (total > population) { output.textContent = "more offenses than people: check the figures"; return; }
    var rate = Math.round((total * 100000 / population) * 10) / 10;
    var text = rate.toFixed(1) + " per 100,000";
    var national = parseFloat(output.getAttribute("data-national-rate"));
    if (national > 0) text += ", " + (rate / national).toFixed(2) + " times the national rate";
    output.textContent = text;
  }

  document.querySelectorAll("output[data-rate-output]").forEach(function (output) {
    var year = output.getAttribute("data-rate-output");
    document.querySelectorAll('[data-rate-year="' + year + '"]').forEach(function (input) {
      input.addEventListener("input", function () { update(year); });
    });
    update(year);
  });
})();
