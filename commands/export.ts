// 导出 台账 / export ledger [2026Q1] [csv]: the ledger (or one quarter's task list) as an .xlsx (or CSV) file, uploaded
// and sent into this chat, with the 预警 (light), 阶段 and 季度 columns.
import { z } from 'zod';
import { exportLedger, ledgerFileName } from '../src/ledger/xlsx.js';
import { listTasks } from '../src/ledger/tasks.js';
import { readQuarter } from '../src/ledger/input.js';
import { quarterName } from '../src/core/quarters.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'export ledger',
  words: { zh: ['导出 台账', '导出台账', '台账 导出'], en: ['export ledger'] },
  summary: { zh: '导出台账 Excel 文件', en: 'the ledger as an Excel file' },
  usage: { zh: '导出 台账 [季度，如 2026Q1] [csv]', en: 'export ledger [quarter, e.g. 2026Q1] [csv]' },
  examples: ['导出 台账', '导出 台账 2026年第一季度', 'export ledger 2026Q1 csv'],
  roles: ['office', 'commander', 'deputy', 'group_lead'],
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const format = /\bcsv\b/i.test(text) ? 'csv' : 'xlsx';
    // The quarter's task list alone (季度工作任务单): 导出 台账 2026Q1 / 导出 台账 2026年第一季度.
    const rest = text.replace(/\b(csv|xlsx)\b/gi, ' ').trim();
    const quarter = rest ? readQuarter(ctx, rest) : undefined;
    if (quarter && !quarter.ok) return { text: quarter.text };
    const q = quarter?.ok ? quarter.value : undefined;
    const bytes = await exportLedger(ctx.dbh, { campaignName: ctx.campaign.name, format, now: ctx.clock.now(), quarter: q });
    const { total } = await listTasks(ctx.db, ctx.campaign.id, { quarter: q }, { page: 1, size: 1 });
    const name = ledgerFileName(ctx.campaign, ctx.clock.now(), format, q);
    const what = q ? ctx.t(`${quarterName(q, 'zh')}任务单`, `The ${q} task list`) : ctx.t('台账', 'Ledger');
    return { file: { name, bytes }, text: ctx.t(`${what}已导出：共 ${total} 项，文件「${name}」。`, `${what} exported: ${total} items in "${name}".`) };
  },
});
