// How a subscriber's schedule reads in an email or on a page.
import { WEEKDAYS } from './subscriber-input.js';

export interface Schedule {
  frequency: 'daily' | 'weekly';
  weekday: number;
  sendHour: number;
  timezone: string;
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

const zoneLabels = new Map<string, string>();

/**
 * A zone as people say it: "Eastern Time (New York)", "Central European
 * Time (Paris)", "Coordinated Universal Time". Intl's generic long name,
 * with the city so that zones sharing a name stay apart.
 */
export function timeZoneLabel(timezone: string): string {
  let label = zoneLabels.get(timezone);
  if (label === undefined) {
    try {
      // UTC and Etc/GMT±N have no generic name and no city: their plain long name ("Coordinated Universal Time", "GMT-05:00").
      const fixed = !timezone.includes('/') || timezone.startsWith('Etc/');
      const parts = new Intl.DateTimeFormat('en-GB', {
        timeZone: timezone,
        timeZoneName: fixed ? 'long' : 'longGeneric',
      }).formatToParts(new Date());
      const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? timezone;
      const city = fixed ? '' : timezone.slice(timezone.lastIndexOf('/') + 1).replace(/_/g, ' ');
      label = city && !name.includes(city) ? `${name} (${city})` : name;
    } catch {
      label = timezone;
    }
    zoneLabels.set(timezone, label);
  }
  return label;
}

/** "every day at 07:00 Central European Time (Paris)" or "every Monday at 07:00 Coordinated Universal Time". */
export function describeSchedule(schedule: Schedule): string {
  const when = schedule.frequency === 'weekly' ? `every ${WEEKDAYS[schedule.weekday] ?? 'Monday'}` : 'every day';
  return `${when} at ${hourLabel(schedule.sendHour)} ${timeZoneLabel(schedule.timezone)}`;
}
