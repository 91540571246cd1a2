// report-reminder: before a reporting rule's due time (each remind_before offset), in each bound chat: the rule, the
// due time, and @mentions of the liaisons of units that have not reported yet (remind_by: group, the default); with
// remind_by: dm, each of those liaisons also gets the report form privately, once per period (jobs/report-forms.ts).
// A reminder that would fall on a weekend or holiday moves back to the previous workday at the same time; a period
// with no workday has none.
import { DateTime } from 'luxon';
import { card, esc, md, note } from '../src/lark/cards.js';
import { relativeDay } from '../src/core/dates.js';
import { dueOf, isHeld, periodBounds, periodOf, reminderTimes, shiftPeriod } from '../src/core/periods.js';
import { ruleOptions } from '../src/reports/rule-options.js';
import { defineJob, type Occasion } from './define.js';
import { formPosts, formRecords } from './report-forms.js';
import { audiences, missingUnits, noLiaisonNotice, noLiaisonRecord, reportTemplate, unitLines, withNotice } from './reporting.js';

/** How far ahead a reminder can go out: before the first period after a long holiday (春节) plus a weekend. */
const LOOKAHEAD_DAYS = 20;

export default defineJob({
  name: 'report-reminder',
  schedule: 'per reporting rule, at each remind_before offset before the due time (workdays)',
  summary: '报送提醒：截止前提醒尚未报送的单位，@联络员；remind_by 含 dm 时私信每位联络员一份填报表单',
  occasions(ctx, from, to) {
    const out: Occasion[] = [];
    for (const rule of ctx.org.rules) {
      if (!rule.remindBefore.length) continue;
      // The periods whose reminders can fall in the window: from the period before `from` to those a holiday ahead.
      const horizon = to.plus({ days: LOOKAHEAD_DAYS });
      let p = shiftPeriod(rule, periodOf(rule, from, ctx.zone), ctx.zone, -1);
      for (let i = 0; i < 400 && periodBounds(rule, p, ctx.zone).start <= horizon; i++, p = shiftPeriod(rule, p, ctx.zone, 1)) {
        if (!isHeld(rule, p, ctx.zone, ctx.calendar)) continue;
        const due = dueOf(rule, p, ctx.zone, ctx.calendar);
        for (const { offset, at } of reminderTimes(rule, p, ctx.zone, ctx.calendar)) {
          if (at > from && at <= to) out.push({ period: `${rule.name}:${p}:${offset}`, at, until: due, data: { ruleId: rule.id, period: p } });
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
    const label = say.period(period, rule);
    // 明天 / 后天 / 10天后（周二）: from the day the reminder goes out, not from an assumed offset.
    const rel = relativeDay(DateTime.fromJSDate(now, { zone: ctx.zone }), due, ctx.lang);
    const hhmm = due.toFormat('HH:mm');
    // remind_by: group (the default) posts in the bound chats; dm sends each liaison the form privately (once a period).
    const inChats = ruleOptions(ctx.campaign, rule).remindBy.includes('group');
    const posts = (inChats ? audiences(ctx.org, rule, missing) : []).map(({ chatId, units }) => ({
      chatId,
      card: card({
        title: t(`【报送提醒】${rule.name}`, `Report reminder: ${rule.name}`),
        subtitle: t(`${label} · 截止 ${when}`, `${label} · due ${when}`),
        template: 'orange',
        elements: [
          md(
            t(`**${esc(rule.name)}**（${esc(label)}）将于**${rel} ${hhmm}**截止（${when}），以下单位尚未报送：`, `**${esc(rule.name)}** (${esc(label)}) is due **${rel} ${hhmm}** (${when}); these units have not reported yet:`) +
              `\n${unitLines(ctx.org, units)}`,
          ),
          md(t('**报送方式**：在群里 @督办 发送（可直接复制）：', '**How to report**: @mention Duban in the chat with (copy it):') + `\n${esc(reportTemplate(ctx))}`),
          note(t('已报送的单位不再提醒；重复报送以最后一次为准。', 'Units that have reported get no more reminders; a second report replaces the first.')),
        ],
      }),
    }));
    // Units nobody can be @-mentioned for are named to the office, once per period (shared with report-chase).
    return [...withNotice(posts, await noLiaisonNotice(ctx, rule, period, missing, now)), ...(await formPosts(ctx, rule, period, missing, false))];
  },
  effects: async (ctx, occ, now) => [...(await noLiaisonRecord(ctx, occ, now)), ...(await formRecords(ctx, occ, now))],
});
