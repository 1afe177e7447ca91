// Starts Swagger UI on the API explorer page. A file of its own, not an inline
// script, so the site's Content-Security-Policy stays without 'unsafe-inline'.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    deepLinking: true,
    supportedSubmitMethods: ["get"],
    tryItOutEnabled: true,
  });
});
