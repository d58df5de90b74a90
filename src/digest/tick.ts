// The hourly tick: for each local date that some time zone is in right now,
// plan the subscribers whose send hour has come there (weekly ones on their
// weekday) and who have no delivery for that period yet.
import { activeTimezones } from './digest-repo.js';
import { slotsByPeriod } from './period.js';
import { planPeriod, type PlanDeps, type PlanResult } from './planner.js';

/** `now` places the zones; `asOf` (default: the database clock) ends the windows. */
export async function planDueDigests(
  deps: PlanDeps,
  now: Date,
  options: { batchSize?: number; asOf?: Date } = {},
): Promise<PlanResult[]> {
  const timezones = await activeTimezones(deps.db);
  const results: PlanResult[] = [];
  for (const [period, slots] of slotsByPeriod(timezones, now)) {
    // Zones where no one can be due yet (local hour 0 and nobody at 0) still cost one cheap query.
    results.push(
      await planPeriod(deps, period, {
        due: { kind: 'slots', slots },
        now: options.asOf,
        batchSize: options.batchSize,
      }),
    );
  }
  return results;
}
