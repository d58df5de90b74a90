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

/** "every day at 07:00 (Europe/Paris)" or "every Monday at 07:00 (UTC)". */
export function describeSchedule(schedule: Schedule): string {
  const when = schedule.frequency === 'weekly' ? `every ${WEEKDAYS[schedule.weekday] ?? 'Monday'}` : 'every day';
  return `${when} at ${hourLabel(schedule.sendHour)} (${schedule.timezone})`;
}
