// Reading the notice id at the start of a command (督办 回复 D3 …, 督办 办结 D3) and the answers for a bad or unknown id,
// in the command's language.
import type { Ctx } from '../context.js';
import { halfWidth } from '../core/text.js';
import { findNotice, parseNoticeRef, type Notice } from './store.js';

export type NoticeRef = { ok: true; seq: number; rest: string } | { ok: false; text: string };

/** "D3 已完成排查" → { seq: 3, rest: '已完成排查' }; a missing or malformed id is an answer showing the form. */
export function readNoticeRef(t: Ctx['t'], text: string, usage: { zh: string; en: string }): NoticeRef {
  // Matched on the half-width form (same positions as typed), so Ｄ３ and full-width colons read as D3 and ':'.
  const m = /^\s*[Dd#]?\s*(\d{1,7})(?!\d)[\s:,]*/.exec(halfWidth(text));
  const seq = m ? parseNoticeRef(m[1]!) : undefined;
  if (!m || seq === undefined) {
    const head = Array.from(text.trim()).slice(0, 12).join('');
    const said = head ? t(`「${head}」不是督办单编号，编号形如 D3。`, `"${head}" is not a notice id; ids look like D3.`) : t('请写明督办单编号，如 D3。', 'Say which notice, e.g. D3.');
    return { ok: false, text: `${said}\n${t(`正确格式：${usage.zh}`, `Form: ${usage.en}`)}` };
  }
  return { ok: true, seq, rest: text.slice(m[0].length).trim() };
}

export async function loadNotice(ctx: Pick<Ctx, 'db' | 'campaign'>, seq: number): Promise<Notice | undefined> {
  return findNotice(ctx.db, ctx.campaign.id, seq);
}

export const unknownNotice = (t: Ctx['t'], seq: number) => ({
  text: t(`没有督办单 D${seq}。发送「督办 列表」查看全部督办单。`, `There is no notice D${seq}. Send "notice list" to see the notices.`),
});
