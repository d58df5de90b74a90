// Starts Swagger UI (loaded just before, from swagger-ui-dist) on the admin
// API's OpenAPI document.
(function () {
  var root = document.getElementById('swagger-ui');
  if (!root || typeof window.SwaggerUIBundle !== 'function') return;
  window.SwaggerUIBundle({ url: root.getAttribute('data-spec-url'), domNode: root, deepLinking: true });
})();
