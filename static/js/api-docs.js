// Renders the API description with the vendored Swagger UI (no inline script: strict CSP).
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }

  // Swagger UI's BaseLayout, with the operations in a <div>: its own <main> would sit
  // inside the portal's <main> (axe: landmark-main-is-top-level, landmark-no-duplicate-main;
  // issue 16). Its info block is left out: the page's own h1 and introduction say the
  // same, and its heading broke the page's heading order (h1, h2 "Endpoints", h3 per tag).
  function PortalLayoutPlugin(system) {
    var h = system.React.createElement;
    function PortalLayout(props) {
      var get = props.getComponent;
      var specSelectors = props.specSelectors;
      var Row = get("Row");
      var Col = get("Col");
      var Errors = get("errors", true);
      var status = specSelectors.loadingStatus();
      if (status !== "success" || !specSelectors.specStr()) {
        return h(
          "div",
          { className: "swagger-ui" },
          h("div", { className: "loading-container" }, status === "failed" ? h(Errors) : null)
        );
      }
      var full = function (component) {
        return h(Row, null, h(Col, { mobile: 12, desktop: 12 }, h(get(component, true))));
      };
      return h(
        "div",
        { className: "swagger-ui" },
        h(get("SvgAssets")),
        h(Errors),
        specSelectors.securityDefinitions()
          ? h("div", { className: "scheme-container" },
              h(Col, { className: "schemes wrapper", mobile: 12 }, h(get("AuthorizeBtnContainer", true))))
          : null,
        h(get("FilterContainer", true)),
        h("div", { id: "operations" }, full("operations"), full("Models"))
      );
    }
    return { components: { PortalLayout: PortalLayout } };
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
    plugins: [PortalLayoutPlugin],
    layout: "PortalLayout",
  });
})();
