// The evidence step (佐证材料): an image or file message — or a rich-text message with images that names no command —
// from a unit's person, within ten minutes after a report sent in the same chat, attaches to that report, with a short
// confirmation. Everything else with an attachment is left alone: in a group, people share photos all day and the bot
// stays silent (it reads unmentioned group messages only with the read-all scope, and answers none of them); in a
// private chat, where every message is for the bot, it says how evidence works instead of pretending to file it.
import { speaker } from '../context.js';
import { evidenceCount, recentReport, attachEvidence, EVIDENCE_WINDOW_MS } from '../reports/evidence.js';
import { periodName } from '../core/period-words.js';
import type { StepDeps } from './steps.js';
import { resolveSpeaker } from './who.js';
import type { Step } from './turn.js';

export const evidence =
  (deps: StepDeps): Step =>
  async (turn, next) => {
    const { msg } = turn;
    const items = msg.attachments ?? [];
    // A message that names a command (a rich-text report with its photos) goes the command's way: 汇报 attaches them.
    if (!items.length || turn.named) return next();
    const who = await resolveSpeaker(deps.dbh.db, msg.chatId, msg.senderOpenId);
    if (who.kind !== 'ok') {
      if (msg.chatType === 'p2p') return next();
      return void (turn.outcome = 'ignored');
    }
    turn.org = who.org;
    turn.actor = who.actor;
    const { t } = speaker(who.org.campaign.locale === 'en' ? 'en' : 'zh', who.org.campaign.timezone);
    const now = deps.clock.now();
    const report = await recentReport(deps.dbh.db, { campaignId: who.org.campaign.id, chatId: msg.chatId, personId: who.actor.person.id, unitId: who.actor.person.unitId, now });
    if (report) {
      await attachEvidence(deps.dbh, report, items, { messageId: msg.messageId, by: who.actor.person.id, at: now });
      const unit = who.org.unit(report.unitId)?.name ?? '';
      const period = periodName(report.period, who.org.campaign.locale === 'en' ? 'en' : 'zh');
      turn.reply = { text: t(`已附佐证材料：${evidenceCount(items, t)}（${unit} ${period}专报）`, `Evidence attached: ${evidenceCount(items, t)} (${unit}, ${period} report)`) };
      return void (turn.outcome = 'evidence');
    }
    // No report to attach to. In a group only a message that @-mentions the bot gets an answer.
    if (msg.chatType === 'group' && !(turn.botKnown && msg.mentionsBot)) return void (turn.outcome = 'ignored');
    const minutes = EVIDENCE_WINDOW_MS / 60_000;
    turn.reply = {
      text: t(
        `这份${evidenceCount(items, t)}没有登记为佐证材料：佐证材料须在本单位报送进度专报后 ${minutes} 分钟内在同一个群里发送，或直接插入在富文本汇报中。请先发送「汇报」。`,
        `This ${evidenceCount(items, t)} was not filed as evidence: send images and files in the same chat within ${minutes} minutes after your unit's report, or put them inside a rich-text report. Send "report" first.`,
      ),
    };
    turn.outcome = 'evidence_without_report';
  };
