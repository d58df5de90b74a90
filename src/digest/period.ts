// Periods and time-zone slots, with Intl only. A period is the subscriber's
// own local date (YYYY-MM-DD); a subscriber is due for it once the local hour
// has reached their send hour (daily), on their weekday (weekly). The planner
// ticks at least hourly, so "has reached" rather than "equals" also catches
// up after a missed tick; Postgres' unique (subscriber, digest) stops a
// second delivery for the same period.

export type Frequency = 'daily' | 'weekly';

export interface LocalTime {
  /** Local date, YYYY-MM-DD: the period. */
  date: string;
  /** Local hour, 0-23. */
  hour: number;
  /** Local day of week, 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export interface Slot {
  timezone: string;
  sendHour: number;
  frequency: Frequency;
  /** 0 = Sunday; only read for weekly subscribers. */
  weekday: number;
}

const PERIOD_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const DAY_MS = 24 * 3600 * 1000;

// Building a DateTimeFormat costs ~50 µs; a planner asks once per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** True for an IANA name Intl knows (bad rows are skipped, not fatal). */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The local date, hour and weekday of a UTC instant in a time zone. */
export function localTime(instant: Date, timezone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour) % 24,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** The period a subscriber is due for at this instant, or null if not due yet. */
export function duePeriod(slot: Slot, instant: Date): string | null {
  const local = localTime(instant, slot.timezone);
  if (local.hour < slot.sendHour) return null;
  if (slot.frequency === 'weekly' && local.weekday !== slot.weekday) return null;
  return local.date;
}

export function isPeriod(value: string): boolean {
  const m = PERIOD_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** Day of week of a period as a calendar date, 0 = Sunday. */
export function periodWeekday(period: string): number {
  if (!isPeriod(period)) throw new RangeError(`not a period: ${period}`);
  return new Date(`${period}T00:00:00Z`).getUTCDay();
}

/** The period length in milliseconds: the first digest's look-back. */
export function periodLengthMs(frequency: Frequency): number {
  return frequency === 'weekly' ? 7 * DAY_MS : DAY_MS;
}

/** Today's period in a time zone (the CLI's default date). */
export function currentPeriod(timezone = 'UTC', instant = new Date()): string {
  return localTime(instant, timezone).date;
}

export interface TimezoneSlot {
  timezone: string;
  period: string;
  hour: number;
  weekday: number;
}

/**
 * For an hourly tick: each time zone's local period, hour and weekday at the
 * instant, grouped by period. A UTC instant spans at most three local dates.
 */
export function slotsByPeriod(timezones: Iterable<string>, instant: Date): Map<string, TimezoneSlot[]> {
  const byPeriod = new Map<string, TimezoneSlot[]>();
  for (const timezone of timezones) {
    if (!isValidTimezone(timezone)) continue;
    const local = localTime(instant, timezone);
    const slots = byPeriod.get(local.date) ?? [];
    slots.push({ timezone, period: local.date, hour: local.hour, weekday: local.weekday });
    byPeriod.set(local.date, slots);
  }
  return byPeriod;
}
