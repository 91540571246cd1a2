// 问题 列表 / problem list [全部]: the problem list (问题清单) with each problem's level, age in workdays and owner.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { problemListCard } from '../src/problems/cards.js';
import { allProblems, openProblems } from '../src/problems/store.js';
import { defineCommand } from './define.js';

const ALL = ['全部', '所有', '含已解决', 'all'];

export default defineCommand({
  name: 'problem list',
  words: { zh: ['问题 列表', '问题清单', '问题列表'], en: ['problem list', 'problems'] },
  summary: { zh: '查看问题清单：层级、已持续工作日、责任方', en: 'the problem list: level, age, owner' },
  usage: { zh: '问题 列表 [全部]', en: 'problem list [all]' },
  examples: ['问题 列表', '问题 列表 全部', 'problem list'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async handle(ctx, { text }) {
    const all = ALL.includes(text.trim().toLowerCase());
    const list = all ? await allProblems(ctx.db, ctx.campaign.id) : await openProblems(ctx.db, ctx.campaign.id);
    const cal = calendarOf(ctx.campaign);
    return { card: problemListCard(ctx.org, list, ctx.clock.now(), cal, ctx.lang, { all }) };
  },
});
