// Polls a report's JSON status every 2 seconds and updates the page when it
// changes. Without JavaScript the page offers a "Refresh this page" link.
(function () {
  "use strict";
  var root = document.getElementById("report-status");
  if (!root) {
    return;
  }
  var url = root.getAttribute("data-status-url");
  var text = root.querySelector("[data-status-text]");
  var region = root.querySelector("[data-status-region]");
  var download = root.querySelector("[data-download]");
  var link = root.querySelector("[data-download-link]");
  var refresh = root.querySelector("[data-refresh]");
  var current = root.getAttribute("data-status");
  var failures = 0;
  var MESSAGES = {
    queued: "Your report is queued. This page updates by itself.",
    rendering: "Your report is being produced. This page updates by itself.",
    ready: "Your report is ready.",
    failed: "This report could not be produced. Please request it again; if it fails again, contact the PSP program office."
  };
  var ALERT = { ready: "usa-alert--success", failed: "usa-alert--error" };

  function show(data) {
    if (data.status === current) {
      return;
    }
    current = data.status;
    var message = MESSAGES[data.status] || data.status_label;
    if (data.status === "ready" && data.page_count) {
      message = "Your report is ready (" + data.page_count + " page" + (data.page_count === 1 ? "" : "s") + ").";
    }
    region.classList.remove("usa-alert--info", "usa-alert--success", "usa-alert--error");
    region.classList.add(ALERT[data.status] || "usa-alert--info");
    text.textContent = message;
    if (data.download_url) {
      link.setAttribute("href", data.download_url);
      download.hidden = false;
    }
    if (data.finished && refresh) {
      refresh.hidden = true;
    }
  }

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
        show(data);
        if (!data.finished) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        // Keep trying a while (a deploy, a dropped connection), then leave the refresh link.
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 2000 * failures);
        }
      });
  }

  if (current !== "ready" && current !== "failed") {
    window.setTimeout(poll, 2000);
  }
})();
