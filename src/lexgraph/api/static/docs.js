// Starts Swagger UI (swagger-ui-dist, served from /static/swagger-ui/) on the API description,
// configured to pass WCAG 2.1 A/AA; what it cannot be told is set on its elements whenever it
// draws them (it draws each operation when it is opened). Nothing is asked of another server.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("docs-config").textContent);
  var root = document.getElementById("swagger-ui");
  window.lexgraphDocs = SwaggerUIBundle({
    url: config.url,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: false, // its links sit inside each operation's toggle button: nested controls
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, // no call to swagger.io's validator
    syntaxHighlight: false, // its colours on the dark example blocks are below 4.5:1
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });

  // A parameter's select boxes (its value, its examples) get the parameter's name; example
  // blocks that scroll sideways can be reached and scrolled with the keyboard.
  function fixUp() {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var name = select.closest("tr").getAttribute("data-param-name");
      var examples = select.classList.contains("examples-select-element");
      select.setAttribute("aria-label", (examples ? "Example for " : "Value of ") + name);
    });
    root.querySelectorAll(".highlight-code pre, pre.microlight").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth || pre.scrollHeight > pre.clientHeight) pre.tabIndex = 0;
      else pre.removeAttribute("tabindex");
    });
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fixUp(); });
  }
  new MutationObserver(schedule).observe(root, { childList: true, subtree: true });
  window.addEventListener("resize", schedule);
})();
