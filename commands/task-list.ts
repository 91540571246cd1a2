// 任务 列表 / task list [unit or group] [全部] [第2页]: the ledger, filtered by a unit (lead or cooperating) or a group, paged.
import { awaitingReview } from '../src/ledger/requests.js';
import { z } from 'zod';
import { listCard } from '../src/ledger/cards.js';
import { readPage, readScope, scopeName } from '../src/ledger/input.js';
import { todayIn } from '../src/ledger/overdue.js';
import { listTasks, type TaskFilter } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

const PAGE_SIZE = 10;
const ALL = /(^|\s)(全部|所有|all)(?=\s|$)/i;

export default defineCommand({
  name: 'task list',
  words: { zh: ['任务 列表', '任务列表', '台账'], en: ['task list', 'tasks'] },
  summary: { zh: '查看台账任务（可按单位或工作组筛选）', en: 'the ledger, by unit or group' },
  usage: { zh: '任务 列表 [单位或工作组] [全部] [第2页]', en: 'task list [unit or group] [all] [page 2]' },
  examples: ['任务 列表', '任务 列表 经开区管委会', '任务 列表 维稳保障组 第2页', 'task list all page 2'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const { page, rest } = readPage(text);
    const all = ALL.test(rest);
    const q = rest.replace(ALL, ' ').trim();
    const filter: TaskFilter = all ? {} : { statuses: ['open'] };
    let scope: string | undefined;
    if (q) {
      const s = readScope(ctx.org, ctx.t, q);
      if (!s.ok) return { text: s.text };
      if (s.value.kind === 'unit') filter.unitId = s.value.unit.id;
      else filter.groupId = s.value.group.id;
      scope = scopeName(s.value);
    }
    const { rows, total } = await listTasks(ctx.db, ctx.campaign.id, filter, { page, size: PAGE_SIZE });
    if (!rows.length && total > 0) {
      return { text: ctx.t(`只有 ${Math.ceil(total / PAGE_SIZE)} 页。`, `There are only ${Math.ceil(total / PAGE_SIZE)} pages.`) };
    }
    const review = await awaitingReview(ctx.db, rows.filter((r) => r.status === 'open').map((r) => r.id));
    return { card: listCard(ctx, rows, { total, page, size: PAGE_SIZE, scope, all, today: todayIn(ctx.campaign, ctx.clock.now()), review }) };
  },
});
