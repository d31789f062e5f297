import { beijingDate } from '../../domain/beijing-time';
import { addWorkingDays, workingDaysBetween } from '../../domain/working-days';
import type { Deps } from '../deps';
import { supplementReminderMessages } from './messages';

/**
 * Reminds applicants whose 补正 deadline is near (≤ DUE_SOON_DAYS working days). Run periodically;
 * each reminder has a dedupe key, so running again sends nothing twice. Returns how many were added.
 */
export async function enqueueSupplementReminders(deps: Deps): Promise<number> {
  if (!deps.config.smtp) return 0;
  const cal = await deps.calendars.calendar();
  const now = deps.clock.now();
  const today = beijingDate(now);
  let added = 0;
  for (let offset = 0; ; offset += 200) {
    const page = await deps.store.listCases({ stage: 'supplement_requested', limit: 200, offset });
    for (const c of page.rows.filter((x) => x.applicant.email)) {
      const events = await deps.store.listStageEvents(c.id);
      const notice = [...events].reverse().find((e) => e.kind === 'stage' && e.toStage === 'supplement_requested');
      if (!notice) continue;
      const due = addWorkingDays(beijingDate(notice.at), deps.config.supplementDays, cal);
      if (due.kind !== 'date' || due.date < today) continue;
      const left = workingDaysBetween(today, due.date, cal);
      if (left === null || left > deps.config.dueSoonDays) continue;
      added += await deps.store.enqueueOutbox(c.id, supplementReminderMessages(deps.config, c, due.date, notice.seq), now.toISOString());
    }
    if (page.rows.length < 200) return added;
  }
}
