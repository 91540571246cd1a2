// 导出 台账 / export ledger [csv]: the ledger as an .xlsx (or CSV) file, uploaded and sent into this chat.
import { z } from 'zod';
import { exportLedger, ledgerFileName } from '../src/ledger/xlsx.js';
import { listTasks } from '../src/ledger/tasks.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'export ledger',
  words: { zh: ['导出 台账', '导出台账', '台账 导出'], en: ['export ledger'] },
  summary: { zh: '导出台账 Excel 文件', en: 'the ledger as an Excel file' },
  usage: { zh: '导出 台账 [csv]', en: 'export ledger [csv]' },
  examples: ['导出 台账', 'export ledger'],
  roles: ['office', 'commander', 'deputy', 'group_lead'],
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const format = /\bcsv\b/i.test(text) ? 'csv' : 'xlsx';
    const bytes = await exportLedger(ctx.dbh, { campaignName: ctx.campaign.name, format, now: ctx.clock.now() });
    const { total } = await listTasks(ctx.db, ctx.campaign.id, {}, { page: 1, size: 1 });
    const name = ledgerFileName(ctx.campaign, ctx.clock.now(), format);
    return { file: { name, bytes }, text: ctx.t(`台账已导出：共 ${total} 项，文件「${name}」。`, `Ledger exported: ${total} items in "${name}".`) };
  },
});
