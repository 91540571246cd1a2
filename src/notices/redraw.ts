// A notice's cards where they were sent (the unit's chats, its liaisons, the office) are redrawn when the notice
// changes: patched to the notice as it now is, so a replied notice shows the reply in its history and a closed one has
// no buttons left. A card not delivered yet keeps its first form; a click on it is answered by the command.
import type { Ctx } from '../context.js';
import { deliveredUnder, queue, type Outgoing } from '../outbox.js';
import { campaignView, todayIn, unitChats } from './audience.js';
import { noticeCard } from './cards.js';
import { historyOf, noticeCode, type Notice } from './store.js';

export async function redrawNoticeCards(ctx: Pick<Ctx, 'dbh' | 'db' | 'clock' | 'org' | 'campaign'>, n: Notice): Promise<void> {
  const sent = await deliveredUnder(ctx.dbh, `notice:${ctx.campaign.id}:${noticeCode(n)}:issued`);
  if (!sent.length) return;
  const history = await historyOf(ctx.db, n.id);
  const view = campaignView(ctx.org);
  const today = todayIn(ctx.org, ctx.clock.now());
  const groups = new Set(unitChats(ctx.org, n.unitId));
  // one redraw per change: the history's length names it
  const out = sent.map(
    (s): Outgoing => ({
      dedupeKey: `${s.key}:redraw:${history.length}`,
      campaignId: ctx.campaign.id,
      kind: 'patch',
      target: s.messageId,
      msgType: 'interactive',
      content: noticeCard(view, n, history, { today, mention: groups.has(s.target) }),
    }),
  );
  await queue(ctx.dbh, ctx.clock, out);
}
