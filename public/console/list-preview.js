// Live rule preview on the list form: as the admin types, the form is sent
// to /admin/lists/preview (nothing is saved) and the answer replaces the
// preview. Without JavaScript the "Preview the rule" button does the same
// with a full page.
(function () {
  var form = document.getElementById('list-form');
  var target = document.getElementById('rule-preview');
  if (!form || !target || !window.fetch) return;
  var timer = null;
  var latest = 0;
  function refresh() {
    var ticket = ++latest;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute('data-preview-url'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': form.elements._csrf.value },
      body: body,
    })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(new Error(String(response.status)));
      })
      .then(function (markup) {
        // Only the newest answer counts: a slow early one must not win.
        if (ticket === latest) target.innerHTML = markup;
      })
      .catch(function () {});
  }
  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
