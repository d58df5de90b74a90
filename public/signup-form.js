// Progressive enhancement for the sign-up and preference forms. Without it
// the forms work as they are (time zone UTC, weekday always shown).
(function () {
  'use strict';
  var zone = document.getElementById('timezone');
  if (zone && zone.getAttribute('data-default') === 'true') {
    var browserZone;
    try {
      browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      browserZone = '';
    }
    if (browserZone) {
      var known = false;
      for (var i = 0; i < zone.options.length; i += 1) {
        if (zone.options[i].value === browserZone) known = true;
      }
      if (!known) zone.add(new Option(browserZone, browserZone));
      zone.value = browserZone;
    }
  }
  // The weekday matters only for weekly digests.
  var weekdayField = document.querySelector('[data-weekday-field]');
  var weekly = document.getElementById('frequency-weekly');
  var daily = document.getElementById('frequency-daily');
  function syncWeekday() {
    if (weekdayField && weekly) weekdayField.hidden = !weekly.checked;
  }
  if (weekly && daily) {
    weekly.addEventListener('change', syncWeekday);
    daily.addEventListener('change', syncWeekday);
    syncWeekday();
  }
  // After a failed submit, move focus to the error summary so it is read out.
  var summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
})();
