// 任务 列表 / task list [unit or group] [quarter] [phase] [全部] [第2页]: the ledger, filtered by a unit (lead or
// cooperating) or a group, by the quarter's task list (2026Q1, 2026年第一季度) or by a phase, paged, each item with its
// light (红黄绿灯) and, where the office has yet to decide, 待审核.
import { awaitingReview } from '../src/ledger/requests.js';
import { z } from 'zod';
import { parseQuarter, quarterName } from '../src/core/quarters.js';
import { listCard } from '../src/ledger/cards.js';
import { readPage, readScope, scopeName } from '../src/ledger/input.js';
import { lightsOf } from '../src/ledger/light.js';
import { todayIn } from '../src/ledger/overdue.js';
import { findPhase } from '../src/ledger/phases.js';
import { listTasks, type TaskFilter } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

const PAGE_SIZE = 10;
const ALL = /(^|\s)(全部|所有|all)(?=\s|$)/i;
// A quarter written anywhere in the filter: 2026Q1, 2026-Q1, 2026年第一季度, 2026年一季度.
const QUARTER = /(^|\s)(\d{4}\s*[-_/.]?\s*[Qq]\s*[1-4]|[Qq]\s*[1-4]\s+\d{4}|[\d〇零一二三四五六七八九]{4}\s*年\s*(?:第\s*)?[1-4一二三四]\s*季度?)(?=\s|$)/;

export default defineCommand({
  name: 'task list',
  words: { zh: ['任务 列表', '任务列表', '台账'], en: ['task list', 'tasks'] },
  summary: { zh: '查看台账任务（可按单位、工作组、季度或阶段筛选）', en: 'the ledger, by unit, group, quarter or phase' },
  usage: { zh: '任务 列表 [单位或工作组] [季度，如 2026Q1] [阶段] [全部] [第2页]', en: 'task list [unit or group] [quarter, e.g. 2026Q1] [phase] [all] [page 2]' },
  examples: ['任务 列表', '任务 列表 经开区管委会', '任务 列表 2026年第一季度', '任务 列表 维稳保障组 第2页', 'task list 2026Q1 all'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const { page, rest } = readPage(text);
    const all = ALL.test(rest);
    let q = rest.replace(ALL, ' ').trim();
    const filter: TaskFilter = all ? {} : { statuses: ['open'] };
    const labels: string[] = [];
    const words: string[] = [];
    const qm = QUARTER.exec(q);
    if (qm) {
      const quarter = parseQuarter(qm[2]!);
      if (!quarter) return { text: ctx.t(`无法识别季度「${qm[2]}」。可写 2026Q1 或 2026年第一季度。`, `Cannot read the quarter "${qm[2]}". Write it like 2026Q1.`) };
      filter.quarter = quarter;
      labels.push(quarterName(quarter, ctx.lang));
      words.push(quarter);
      q = (q.slice(0, qm.index) + ' ' + q.slice(qm.index + qm[0].length)).trim();
    }
    // A phase named in full (集中攻坚), alone or beside a unit, filters by phase; the rest is a unit or a group.
    const parts = q.split(/\s+/).filter(Boolean);
    const phase = findPhase(ctx.campaign, q) ?? parts.map((w) => findPhase(ctx.campaign, w)).find(Boolean);
    if (phase) {
      filter.phase = phase.name;
      labels.push(phase.name);
      words.push(phase.name);
      q = findPhase(ctx.campaign, q) ? '' : parts.filter((w) => findPhase(ctx.campaign, w) !== phase).join(' ');
    }
    if (q) {
      const s = readScope(ctx.org, ctx.t, q);
      if (!s.ok) return { text: s.text };
      if (s.value.kind === 'unit') filter.unitId = s.value.unit.id;
      else filter.groupId = s.value.group.id;
      labels.push(scopeName(s.value));
      words.push(scopeName(s.value));
    }
    const { rows, total } = await listTasks(ctx.db, ctx.campaign.id, filter, { page, size: PAGE_SIZE });
    if (!rows.length && total > 0) {
      return { text: ctx.t(`只有 ${Math.ceil(total / PAGE_SIZE)} 页。`, `There are only ${Math.ceil(total / PAGE_SIZE)} pages.`) };
    }
    const now = ctx.clock.now();
    const lights = await lightsOf(ctx.db, ctx.campaign, rows, now);
    const review = await awaitingReview(ctx.db, rows.filter((r) => r.status === 'open').map((r) => r.id));
    const scope = labels.length ? labels.join(' · ') : undefined;
    return { card: listCard(ctx, rows, { total, page, size: PAGE_SIZE, scope, query: words.join(' ') || undefined, all, today: todayIn(ctx.campaign, now), lights, review }) };
  },
});
