// CSV import with progress: the file goes up as text/csv with the form's
// options in the query, the upload's progress shows in a bar, and the
// server's report replaces the report area. Without JavaScript the form
// posts the file as multipart and the report comes back as a page.
(function () {
  var form = document.getElementById('import-form');
  if (!form || !window.XMLHttpRequest) return;
  var box = document.getElementById('import-progress');
  var bar = document.getElementById('import-bar');
  var text = document.getElementById('import-progress-text');
  var report = document.getElementById('import-report');
  var button = form.querySelector('button[type=submit]');
  form.addEventListener('submit', function (event) {
    var file = form.elements.file.files[0];
    if (!file) return;
    event.preventDefault();
    var query = new URLSearchParams({ status: form.elements.status.value, existing: form.elements.existing.value });
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action') + '?' + query.toString());
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('X-CSRF-Token', form.elements._csrf.value);
    box.hidden = false;
    bar.value = 0;
    text.textContent = '0%';
    button.disabled = true;
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      text.textContent = pct < 100 ? pct + '%' : 'Uploaded; importing…';
    });
    xhr.addEventListener('load', function () {
      button.disabled = false;
      text.textContent = 'Done';
      report.innerHTML = xhr.responseText;
      var heading = report.querySelector('h2');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    });
    xhr.addEventListener('error', function () {
      button.disabled = false;
      text.textContent = 'The upload failed. Check the connection and try again.';
    });
    xhr.send(file);
  });
})();
