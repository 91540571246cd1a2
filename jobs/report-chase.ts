// report-chase: right after a rule's due time, in each group chat and the office chat: the units that missed it.
import { card, esc, md, note } from '../src/lark/cards.js';
import { dueOf, isHeld, periodOf, shiftPeriod } from '../src/core/periods.js';
import { defineJob, type Occasion } from './define.js';
import { formPosts, formRecords } from './report-forms.js';
import { audiences, missingUnits, noLiaisonNotice, noLiaisonRecord, reportTemplate, unitLines, withNotice } from './reporting.js';

export default defineJob({
  name: 'report-chase',
  schedule: 'per reporting rule, one minute after the due time',
  summary: '催报：截止后点名未报送单位；remind_by 含 dm 且本期未发过表单时私信联络员',
  occasions(ctx, from, to) {
    const out: Occasion[] = [];
    for (const rule of ctx.org.rules) {
      let p = shiftPeriod(rule, periodOf(rule, from, ctx.zone), ctx.zone, -1);
      const last = shiftPeriod(rule, periodOf(rule, to, ctx.zone), ctx.zone, 1);
      for (let i = 0; i < 400 && p !== last; i++, p = shiftPeriod(rule, p, ctx.zone, 1)) {
        // A week with no workday asked nobody for a report: nobody is chased for it.
        if (!isHeld(rule, p, ctx.zone, ctx.calendar)) continue;
        const at = dueOf(rule, p, ctx.zone, ctx.calendar).plus({ minutes: 1 });
        // A chase is worth posting until the next morning's work starts; after that the lagging list takes over.
        if (at > from && at <= to) out.push({ period: `${rule.name}:${p}`, at, until: at.plus({ hours: 18 }), data: { ruleId: rule.id, period: p } });
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
    // The chase goes to the group chats and always to the office chat, whatever the rule's reminder chats are.
    const chats = rule.chats.includes('office') ? rule : { ...rule, chats: [...rule.chats, 'office'] };
    const { t, speaker: say } = ctx;
    const posts = audiences(ctx.org, chats, missing).map(({ chatId, units }) => ({
      chatId,
      card: card({
        title: t(`【催报】${rule.name} ${say.period(period, rule)}`, `Missed report: ${rule.name} ${say.period(period, rule)}`),
        subtitle: t(`已过截止时间 ${say.when(due)}`, `The due time ${say.when(due)} has passed`),
        template: 'red',
        elements: [
          md(t('以下单位**未按时报送**，请尽快补报（补报记为逾期报送）：', 'These units **did not report on time**; please report now (it counts as late):') + `\n${unitLines(ctx.org, units)}`),
          md(t('**补报方式**：@督办 发送', '**How to report**: @mention Duban with') + `\n${esc(reportTemplate(ctx))}`),
          note(t('未报送、逾期报送将计入落后单位通报。', 'Missed and late reports count towards the lagging list.')),
        ],
      }),
    }));
    // Units nobody can be @-mentioned for are named to the office, once per period (shared with report-reminder).
    // remind_by: dm — a liaison who has not had this period's form yet (the rule reminds nobody before) gets it now.
    return [...withNotice(posts, await noLiaisonNotice(ctx, rule, period, missing, now)), ...(await formPosts(ctx, rule, period, missing, true))];
  },
  effects: async (ctx, occ, now) => [...(await noLiaisonRecord(ctx, occ, now)), ...(await formRecords(ctx, occ, now))],
});
