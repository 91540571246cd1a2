// 逾期 / overdue [unit or group]: open items past their deadline (🔴), oldest first, with lead unit and days overdue,
// then the 🟡 items (due within ledger.yellow_within workdays, or extended).
import { z } from 'zod';
import { overdueCard } from '../src/ledger/cards.js';
import { readScope, scopeName } from '../src/ledger/input.js';
import { overdueTasks, type OverdueScope } from '../src/ledger/overdue.js';
import { yellowTasks } from '../src/ledger/light.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'overdue',
  words: { zh: ['逾期', '逾期任务'], en: ['overdue'] },
  summary: { zh: '查看逾期任务', en: 'overdue items' },
  usage: { zh: '逾期 [单位或工作组]', en: 'overdue [unit or group]' },
  examples: ['逾期', '逾期 经开区管委会', '逾期 维稳保障组', 'overdue'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const scope: OverdueScope = {};
    let name: string | undefined;
    if (text) {
      const s = readScope(ctx.org, ctx.t, text);
      if (!s.ok) return { text: s.text };
      if (s.value.kind === 'unit') scope.unitId = s.value.unit.id;
      else scope.groupId = s.value.group.id;
      name = scopeName(s.value);
    }
    const now = ctx.clock.now();
    const [{ today, items }, yellow] = await Promise.all([overdueTasks(ctx.db, ctx.campaign, now, scope), yellowTasks(ctx.db, ctx.campaign, now, scope)]);
    return { card: overdueCard(ctx, items, { today, scope: name, yellow }) };
  },
});
