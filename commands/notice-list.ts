// 督办 列表 [单位] / notice list [unit]: the notices with their state — 待回复, 已逾期 (past due without a reply, by the
// campaign's date), 已回复, 已办结 — the ones in hand first.
import { z } from 'zod';
import { readUnit } from '../src/ledger/input.js';
import { todayIn } from '../src/notices/audience.js';
import { noticeListCard } from '../src/notices/cards.js';
import { latestReplies, listNotices } from '../src/notices/store.js';
import { defineCommand } from './define.js';

/** A list card holds this many notices; the rest are named by count (the full history is in each notice). */
const MAX_ROWS = 100;

export default defineCommand({
  name: 'notice list',
  words: { zh: ['督办 列表', '督办 清单', '督办单 列表'], en: ['notice list', 'notices'] },
  summary: { zh: '督办单列表：待回复、已逾期、已回复、已办结', en: 'the notices and their state' },
  usage: { zh: '督办 列表 [单位]', en: 'notice list [unit]' },
  examples: ['督办 列表', '督办 列表 区公安局', 'notice list'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const q = text.trim();
    const unit = q ? readUnit(ctx.org, ctx.t, q) : undefined;
    if (unit && !unit.ok) return { text: unit.text };
    const rows = await listNotices(ctx.db, ctx.campaign.id, unit?.ok ? unit.value.id : undefined);
    const shown = rows.slice(0, MAX_ROWS);
    const replies = await latestReplies(ctx.db, shown.map((n) => n.id));
    return { card: noticeListCard(ctx, shown, { today: todayIn(ctx.org, ctx.clock.now()), scope: unit?.ok ? unit.value.name : undefined, replies }) };
  },
});
