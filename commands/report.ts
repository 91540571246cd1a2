// 汇报 / report: a unit submits its 进度专报 for the current period (or `周期 …`); the office may report `代 <单位>`.
// The reply is a card showing what was understood, so the liaison can see at once whether it read right.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { PERIOD_FORMS, periodName, periodsNamedIn, readPeriod } from '../src/core/period-words.js';
import { isHeld, isOpenFor, periodBounds, reportingPeriod } from '../src/core/periods.js';
import { parseReport, type ParsedReport } from '../src/core/report-parser.js';
import { fold } from '../src/core/text.js';
import { matchUnit, type Rule } from '../src/org.js';
import { labelIn, reportCard, when } from '../src/reports/cards.js';
import { mustReport } from '../src/reports/status.js';
import { attachEvidence, evidenceCount } from '../src/reports/evidence.js';
import { dueOfPeriod, reportFor, saveReport, type Amendment } from '../src/reports/store.js';
import { note } from '../src/lark/cards.js';
import { defineCommand, type Ctx } from './define.js';

interface Head {
  unit?: string;
  rule?: string;
  period?: string;
  /** 补充 / 更正 in front: the message amends this period's report (Amendment) */
  amend?: 'add' | 'fix';
  body: string;
}

// 补充：…, 补充一下，…, 补充 问题：…, 更正：…: the word, then a colon, comma, space or a section's heading.
const AMEND_RE = /^再?(补充(?:一下|说明|如下|上报|一点|两点|几点|[一两二三]处)?|更正(?:一下|如下|[一两二三]处)?|修正|订正)[ \t]*(?:[:：,，。][ \t]*\n?|\n|[ \t]+|$|(?=进展|工作进展|问题|存在问题|下一步|指标))/;

// A name with spaces is written in corner brackets: 制度 「Weekly report」 (the private form's submit writes it so).
// The word may be followed by a colon, full-width as a Chinese keyboard types it (代：周转房办), or by spaces; the value
// ends at a space or a colon or comma (代：周转房办，进展：…).
const HEAD_RE = /^(代报|代|for|制度|rule|周期|period)\s*(?:[:：]\s*|\s+)(「[^」\n]{1,100}」|(?:last|this)\s+(?:week|month|quarter)|[^\s:：,，;；]+)[ \t]*[,，;；:：]?[ \t]*/i;

/**
 * readHead, and 代 written without a space before the unit (代新河街\n进展：…): taken when what follows 代 is a unit of
 * the plan, never left to be filed under the sender's own unit (the command refuses a 代 it cannot read).
 */
export function readHeadIn(org: Ctx['org'], text: string): Head {
  const head = readHead(text);
  if (head.unit) return head;
  const m = /^代报?([^\s:：,，;；、。]{2,30})[ \t]*[,，;；]?[ \t]*\n?/.exec(head.body);
  if (m && matchUnit(org, m[1]!).ok) return { ...head, unit: m[1]!, body: head.body.slice(m[0].length) };
  // 代 and a word, then a heading or the line's end (代新和街\n进展：…): that word is the unit, known or not (the
  // command names the units when it is not); 代表大会筹备完成 is progress
  const h = /^代报?(?!表|办|理|购|销|言|替|价|码|课)([^\s:：,，;；、。]{1,12}?)(?=(?:进展|工作进展|问题|存在问题|下一步|指标)[:：]|[ \t]*\n)[ \t]*\n?/.exec(head.body);
  if (h && h[1]!.length >= 2) return { ...head, unit: h[1]!, body: head.body.slice(h[0].length) };
  return head;
}

/** Reads the options in front of the report body: 代 区网信办, 制度 工作进度专报, 周期 2026-W47 (any order). */
export function readHead(text: string): Head {
  const head: Head = { body: text };
  for (;;) {
    const a = head.amend ? undefined : AMEND_RE.exec(head.body);
    if (a) {
      head.amend = a[1]!.startsWith('补充') ? 'add' : 'fix';
      head.body = head.body.slice(a[0].length);
      continue;
    }
    const m = HEAD_RE.exec(head.body);
    if (!m) break;
    const word = m[1]!.toLowerCase();
    const key = word === '代' || word === '代报' || word === 'for' ? 'unit' : word === '制度' || word === 'rule' ? 'rule' : 'period';
    if (head[key] !== undefined) break;
    head[key] = m[2]!.replace(/^「(.*)」$/, '$1');
    head.body = head.body.slice(m[0].length).replace(/^\n/, '');
  }
  return head;
}

