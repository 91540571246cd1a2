// 督办 回复 D3 <办理情况> / notice reply D3 <text>: the unit a notice was issued to answers it — its liaison or any person
// registered in it (the office does not answer for a unit). Every reply is kept; the issuer and the office chat are told.
import { z } from 'zod';
import { mayReply, campaignView, officeChat } from '../src/notices/audience.js';
import { replyCard } from '../src/notices/cards.js';
import { loadNotice, readNoticeRef, unknownNotice } from '../src/notices/input.js';
import { redrawNoticeCards } from '../src/notices/redraw.js';
import { noticeCode, replyToNotice } from '../src/notices/store.js';
import { queue, type Outgoing } from '../src/outbox.js';
import { defineCommand } from './define.js';

const USAGE = { zh: '督办 回复 <编号> <办理情况>', en: 'notice reply <id> <text>' };

export default defineCommand({
  name: 'notice reply',
  words: { zh: ['督办 回复', '回复督办'], en: ['notice reply'] },
  summary: { zh: '回复督办单的办理情况（责任单位）', en: 'reply to a notice (the unit)' },
  usage: USAGE,
  examples: ['督办 回复 D3 已完成排查，发现隐患4处，均已整改', 'notice reply D3 checked; 4 issues found and fixed'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  async allow(ctx, { text }) {
    const ref = readNoticeRef(ctx.t, text, USAGE);
    const n = ref.ok ? await loadNotice(ctx, ref.seq) : undefined;
    // A bad or unknown id is answered by handle(); here only who may answer.
    if (!n || mayReply(ctx.actor, n)) return true;
    const unit = ctx.org.unit(n.unitId)?.name ?? '';
    return { refused: ctx.t(`只有责任单位（${unit}）的联络员或人员可以回复督办单 ${noticeCode(n)}。`, `Only the liaison or a person of ${unit} may reply to notice ${noticeCode(n)}.`) };
  },
  async handle(ctx, { text }) {
    const { t, org } = ctx;
    const ref = readNoticeRef(t, text, USAGE);
    if (!ref.ok) return { text: ref.text };
    const n = await loadNotice(ctx, ref.seq);
    if (!n) return unknownNotice(t, ref.seq);
    const code = noticeCode(n);
    if (n.status === 'closed') return { text: t(`督办单 ${code} 已办结，无需再回复。如有新情况请联系办公室。`, `Notice ${code} is closed; no reply is needed. Tell the office if something new came up.`) };
    if (!ref.rest) return { text: t(`请写明办理情况，如「督办 回复 ${code} 已完成排查」。`, `Say what was done, e.g. "notice reply ${code} checked and fixed".`) };
    const replied = await replyToNotice(ctx.dbh, n, { by: ctx.actor.person.id, at: ctx.clock.now(), text: ref.rest });
    await redrawNoticeCards(ctx, replied);
    const view = campaignView(org);
    const content = replyCard(view, n, { by: view.t(`${ctx.actor.person.name}（${ctx.actor.unit?.name ?? ''}）`, `${ctx.actor.person.name} (${ctx.actor.unit?.name ?? ''})`), text: ref.rest });
    // Each reply is its own message: keyed by the message that carried it.
    const key = (to: string) => `notice:${ctx.campaign.id}:${code}:reply:${ctx.chat.messageId ?? ctx.chat.eventId ?? ''}:${to}`;
    const out: Outgoing[] = [];
    const office = officeChat(org);
    if (office && office !== ctx.chat.id) out.push({ dedupeKey: key(office), campaignId: ctx.campaign.id, kind: 'send', target: office, msgType: 'interactive', content });
    const issuer = org.people.find((p) => p.id === n.issuedBy);
    if (issuer && issuer.id !== ctx.actor.person.id) out.push({ dedupeKey: key(issuer.openId), campaignId: ctx.campaign.id, kind: 'send', target: issuer.openId, targetType: 'open_id', msgType: 'interactive', content });
    await queue(ctx.dbh, ctx.clock, out);
    const told = [issuer && issuer.id !== ctx.actor.person.id ? t(`督办人${issuer.name}`, `the issuer (${issuer.name})`) : '', office && office !== ctx.chat.id ? t('办公室', 'the office') : ''].filter(Boolean);
    return {
      text: t(
        `已记录 ${org.unit(n.unitId)?.name ?? ''} 对督办单 ${code} 的回复${told.length ? `，已告知${told.join('和')}` : ''}。如有新进展可再次回复。`,
        `Recorded ${org.unit(n.unitId)?.name ?? ''}'s reply to notice ${code}${told.length ? `; ${told.join(' and ')} told` : ''}. You may reply again with news.`,
      ),
    };
  },
});
