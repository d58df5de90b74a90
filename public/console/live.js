// Live figures without a reload: an element with data-live-url is refreshed
// from that JSON every two seconds. Each key of the answer fills the
// [data-field] element of the same name (a <progress> gets its value); the
// polling stops once the answer says final. No inline script: CSP-friendly.
(function () {
  var box = document.querySelector('[data-live-url]');
  if (!box || !window.fetch || box.getAttribute('data-live-final') === 'yes') return;
  var url = box.getAttribute('data-live-url');
  function apply(data) {
    Object.keys(data).forEach(function (key) {
      box.querySelectorAll('[data-field="' + key + '"]').forEach(function (el) {
        if (el.tagName === 'PROGRESS') el.value = data[key];
        else el.textContent = String(data[key]);
        if (el.classList.contains('status')) el.className = 'status status-' + data[key];
      });
    });
    box.setAttribute('data-live-final', data.final ? 'yes' : 'no');
  }
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(new Error(String(response.status)));
      })
      .then(function (data) {
        apply(data);
        if (!data.final) setTimeout(poll, 2000);
      })
      .catch(function () {
        setTimeout(poll, 5000);
      });
  }
  setTimeout(poll, 1000);
})();
