// 进度 / status [unit or group]: this period per reporting rule — who reported (on time or late), who has not and
// their liaisons — and the open and overdue tasks of each unit; for one unit also its last periods and metric trend.
// `进度 未报` (what 谁还没报 / 哪些单位没报 / 还有谁没交 ask, src/core/questions.ts) answers only the units that have not
// reported, with their liaisons.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { reportingPeriod } from '../src/core/periods.js';
import { leadUnitsOf, matchScope, type Scope } from '../src/org.js';
import { todayIn } from '../src/ledger/overdue.js';
import { phaseLine, phaseOn } from '../src/ledger/phases.js';
import { missingCard, statusCard } from '../src/reports/cards.js';
import { ruleStatus, taskCounts } from '../src/reports/status.js';
import { unitTrend, unitTrendElements } from '../src/reports/unit-trend.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'status',
  words: { zh: ['进度', '报送情况'], en: ['status'] },
  summary: { zh: '本期谁已报送、谁未报送，各单位在办和逾期任务', en: 'who reported this period, who has not, and open and overdue tasks' },
  usage: { zh: '进度 [未报] [单位或工作组]（也可以问：谁还没报）', en: 'status [missing] [unit or group] (or ask: who hasn\'t reported)' },
  examples: ['进度', '进度 维稳保障组', '谁还没报', 'status 区公安局'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text: typed }) {
    const missingOnly = /^(?:未报|未报送|没报|missing)(?=$|\s)/i.exec(typed.trim());
    const text = missingOnly ? typed.trim().slice(missingOnly[0].length).trim() : typed;
    let scope: Scope | undefined;
    if (text.trim()) {
      const m = matchScope(ctx.org, text.trim());
      if (!m.ok) {
        const names = m.candidates.length
          ? m.candidates.map((c) => (c.kind === 'group' ? c.group.name : c.unit.name)).join('、')
          : ctx.org.groups.map((g) => g.name).join('、');
        return {
          text: ctx.t(
            `没有找到「${text.trim()}」。${m.candidates.length ? '您是不是指' : '可以写工作组或单位名称，工作组有'}：${names}`,
            `No unit or group "${text.trim()}". ${m.candidates.length ? 'Did you mean' : 'Groups'}: ${names}`,
          ),
        };
      }
      scope = m.value;
    }
    const now = ctx.clock.now();
    const zone = ctx.campaign.timezone;
    const counts = await taskCounts(ctx.db, ctx.org, now);
    const rules = [...ctx.org.rules].sort((a, b) => a.id - b.id);
    const statuses = await Promise.all(rules.map((r) => ruleStatus(ctx.db, ctx.org, r, reportingPeriod(r, now, zone, calendarOf(ctx.campaign)), now, counts, scope)));
    // A group is shown with its lead units, all of them (a group may have several: seeds/000's 搬迁安置组).
    const leads = scope?.kind === 'group' ? leadUnitsOf(scope.group).map((id) => ctx.org.unit(id)?.name ?? '').filter(Boolean) : [];
    const label = scope ? (scope.kind === 'group' ? `${scope.group.name}${ctx.t(`（牵头：${leads.join('、')}）`, ` (lead: ${leads.join(', ')})`)}` : scope.unit.name) : undefined;
    if (missingOnly) return { card: missingCard(statuses, { org: ctx.org, scope: label, t: ctx.t, lang: ctx.lang }) };
    const phase = phaseLine(ctx.t, phaseOn(ctx.campaign, todayIn(ctx.campaign, now)));
    const card = statusCard(statuses, { org: ctx.org, scope: label, phase, t: ctx.t, lang: ctx.lang });
    // One unit: its last periods too — reports on time or not, and each metric's values (src/reports/unit-trend.ts).
    if (scope?.kind === 'unit') card.body.elements.push(...unitTrendElements(await unitTrend(ctx.db, ctx.org, scope.unit, now), scope.unit, ctx));
    return { card };
  },
});
