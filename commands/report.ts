// 汇报 / report: a unit submits its 进度专报 for the current period (or `周期 …`); the office may report `代 <单位>`.
// The reply is a card showing what was understood, so the liaison can see at once whether it read right.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { PERIOD_FORMS, readPeriod } from '../src/core/period-words.js';
import { isHeld, isOpenFor, reportingPeriod } from '../src/core/periods.js';
import { parseReport } from '../src/core/report-parser.js';
import { fold } from '../src/core/text.js';
import { matchUnit, type Rule } from '../src/org.js';
import { labelIn, reportCard, when } from '../src/reports/cards.js';
import { mustReport } from '../src/reports/status.js';
import { attachEvidence, evidenceCount } from '../src/reports/evidence.js';
import { dueOfPeriod, saveReport } from '../src/reports/store.js';
import { note } from '../src/lark/cards.js';
import { defineCommand, type Ctx } from './define.js';

interface Head {
  unit?: string;
  rule?: string;
  period?: string;
  body: string;
}

// A name with spaces is written in corner brackets: 制度 「Weekly report」 (the private form's submit writes it so).
const HEAD_RE = /^(代|for|制度|rule|周期|period)\s*(?::\s*|\s+)(「[^」\n]{1,100}」|(?:last|this)\s+(?:week|month|quarter)|[^\s:]+)[ \t]*/i;

/** Reads the options in front of the report body: 代 区网信办, 制度 工作进度专报, 周期 2026-W47 (any order). */
export function readHead(text: string): Head {
  const head: Head = { body: text };
  for (let m = HEAD_RE.exec(head.body); m; m = HEAD_RE.exec(head.body)) {
    const word = m[1]!.toLowerCase();
    const key = word === '代' || word === 'for' ? 'unit' : word === '制度' || word === 'rule' ? 'rule' : 'period';
    if (head[key] !== undefined) break;
    head[key] = m[2]!.replace(/^「(.*)」$/, '$1');
    head.body = head.body.slice(m[0].length).replace(/^\n/, '');
  }
  return head;
}

function pickRule(ctx: Ctx, name: string | undefined): Rule | string {
  const rules = [...ctx.org.rules].sort((a, b) => a.id - b.id);
  if (!rules.length) return ctx.t('本专项还没有汇报制度，请办公室在工作方案（plan）的 reporting 中配置。', 'This campaign has no reporting rule yet; the office adds one under `reporting` in the plan.');
  if (!name) return rules[0]!;
  const q = fold(name);
  const hits = rules.filter((r) => fold(r.name) === q).length ? rules.filter((r) => fold(r.name) === q) : rules.filter((r) => fold(r.name).startsWith(q));
  if (hits.length === 1) return hits[0]!;
  const names = rules.map((r) => r.name).join('、');
  return ctx.t(`没有找到汇报制度「${name}」。可选：${names}`, `No reporting rule "${name}". Rules: ${names}`);
}

/** Why nothing was filed, in front of the template: the words that were not a report, quoted back. */
function notFiled(ctx: Ctx, body: string): string {
  const said = Array.from(body.trim().replace(/\s+/g, ' ')).slice(0, 20).join('');
  if (!said) return '';
  return ctx.t(`「${said}」里没有进展、存在问题或下一步计划的内容，未作为进度专报登记。\n`, `"${said}" has no progress, problems or next steps, so no report was filed.\n`);
}

function template(ctx: Ctx, rule: Rule, period: string, body: string): string {
  const due = when(dueOfPeriod(ctx.org, rule, period), ctx.campaign.timezone, ctx);
  return notFiled(ctx, body) + ctx.t(
    `请在「汇报」后写上本期进度专报（可分行），例如：\n汇报\n进展：完成摸排120户，拆除违建12处\n问题：3户拒绝搬迁\n下一步：继续做好思想工作\n指标：拆除=12，面积=300\n\n本期：${rule.name} ${labelIn(ctx.org, rule, period, ctx.lang)}，截止 ${due}。没有的内容写「无」。`,
    `Write the report after "report", for example:\nreport\nprogress: 120 households surveyed\nproblems: none\nnext: finish the register\nmetrics: surveyed=120\n\nThis period: ${rule.name} ${labelIn(ctx.org, rule, period, ctx.lang)}, due ${due}.`,
  );
}

