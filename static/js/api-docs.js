// Renders the API description with the vendored Swagger UI (no inline script: strict CSP).
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-schema-url"),
    domNode: target,
    // No deep links: they put a link inside each operation's toggle button, which
    // screen readers cannot reach (axe: nested-interactive).
    deepLinking: false,
    // Same-origin calls carry the session cookie, so "Try it out" works when signed in.
    withCredentials: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
