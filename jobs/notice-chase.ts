// notice-chase: every workday at 09:30, each notice past its deadline without a reply (督办单逾期未回复) is chased in
// its unit's working-group chats, @-mentioning the unit's liaisons, and the office chat gets the whole list. A notice
// is chased from the first workday after its deadline until the unit replies or the notice is closed. The occasion is
// the day, so the runner's ledger sends each chat's chase once a day; each chase is kept in the notice's history.
import { chaseCard } from '../src/notices/cards.js';
import { campaignView, officeChat, unitChats } from '../src/notices/audience.js';
import { chasedStatement, unansweredOverdue, type Notice } from '../src/notices/store.js';
import { defineJob, timeOf } from './define.js';
import { dailyAt, isWorkday } from './occasions.js';

export default defineJob({
  name: 'notice-chase',
  schedule: 'workdays 09:30',
  summary: '督办催办：逾期未回复的督办单，每个工作日在责任单位的工作群 @联络员 催办，并告知办公室',
  occasions(ctx, from, to) {
    return dailyAt(from, to, timeOf(ctx, 'notice-chase', '09:30'))
      .filter((d) => isWorkday(ctx.calendar, d))
      .map((d) => ({ period: d.toISODate()!, at: d, until: d.endOf('day') }));
  },
  async posts(ctx, occ) {
    const today = occ.period;
    const due = await unansweredOverdue(ctx.db, ctx.campaign.id, today);
    if (!due.length) return [];
    const view = campaignView(ctx.org);
    const byChat = new Map<string, Notice[]>();
    for (const n of due) for (const chat of unitChats(ctx.org, n.unitId)) byChat.set(chat, [...(byChat.get(chat) ?? []), n]);
    const office = officeChat(ctx.org);
    const posts = [...byChat].filter(([chat]) => chat !== office).map(([chatId, list]) => ({ chatId, card: chaseCard(view, list, { today, mention: true, office: false }) }));
    if (office) posts.push({ chatId: office, card: chaseCard(view, due, { today, mention: false, office: true }) });
    return posts;
  },
  async effects(ctx, occ, now) {
    const due = await unansweredOverdue(ctx.db, ctx.campaign.id, occ.period);
    return due.map((n) => chasedStatement(ctx.dbh, n, now, occ.period));
  },
});