// A first line that is only a title naming the period: 第47周补报, 2026年第47周工作进展, 关于11月份工作情况的报告.
// (with brackets and the dates the bot's own labels carry: 【第47周补报】, 第47周（11月16日—20日）工作进展, 周报（第47周）)
const TITLE_WORDS = /^(?:关于|的|工作|补报|补交|补发|补|汇报|报告|进展|进度|情况|专报|小结|总结|周报|月报|\d{1,2}[日号]|[—\-–~至、()（）【】\[\]\s])*$/;
const PERIOD_PHRASE = /(?:\d{4}年)?(?:第[0-9一二两三四五六七八九十]{1,4}周(?:上半周|下半周)?|\d{4}-?[Ww]\d{1,2}(?:-[12])?|第?[1-4一二三四]季度|[0-9一二三四五六七八九十]{1,3}月份?(?:第[0-9一二三四五六]周)?)|上周|本周|上个?月|本月/g;

/** The body's first line when it is a title naming a period (not filed in a section), and the body without it. */
export function periodTitle(body: string): { title: string; rest: string } | undefined {
  const nl = body.indexOf('\n');
  const whole = nl < 0 ? body : body.slice(0, nl);
  // a title before a colon on the line (第47周补报：完成档案整理120份) when it names a period of its own: not 本周工作：,
  // a heading
  const colon = whole.search(/[:：]/);
  const line = (colon < 0 ? whole : whole.slice(0, colon)).trim();
  if (!line || line.length > 40) return undefined;
  if (colon >= 0 && !/第.{1,4}周|\d{4}-?[Ww]\d|月份?|季度|补报|补交|补发/.test(line)) return undefined;
  const words = line.replace(PERIOD_PHRASE, '');
  if (words === line || !TITLE_WORDS.test(words)) return undefined;
  const rest = colon < 0 ? (nl < 0 ? '' : body.slice(nl + 1)) : body.slice(colon + 1).replace(/^[ \t]*\n?/, '');
  return { title: line, rest };
}

/** The text of a report's head: its title and the lines not placed before the first section's content (not its
 * headings: 上周工作 / 本周工作 name the work, not the period). */
function headText(parsed: ParsedReport): string {
  const out: string[] = [];
  for (const p of parsed.pieces) {
    if (p.kind === 'progress' || p.kind === 'problems' || p.kind === 'next' || p.kind === 'metrics') break;
    if (p.kind === 'framing' || p.kind === 'unplaced') out.push(p.text);
  }
  return out.join('\n');
}

/** The sections a message gives, with a heading or read as one (a heading with 无 under it gives its section). */
function sectionsGiven(parsed: ParsedReport): Amendment['sections'] {
  const given = new Set<'progress' | 'problems' | 'next' | 'metrics'>();
  for (const p of parsed.pieces) if (p.kind === 'progress' || p.kind === 'problems' || p.kind === 'next' || p.kind === 'metrics') given.add(p.kind);
  return given;
}

/** How far back a title may name a period before the bot asks (a late report is weeks late, not months). */
const FAR_BACK_DAYS = { weekly: 56, twice_weekly: 56, monthly: 92, quarterly: 184 } as const;

/**
 * The period a report's head names as its subject, or the current one; a question instead when it cannot be told:
 * 11月第四周, two periods, another period beside one calling this period its subject (现将本周工作报告如下), or one so
 * far back it is likely the campaign's own count of weeks (第3周 in March). 第47周工作总结及第48周工作计划 is week 47's.
 */
