// report-reminder: before a reporting rule's due time (each remind_before offset), in each bound chat: the rule, the
// due time, and @mentions of the liaisons of units that have not reported yet. A reminder that would fall on a
// weekend or holiday moves back to the previous workday at the same time.
import { card, esc, md, note } from '../src/lark/cards.js';
import { dueOf, durationMs, periodOf, shiftPeriod } from '../src/core/periods.js';
import { defineJob, type Occasion } from './define.js';
import { backToWorkday } from './occasions.js';
import { audiences, missingUnits, noLiaisonNotice, reportTemplate, unitLines, withNotice } from './reporting.js';

export default defineJob({
  name: 'report-reminder',
  schedule: 'per reporting rule, at each remind_before offset before the due time (workdays)',
  summary: '报送提醒：截止前提醒尚未报送的单位，@联络员',
  occasions(ctx, from, to) {
    const out: Occasion[] = [];
    for (const rule of ctx.org.rules) {
      const offsets = rule.remindBefore.map((o) => ({ o, ms: durationMs(o) })).filter((x) => x.ms > 0);
      if (!offsets.length) continue;
      // The periods whose reminders can fall in the window: from the period of `from` to one past `to`'s.
      let p = shiftPeriod(rule, periodOf(rule, from, ctx.zone), ctx.zone, -1);
      const last = shiftPeriod(rule, periodOf(rule, to, ctx.zone), ctx.zone, 2);
      for (let i = 0; i < 400 && p !== last; i++, p = shiftPeriod(rule, p, ctx.zone, 1)) {
        const due = dueOf(rule, p, ctx.zone, ctx.calendar);
        for (const { o, ms } of offsets) {
          const at = backToWorkday(ctx.calendar, due.minus({ milliseconds: ms }));
          if (at > from && at <= to && at < due) out.push({ period: `${rule.name}:${p}:${o}`, at, until: due, data: { ruleId: rule.id, period: p } });
        }
      }
    }
    return out;
  },
  async posts(ctx, occ, now) {
    const rule = ctx.org.rules.find((r) => r.id === occ.data?.ruleId);
    if (!rule) return [];
    const period = String(occ.data?.period);
    const due = dueOf(rule, period, ctx.zone, ctx.calendar);
    const missing = await missingUnits(ctx.db, ctx.org, rule, period);
    const { t, speaker: say } = ctx;
    const when = say.when(due);
    const posts = audiences(ctx.org, rule, missing).map(({ chatId, units }) => ({
      chatId,
      card: card({
        title: t(`【报送提醒】${rule.name}`, `Report reminder: ${rule.name}`),
        subtitle: t(`${say.period(period)} · 截止 ${when}`, `${say.period(period)} · due ${when}`),
        template: 'orange',
        elements: [
          md(t(`**${esc(rule.name)}**将于 **${when}** 截止，以下单位尚未报送：`, `**${esc(rule.name)}** is due **${when}**; these units have not reported yet:`) + `\n${unitLines(ctx.org, units)}`),
          md(t('**报送方式**：在群里 @督办 发送（可直接复制）：', '**How to report**: @mention Duban in the chat with (copy it):') + `\n${esc(reportTemplate(ctx))}`),
          note(t('已报送的单位不再提醒；重复报送以最后一次为准。', 'Units that have reported get no more reminders; a second report replaces the first.')),
        ],
      }),
    }));
    // Units nobody can be @-mentioned for are named to the office, once per period (shared with report-chase).
    return withNotice(posts, await noLiaisonNotice(ctx, rule, period, missing, now));
  },
  async effects(ctx, occ, now) {
    const rule = ctx.org.rules.find((r) => r.id === occ.data?.ruleId);
    if (!rule) return [];
    const period = String(occ.data?.period);
    const notice = await noLiaisonNotice(ctx, rule, period, await missingUnits(ctx.db, ctx.org, rule, period), now);
    return notice ? [notice.record] : [];
  },
});
