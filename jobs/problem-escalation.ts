// problem-escalation: daily at 10:00 on workdays, a problem unresolved past its level's limit (group 3 workdays,
// deputy 5, office 5) moves up one level and is posted once to the next level's chat. Each step is its own occasion,
// so a restart or a second server neither repeats the step nor its post.
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { problems } from '../db/schema.js';
import { escalationCard } from '../src/problems/cards.js';
import { CHAT_OF_LEVEL, LIMIT_WORKDAYS, nextLevel, workdaysSince, type Problem } from '../src/problems/ladder.js';
import { openProblems } from '../src/problems/store.js';
import { chatOf } from '../src/org.js';
import { defineJob, timeOf, type Occasion } from './define.js';


export default defineJob({
  name: 'problem-escalation',
  schedule: 'workdays 10:00',
  summary: '问题升级：超过时限未解决的问题逐级提请（工作组→副组长→办公室→组长）',
  async occasions(ctx, from, to) {
    const out: Occasion[] = [];
    const [hour, minute] = timeOf(ctx, 'problem-escalation', '10:00').split(':').map(Number);
    const AT = { hour: hour!, minute: minute!, second: 0, millisecond: 0 };
    for (const p of await openProblems(ctx.db, ctx.campaign.id)) {
      const to_ = nextLevel(p.level);
      if (p.level === 'commander' || !to_) continue;
      const limit = LIMIT_WORKDAYS[p.level];
      // The first workday at 10:00 on which the problem has waited `limit` workdays at its level.
      let d = DateTime.fromISO(p.levelSince, { zone: ctx.zone }).startOf('day');
      for (let i = 0; i < 60; i++, d = d.plus({ days: 1 })) {
        const at = d.set(AT);
        if (!ctx.calendar.isWorkday(d.toISODate()!) || workdaysSince(p.levelSince, at.toJSDate(), ctx.zone, ctx.calendar) < limit) continue;
        if (at > from && at <= to) out.push({ period: `P${p.seq}:${p.level}>${to_}`, at, until: at.plus({ days: 3 }), data: { id: p.id, from: p.level, to: to_ } });
        break;
      }
    }
    return out;
  },
  async posts(ctx, occ, now) {
    const p = await current(ctx.db, occ);
    if (!p) return [];
    const to = occ.data!.to as Problem['level'];
    const chatId = chatOf(ctx.org, CHAT_OF_LEVEL[to as keyof typeof CHAT_OF_LEVEL]);
    return chatId ? [{ chatId, card: escalationCard(ctx.org, p, to as Exclude<Problem['level'], 'group'>, now, ctx.calendar, ctx.lang) }] : [];
  },
  async effects(ctx, occ, now) {
    const p = await current(ctx.db, occ);
    if (!p) return [];
    // Guarded by the level it was read at: a manual step or a resolution in between wins.
    return [
      ctx.db
        .update(problems)
        .set({ level: occ.data!.to as Problem['level'], levelSince: now.toISOString() })
        .where(and(eq(problems.id, p.id), eq(problems.level, p.level), eq(problems.status, 'open'))),
    ];
  },
});

/** The problem as it is now, if it is still open at the level the occasion was computed from. */
async function current(db: import('../db/client.js').Db, occ: Occasion): Promise<Problem | undefined> {
  const [p] = await db.select().from(problems).where(eq(problems.id, Number(occ.data?.id)));
  return p && p.status === 'open' && p.level === occ.data?.from ? p : undefined;
}