export default defineCommand({
  name: 'report',
  words: { zh: ['汇报', '报送', '进度专报'], en: ['report'] },
  summary: { zh: '报送本期进度专报（进展、存在问题、下一步计划）', en: "submit this period's progress report" },
  usage: {
    zh: '汇报 [代 <单位>] [周期 2026-W47]\n进展：…\n问题：…\n下一步：…\n指标：拆除=12，面积=300',
    en: 'report [for <unit>] [period 2026-W47]\nprogress: …\nproblems: …\nnext: …\nmetrics: a=1, b=2',
  },
  examples: ['汇报 进展：完成摸排120户 问题：无 下一步：继续推进登记', '汇报 代 区网信办 进展：开展舆情监测', 'report progress: 3 sites cleared problems: none next: finish the register'],
  roles: 'anyone',
  args: z.object({ text: z.string() }),
  allow(ctx, { text }) {
    const { unit } = readHead(text);
    if (!unit || ctx.actor.is('office')) return true;
    const m = matchUnit(ctx.org, unit);
    if (m.ok && m.value.id === ctx.actor.unit?.id) return true;
    return { refused: ctx.t(`只有办公室可以代其他单位报送（「代 ${unit}」需要角色：办公室）。请用本单位身份发送「汇报」。`, `Only the office may report for another unit ("for ${unit}" needs the office role). Send "report" for your own unit.`) };
  },
  async handle(ctx, { text }) {
    const head = readHead(text);
    const parsed = parseReport(head.body);
    const rule = pickRule(ctx, head.rule);
    if (typeof rule === 'string') return { text: rule };
    const zone = ctx.campaign.timezone;
    const now = ctx.clock.now();

    let unit = ctx.actor.unit;
    if (head.unit) {
      const m = matchUnit(ctx.org, head.unit);
      if (!m.ok) {
        const names = (m.candidates.length ? m.candidates : mustReport(ctx.org, rule)).map((u) => u.name).join('、');
        return { text: ctx.t(`没有找到单位「${head.unit}」。${m.candidates.length ? '您是不是指' : '需报送的单位'}：${names}`, `No unit "${head.unit}". ${m.candidates.length ? 'Did you mean' : 'Units that report'}: ${names}`) };
      }
      unit = m.value;
    }
    if (!unit) return { text: ctx.t('您的人员信息没有所属单位，请联系办公室补充。', 'You have no unit in the plan; ask the office.') };
    const must = mustReport(ctx.org, rule);
    if (!must.some((u) => u.id === unit.id)) {
      const who = rule.who === 'all_units' ? ctx.t('各成员单位', 'every unit') : rule.who === 'group_leads' ? ctx.t('各工作组牵头单位', "each group's lead unit") : ctx.t('指定单位', 'the listed units');
      return {
        text: ctx.t(
          `${unit.name}不在「${rule.name}」的报送范围内：本制度由${who}报送（${must.map((u) => u.name).join('、')}）。如需代报，请联系办公室。`,
          `${unit.name} does not report under "${rule.name}": ${who} report (${must.map((u) => u.name).join(', ')}). Ask the office if this is wrong.`,
        ),
      };
    }

    // The period now collected: after a reminder and before its due time, the reminded period (even before it starts).
    const cal = calendarOf(ctx.campaign);
    let period = reportingPeriod(rule, now, zone, cal);
    const periodText = head.period ?? parsed.period;
    if (periodText) {
      const p = readPeriod(rule, periodText, now, zone, cal);
      const name = (x: string) => labelIn(ctx.org, rule, x, ctx.lang);
      if (!p) return { text: ctx.t(`周期「${periodText}」看不懂。「${rule.name}」的周期可以写：${PERIOD_FORMS[rule.cadence].zh}`, `Cannot read the period "${periodText}". For "${rule.name}" write: ${PERIOD_FORMS[rule.cadence].en}`) };
      if (!isHeld(rule, p, zone, cal)) return { text: ctx.t(`${name(p)}全部是节假日，不需要报送。本期是 ${name(period)}。`, `${name(p)} has no workday: no report is asked for it. The current period is ${name(period)}.`) };
      if (!isOpenFor(rule, p, now, zone, cal)) return { text: ctx.t(`${name(p)}还没有开始，不能提前报送。本期是 ${name(period)}。`, `Period ${name(p)} has not started yet; the current period is ${name(period)}.`) };
      period = p;
    }
    if (parsed.empty) return { text: template(ctx, rule, period, head.body) };

    const saved = await saveReport(ctx.dbh, { org: ctx.org, rule, unit, period, parsed, by: ctx.actor.person, at: now, chatId: ctx.chat.id });
    ctx.log.info('report saved', { unit: unit.id, rule: rule.id, period, revision: saved.report.revision, late: saved.report.late });
    const card = reportCard(saved, { org: ctx.org, rule, unit, parsed, by: ctx.actor.person.name, t: ctx.t, lang: ctx.lang });
    // A rich-text report's images are its evidence (佐证材料), kept by key with the report.
    const items = ctx.chat.attachments ?? [];
    if (items.length && ctx.chat.messageId) {
      await attachEvidence(ctx.dbh, saved.report, items, { messageId: ctx.chat.messageId, by: ctx.actor.person.id, at: now });
      card.body.elements.push(note(ctx.t(`已附佐证材料：${evidenceCount(items, ctx.t)}`, `Evidence attached: ${evidenceCount(items, ctx.t)}`)));
    }
    return { card };
  },
});
