// 任务 新增 / task add: put a new item in the ledger (台账) — title, lead unit, cooperating units, deadline, group, target.
import { z } from 'zod';
import { taskCard } from '../src/ledger/cards.js';
import { overdueOf } from '../src/ledger/overdue.js';
import { readDeadline, readGroup, readPhase, readQuarter, readUnit, readUnits } from '../src/ledger/input.js';
import { ADDERS, groupRefusal, mayAddInGroup } from '../src/ledger/rules.js';
import { addTask, historyOf, taskCode } from '../src/ledger/tasks.js';
import { matchGroup } from '../src/org.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'task add',
  words: { zh: ['任务 新增', '任务 添加', '新增任务'], en: ['task add', 'add task'] },
  summary: { zh: '新增台账任务', en: 'add a ledger item' },
  usage: {
    zh: '任务 新增 <重点工作事项> 牵头：<主责部门> 配合：<配合部门> 截止：<完成时限> [工作组：<协调推动组>] [目标：<具体任务目标>] [阶段：<工作阶段>] [季度：2026Q1]',
    en: 'task add <title> lead:<unit> with:<units> due:<date> [group:<group>] [target:<text>] [phase:<phase>] [quarter:2026Q1]',
  },
  examples: [
    '任务 新增 完成周转房消防通道整治 牵头：区消防支队 配合：新河街道办事处、区城市管理委 截止：12月31日 工作组：综合管理组',
    'task add Repair road surfaces lead:经开区管委会 with:泰达城发集团 due:next friday group:安全保障组',
    '任务 新增 完成轨道交通Z2线征收入户调查 牵头：区住房建设委 截止：3月31日 季度：2026年第一季度',
  ],
  roles: ADDERS,
  keys: {
    lead: ['lead', '牵头', '牵头单位', '主责', '主责部门', '主责单位'],
    with: ['with', '配合', '配合单位', '配合部门'],
    due: ['due', 'deadline', '截止', '截止日期', '完成时限', '时限'],
    group: ['group', '工作组', '协调推动组'],
    target: ['target', '目标', '任务目标', '具体任务目标'],
    phase: ['phase', '阶段', '所属阶段'],
    quarter: ['quarter', '季度'],
  },
  args: z.object({
    text: z.string().min(1, { message: '请写明任务（重点工作事项）' }),
    lead: z.string({ message: '请写明主责（牵头）单位，如「牵头：区公安局」' }).min(1, { message: '请写明主责（牵头）单位' }),
    with: z.string().optional(),
    due: z.string({ message: '请写明完成时限，如「截止：12月31日」' }).min(1, { message: '请写明完成时限' }),
    group: z.string().optional(),
    target: z.string().optional(),
    phase: z.string().optional(),
    quarter: z.string().optional(),
  }),
  allow(ctx, args) {
    if (!args.group) return true;
    const g = matchGroup(ctx.org, args.group);
    // An unknown group is answered by handle(), with candidates.
    if (!g.ok || mayAddInGroup(ctx.actor, g.value.id)) return true;
    return { refused: groupRefusal(ctx.org, ctx.actor, g.value.name, ctx.t) };
  },
  async handle(ctx, args) {
    const lead = readUnit(ctx.org, ctx.t, args.lead);
    if (!lead.ok) return { text: lead.text };
    const coop = readUnits(ctx.org, ctx.t, args.with);
    if (!coop.ok) return { text: coop.text };
    const group = args.group ? readGroup(ctx.org, ctx.t, args.group) : undefined;
    if (group && !group.ok) return { text: group.text };
    const due = readDeadline(ctx, args.due);
    if (!due.ok) return { text: due.text };
    const phase = args.phase ? readPhase(ctx, args.phase) : undefined;
    if (phase && !phase.ok) return { text: phase.text };
    const quarter = args.quarter ? readQuarter(ctx, args.quarter) : undefined;
    if (quarter && !quarter.ok) return { text: quarter.text };
    const task = await addTask(
      ctx.dbh,
      ctx.campaign.id,
      {
        title: args.text,
        target: args.target ?? '',
        leadUnitId: lead.value.id,
        cooperatingUnitIds: coop.value.filter((u) => u.id !== lead.value.id).map((u) => u.id),
        groupId: group?.ok ? group.value.id : null,
        deadline: due.value,
        source: 'chat',
        phase: phase?.ok ? phase.value : null,
        quarter: quarter?.ok ? quarter.value : null,
      },
      { by: ctx.actor.person.id, at: ctx.clock.now() },
    );
    ctx.log.info('task added', { task: taskCode(task) });
    return { card: taskCard(ctx, task, await historyOf(ctx.db, task.id), overdueOf(ctx.campaign, task, ctx.clock.now())) };
  },
});
