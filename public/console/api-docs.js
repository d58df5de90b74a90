// Starts Swagger UI (loaded just before, from swagger-ui-dist) on the admin
// API's OpenAPI document. Deep links are off: they put a link inside each
// operation's toggle button, which screen readers cannot use. The server
// picker gets the label Swagger UI leaves out.
(function () {
  var root = document.getElementById('swagger-ui');
  if (!root || typeof window.SwaggerUIBundle !== 'function') return;
  window.SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    deepLinking: false,
    onComplete: function () {
      var servers = root.querySelector('#servers');
      if (servers) servers.setAttribute('aria-label', 'Server');
    },
  });
})();