function periodOfHead(ctx: Ctx, rule: Rule, current: string, head: string): { period: string } | { ask: string } {
  const zone = ctx.campaign.timezone;
  const named = periodsNamedIn(head, rule, ctx.clock.now(), zone, calendarOf(ctx.campaign));
  const keys = named.keys;
  const far = keys.length === 1 && periodBounds(rule, current, zone).start.diff(periodBounds(rule, keys[0]!, zone).start, 'days').days > FAR_BACK_DAYS[rule.cadence];
  if (named.unsure.length || keys.length > 1 || (keys.length === 1 && keys[0] !== current && (named.current || far))) {
    const name = (x: string) => labelIn(ctx.org, rule, x, ctx.lang);
    const said = [...named.unsure, ...keys.map(name)].join('、');
    return {
      ask: ctx.t(
        `看不准这份专报是哪一期（${said}），未登记。请在「汇报」后写明周期再发，例如：汇报 周期 ${periodName(current, 'zh')}\n本期是 ${name(current)}。`,
        `Cannot tell which period this report is for (${said}); nothing was filed. Write it after "report", e.g. report period ${current}. The current period is ${name(current)}.`,
      ),
    };
  }
  return { period: keys[0] ?? current };
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
    const { unit } = readHeadIn(ctx.org, text);
    if (!unit || ctx.actor.is('office')) return true;
    const m = matchUnit(ctx.org, unit);
    if (m.ok && m.value.id === ctx.actor.unit?.id) return true;
    return { refused: ctx.t(`只有办公室可以代其他单位报送（「代 ${unit}」需要角色：办公室）。请用本单位身份发送「汇报」。`, `Only the office may report for another unit ("for ${unit}" needs the office role). Send "report" for your own unit.`) };
  },
  async handle(ctx, { text }) {
    const head = readHeadIn(ctx.org, text);
    // 代 with no unit read after it: never filed under the sender's own unit
    if (!head.unit && /^(?:代报?|for)(?:[\s:：,，]|$)/i.test(head.body)) {
      return { text: ctx.t('「代」后面请写要代报的单位，例如：汇报 代 区网信办\n进展：…', 'Write the unit after "for", e.g. report for <unit>\nprogress: …') };
    }
    const title = periodTitle(head.body);
    const parsed = parseReport(title ? title.rest : head.body);
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
    const name = (x: string) => labelIn(ctx.org, rule, x, ctx.lang);
    const refused = (p: string): string | undefined =>
      !isHeld(rule, p, zone, cal)
        ? ctx.t(`${name(p)}全部是节假日，不需要报送。本期是 ${name(period)}。`, `${name(p)} has no workday: no report is asked for it. The current period is ${name(period)}.`)
        : !isOpenFor(rule, p, now, zone, cal)
          ? ctx.t(`${name(p)}还没有开始，不能提前报送。本期是 ${name(period)}。`, `Period ${name(p)} has not started yet; the current period is ${name(period)}.`)
          : undefined;
    if (periodText) {
      const p = readPeriod(rule, periodText, now, zone, cal);
      if (!p) return { text: ctx.t(`周期「${periodText}」看不懂。「${rule.name}」的周期可以写：${PERIOD_FORMS[rule.cadence].zh}`, `Cannot read the period "${periodText}". For "${rule.name}" write: ${PERIOD_FORMS[rule.cadence].en}`) };
      const no = refused(p);
      if (no) return { text: no };
      period = p;
    } else {
      // A title or first line naming the period (第47周补报, 关于第47周工作进展情况的报告) files the report there: a late
      // report pasted from Word must not replace this week's. Unsure: asked, nothing filed.
      const named = periodOfHead(ctx, rule, period, [title?.title ?? '', headText(parsed)].join('\n'));
      if ('ask' in named) return { text: named.ask };
      if (named.period !== period) {
        const no = refused(named.period);
        if (no) return { text: no };
        period = named.period;
      }
    }
    if (parsed.empty) return { text: template(ctx, rule, period, head.body) };

    // 补充 / 更正: amends this period's report. A correction must say which section it changes; one in a sentence
    // (「来访人次应为32人次，不是23人次」) cannot be applied safely, so it is refused with the way to write it.
    let amend: Amendment | undefined;
    if (head.amend) {
      const sections = sectionsGiven(parsed);
      const before = await reportFor(ctx.dbh, ctx.campaign.id, rule.id, unit.id, period);
      if (head.amend === 'fix' && !before) {
        return { text: ctx.t(`${name(period)}${unit.name}还没有报送专报，无从更正。请直接发送完整的「汇报」。`, `${unit.name} has no report for ${name(period)} to correct; send the whole report.`) };
      }
      if (head.amend === 'fix' && parsed.untitled) {
        return {
          text: ctx.t(
            `更正请写明改哪一栏，未作改动。例如：\n汇报 更正\n指标：来访人次=32\n（只改写出的栏目，其余不变；也可重新发送完整的「汇报」，原版本会保留。）`,
            `Say which section the correction changes; nothing was changed. For example:\nreport correction\nmetrics: visits=32\n(only the sections written change; or send the whole report again, the earlier version is kept).`,
          ),
        };
      }
      if (before) amend = { kind: head.amend, sections };
    }

    const saved = await saveReport(ctx.dbh, { org: ctx.org, rule, unit, period, parsed, by: ctx.actor.person, at: now, chatId: ctx.chat.id, amend });
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
