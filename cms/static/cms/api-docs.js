// Starts Swagger UI on /api/v2/docs/ with the document the page names (cms/openapi.py).
// A static file rather than an inline script, so the Content-Security-Policy needs no nonce.
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
  });
})();
