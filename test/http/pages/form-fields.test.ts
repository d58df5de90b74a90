// The schedule fields' time zone options are rendered once and reused: the
// chosen zone must still be the one selected, and a typed value escaped.
import { describe, expect, it } from 'vitest';
import { renderScheduleFields } from '../../../src/http/pages/form-fields.js';
import { timeZoneNames } from '../../../src/subscriptions/subscriber-input.js';

const schedule = (timezone: string) =>
  renderScheduleFields({ frequency: 'daily', weekday: '1', sendHour: '7', timezone, timezoneIsDefault: false }, {})
    .value;

describe('renderScheduleFields time zones', () => {
  it('selects exactly the chosen zone, whichever it is, and lists every zone', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/Argentina/Rio_Gallegos']) {
      const out = schedule(zone);
      expect(out.match(/ selected>/g)?.length).toBe(3); // the weekday, the send hour and the zone
      expect(out).toContain(`<option value="${zone}" selected>${zone.replace(/_/g, ' ')}</option>`);
      expect(out.match(/<option value="[^"]*\/?[^"]*"/g)!.length).toBeGreaterThanOrEqual(timeZoneNames().length);
    }
    expect(schedule('Asia/Tokyo')).not.toContain('value="Europe/Paris" selected');
  });

  it('keeps an unknown typed value, escaped and selected, after the known zones', () => {
    const out = schedule('Mars/<b>Olympus</b>');
    expect(out).toContain(
      '<option value="Mars/&lt;b&gt;Olympus&lt;/b&gt;" selected>Mars/&lt;b&gt;Olympus&lt;/b&gt;</option>',
    );
    expect(out).not.toContain('<b>');
    expect(out).not.toContain('value="UTC" selected');
  });
});
