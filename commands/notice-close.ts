// 督办 办结 D3 [说明] / notice close D3 [note]: close a notice — by its issuer, or the office or the commander (the
// office keeps the notices; a deputy closes the ones they issued). The unit's liaisons hear that it is closed.
import { z } from 'zod';
import { roleList } from './define.js';
import { campaignView, mayClose, todayIn } from '../src/notices/audience.js';
import { noticeCard } from '../src/notices/cards.js';
import { loadNotice, readNoticeRef, unknownNotice } from '../src/notices/input.js';
import { redrawNoticeCards } from '../src/notices/redraw.js';
import { closeNotice, historyOf, noticeCode } from '../src/notices/store.js';
import { liaisonsOf } from '../src/org.js';
import { queue } from '../src/outbox.js';
import { defineCommand } from './define.js';

const USAGE = { zh: '督办 办结 <编号> [说明]', en: 'notice close <id> [note]' };

export default defineCommand({
  name: 'notice close',
  words: { zh: ['督办 办结', '办结督办', '办结'], en: ['notice close'] },
  summary: { zh: '办结督办单（督办人、办公室或组长）', en: 'close a notice (issuer, office or commander)' },
  usage: USAGE,
  examples: ['督办 办结 D3 整改到位', 'notice close D3 done'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async allow(ctx, { text }) {
    const ref = readNoticeRef(ctx.t, text, USAGE);
    const n = ref.ok ? await loadNotice(ctx, ref.seq) : undefined;
    if (!n || mayClose(ctx.actor, n)) return true;
    const issuer = ctx.org.people.find((p) => p.id === n.issuedBy)?.name;
    const roles = roleList(['office', 'commander'], ctx.lang);
    return { refused: ctx.t(`只有督办人${issuer ? `（${issuer}）` : ''}、${roles}可以办结督办单 ${noticeCode(n)}。`, `Only the issuer${issuer ? ` (${issuer})` : ''}, the ${roles} may close notice ${noticeCode(n)}.`) };
  },
  async handle(ctx, { text }) {
    const { t, org } = ctx;
    const ref = readNoticeRef(t, text, USAGE);
    if (!ref.ok) return { text: ref.text };
    const n = await loadNotice(ctx, ref.seq);
    if (!n) return unknownNotice(t, ref.seq);
    const code = noticeCode(n);
    if (n.status === 'closed') return { text: t(`督办单 ${code} 已经办结。`, `Notice ${code} is already closed.`) };
    const now = ctx.clock.now();
    const closed = await closeNotice(ctx.dbh, n, { by: ctx.actor.person.id, at: now, note: ref.rest });
    const today = todayIn(org, now);
    const history = await historyOf(ctx.db, closed.id);
    // The unit's liaisons hear it is closed: nothing more is asked of them.
    const view = campaignView(org);
    await queue(
      ctx.dbh,
      ctx.clock,
      liaisonsOf(org, n.unitId)
        .filter((p) => p.id !== ctx.actor.person.id)
        .map((p) => ({ dedupeKey: `notice:${ctx.campaign.id}:${code}:closed:${p.openId}`, campaignId: ctx.campaign.id, kind: 'send' as const, target: p.openId, targetType: 'open_id' as const, msgType: 'interactive' as const, content: noticeCard(view, closed, history, { today }) })),
    );
    await redrawNoticeCards(ctx, closed);
    return { card: noticeCard(ctx, closed, history, { today }) };
  },
});
