// Polls an import job's JSON status every second, moves the progress bar, and
// reloads the page (which then shows the result) once the job has finished.
// Without JavaScript the page offers a "Refresh this page" link.
(function () {
  "use strict";
  var root = document.getElementById("import-status");
  if (!root || root.getAttribute("data-finished") === "true") {
    return;
  }
  var url = root.getAttribute("data-status-url");
  var bar = root.querySelector("[data-progress]");
  var text = root.querySelector("[data-status-text]");
  var failures = 0;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (data.finished) {
          window.location.reload();
          return;
        }
        if (bar) {
          bar.value = data.percent;
          bar.textContent = data.percent + "%";
        }
        if (text && data.status === "running") {
          text.textContent = "Checking and importing: " + data.rows_checked + " of " +
            data.total_rows + " rows checked. This page updates by itself.";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 1000 * failures);
        }
      });
  }
  window.setTimeout(poll, 1000);
})();
