import { describe, expect, it } from 'vitest';
import { duePeriod, isPeriod, localTime, periodWeekday, slotsByPeriod } from '../../src/digest/period.js';

describe('digest periods and time-zone slots', () => {
  it('a daily subscriber in Asia/Tokyo with send hour 7 is due at 22:00 UTC the day before', () => {
    const slot = { timezone: 'Asia/Tokyo', sendHour: 7, frequency: 'daily' as const, weekday: 1 };
    expect(duePeriod(slot, new Date('2026-11-11T21:59:59Z'))).toBeNull();
    expect(duePeriod(slot, new Date('2026-11-11T22:00:00Z'))).toBe('2026-11-12');
    // Later the same local day it is still due (catch-up after a missed tick).
    expect(duePeriod(slot, new Date('2026-11-12T10:00:00Z'))).toBe('2026-11-12');
  });

  it('follows daylight saving time (America/New_York, send hour 7)', () => {
    const slot = { timezone: 'America/New_York', sendHour: 7, frequency: 'daily' as const, weekday: 1 };
    expect(duePeriod(slot, new Date('2026-07-01T11:00:00Z'))).toBe('2026-07-01'); // EDT, UTC-4
    expect(duePeriod(slot, new Date('2026-12-01T11:00:00Z'))).toBeNull(); // EST, UTC-5: 06:00 local
    expect(duePeriod(slot, new Date('2026-12-01T12:00:00Z'))).toBe('2026-12-01');
  });

  it('weekly subscribers are due only on their weekday, in their own zone', () => {
    const slot = { timezone: 'Asia/Tokyo', sendHour: 7, frequency: 'weekly' as const, weekday: 4 }; // Thursday
    // 2026-11-11T22:00Z is Thursday 12 Nov 07:00 in Tokyo but Wednesday in UTC.
    expect(duePeriod(slot, new Date('2026-11-11T22:00:00Z'))).toBe('2026-11-12');
    expect(duePeriod({ ...slot, weekday: 3 }, new Date('2026-11-11T22:00:00Z'))).toBeNull();
  });

  it('reads local date, hour and weekday with Intl', () => {
    expect(localTime(new Date('2026-11-11T22:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2026-11-12',
      hour: 7,
      weekday: 4,
    });
    expect(localTime(new Date('2026-11-11T00:30:00Z'), 'America/Los_Angeles')).toEqual({
      date: '2026-11-10',
      hour: 16,
      weekday: 2,
    });
  });

  it('groups time zones by the local date they are in, skipping unknown zones', () => {
    const slots = slotsByPeriod(
      ['UTC', 'Asia/Tokyo', 'Pacific/Honolulu', 'Not/AZone'],
      new Date('2026-11-11T22:00:00Z'),
    );
    expect([...slots.keys()].sort()).toEqual(['2026-11-11', '2026-11-12']);
    expect(slots.get('2026-11-12')!.map((s) => s.timezone)).toEqual(['Asia/Tokyo']);
    expect(slots.get('2026-11-11')!.map((s) => [s.timezone, s.hour])).toEqual([
      ['UTC', 22],
      ['Pacific/Honolulu', 12],
    ]);
  });

  it('validates periods as real dates', () => {
    expect(isPeriod('2026-11-12')).toBe(true);
    expect(isPeriod('2026-02-30')).toBe(false);
    expect(isPeriod('2026-1-2')).toBe(false);
    expect(periodWeekday('2026-11-12')).toBe(4);
  });
});
