// Fuzz: the parsers that read what people and Lark send, over random and half-right input. Each property runs a
// bounded number of random cases (a random seed per run, test/support/fuzz-seed.ts: every run tries new ones; a failed
// test prints FUZZ_SEED=<seed>, which replays the run, and fast-check prints the shrunk counterexample).
//   command words and arguments (src/router.ts, src/core/args.ts, src/core/text.ts, src/lark/events.ts)
//   the report parser beyond test/report-parser.test.ts (exact cover, metrics, period, problem items, speed)
//   dates (src/core/dates.ts): no throw, only valid dates, round trips, relative words against the injected now
//   the plan loader (src/plan): mutated reference plans are refused by path with nothing written, or applied idempotently
//   end to end over HTTP: random messages get exactly one reply, a malformed 任务 新增 stores nothing
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { commands } from '../commands/index.js';
import { openSqlite, type DbHandle } from '../db/client.js';
import { ManualClock } from '../src/core/clock.js';
import { parseArgs } from '../src/core/args.js';
import { cnNumber, parseDate, parseDateTime, readDate, readTime } from '../src/core/dates.js';
import { parseReport } from '../src/core/report-parser.js';
import { fold, halfWidth, splitList } from '../src/core/text.js';
import { toChatMessage } from '../src/lark/events.js';
import { applyPlan, applyPlanText, readPlan } from '../src/plan/apply.js';
import { commandText, compileWords, matchCommand } from '../src/router.js';
import { examplePlan } from '../src/runtime.js';
import { startHarness, type Harness } from './support/harness.js';

/** FUZZ_SCALE=10 npx vitest run test/fuzz.test.ts: ten times the runs, for a longer hunt than the normal suite's. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
const runs = (n: number) => ({ numRuns: Math.round(n * SCALE) });

// Shared generators -----------------------------------------------------------------------------------------------

const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary-ascii', maxLength: 60 }));

/** ASCII to full-width, as a phone keyboard in Chinese mode types it. */
const fullWidth = (s: string) => [...s].map((ch) => (ch === ' ' ? '　' : ch >= '!' && ch <= '~' ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');

const WORDS = commands.flatMap((c) => [...c.words.zh, ...c.words.en]);
const KEYS = [...new Set(commands.flatMap((c) => Object.values(c.keys ?? {}).flat()))];
const plan = parseYaml(readFileSync(examplePlan, 'utf8')) as any;
const UNIT_NAMES: string[] = plan.units.flatMap((u: any) => [u.name, ...(u.aliases ?? [])]);
const GROUP_NAMES: string[] = plan.groups.map((g: any) => g.name);

/** Text built from the commands' own vocabulary and punctuation, mixed with arbitrary strings: reaches every branch. */
const commandish = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
      { weight: 2, arbitrary: fc.constantFrom(...KEYS) },
      { weight: 3, arbitrary: fc.constantFrom(':', '：', ',', '，', '、', ';', '；', ' ', '　', '\n', '\t', '/', '／', '@_user_1', '@_user_2', '@_all', '?', '？', '#', '(', '）') },
      { weight: 2, arbitrary: fc.constantFrom(...UNIT_NAMES, ...GROUP_NAMES, '办公室', '领导小组') },
      { weight: 2, arbitrary: fc.constantFrom('T1', 'T3', 't 2', '#4', 'T9999999', '12月31日', '明天', '下周五', 'next friday', '2026-12-31', '99999天后', '本周', 'W47', '周期 2026-W47', '进展：完成', 'metrics: a=1') },
      { weight: 1, arbitrary: fc.constantFrom(...WORDS).map(fullWidth) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
    ),
    { maxLength: 14 },
  )
  .map((xs) => xs.join(''));

/** The commands' own examples with their ids, units, dates and colons swapped for others, good or bad, and random text
 * spliced in: well-formed enough to reach deep into the handlers. */
const EXAMPLES = commands.flatMap((c) => c.examples);
const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SWAPS: Array<[RegExp, string[]]> = [
  [/\b[TMP]\d+\b/g, ['T1', 'T2', 'T3', 'T0', 'T9999999', 'M1', 'M2', 'M3', 'M99', 'P1', 'P2', 'X1', 'T-1', '#2', '3']],
  [new RegExp([...UNIT_NAMES].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g'), [...UNIT_NAMES, '区', '新河', '火星办', '区公安局、区民政局', '区公安局,,区公安局', '']],
  [/\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?|\d{1,2}月\d{1,2}日|明天\d*:?\d*|下周五|next friday|tomorrow(?: \d+am)?|2026-1[01]|上月/g, ['明天', '下周五', '12月31日', '2月30日', '2026-12-31', '2020-01-01', '昨天', '99999天后', '十二三月1日', 'next friday 3:30pm', '明天 25:00', '明天10:00', '下午3点', '2026-W47', '2026-13', '上月', 'x']],
  [/[:：]/g, [':', '：', '', ' ']],
];
const mutatedExample = fc.tuple(fc.constantFrom(...EXAMPLES), fc.gen(), fc.option(fc.tuple(fc.nat(), fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }), fc.constantFrom('，', '。', ' ', '\n', '\n- [ ] 复核 牵头：区公安局 截止：明天', '无', '@张丽', '代 区公安局', '周期 上周'))), { nil: undefined, freq: 2 })).map(([example, g, splice]) => {
  let out = example;
  for (const [re, pool] of SWAPS) out = out.replace(re, (m) => (g(fc.boolean) ? g(fc.constantFrom, ...pool) : m));
  if (splice) {
    const at = splice[0] % (out.length + 1);
    out = out.slice(0, at) + splice[1] + out.slice(at);
  }
  return out;
});


// Command words and arguments ---------------------------------------------------------------------------------------

describe('command words and arguments', () => {
  const patterns = compileWords(commands);

  it('matchCommand never throws: it names a command with the text after its word, or nothing; arguments always parse to a verdict', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, commandish, mutatedExample), (s) => {
        const m = matchCommand(patterns, s);
        if (!m) return;
        expect(commands).toContain(m.command);
        expect(['zh', 'en']).toContain(m.lang);
        // the rest is cut from the text as typed: a suffix of it
        expect(s.trim().endsWith(m.rest)).toBe(true);
        // and what came before it is one of the command's words (half-width, any case, any spacing)
        const said = fold(commandText(s));
        expect([...m.command.words.zh, ...m.command.words.en].some((w) => said.startsWith(fold(w)))).toBe(true);
        const { text, named } = parseArgs(m.rest, m.command.keys ?? {});
        expect(m.rest.includes(text)).toBe(true);
        for (const [k, v] of Object.entries(named)) {
          expect(Object.keys(m.command.keys ?? {})).toContain(k);
          expect(typeof v).toBe('string');
        }
        const verdict = m.command.args.safeParse({ text, ...named });
        expect(typeof verdict.success).toBe('boolean');
        if (!verdict.success) for (const i of verdict.error.issues) expect(i.message.length).toBeGreaterThan(0);
      }),
      runs(3000),
    );
  });

  it('every command word, typed any way (slash, full-width, capitals, ASCII or full-width colon), finds its command and the rest as typed', () => {
    const pick = fc.constantFrom(...commands).chain((command) =>
      fc.record({
        command: fc.constant(command),
        lang: fc.constantFrom('zh' as const, 'en' as const),
        word: fc.constantFrom(...command.words.zh, ...command.words.en),
        slash: fc.constantFrom('', '/', '／', '/ ', ' ／'),
        width: fc.constantFrom('half', 'full'),
        caps: fc.constantFrom('lower', 'upper', 'title'),
        sep: fc.constantFrom(' ', '　', ':', '：', ' : ', '\t', ' ：'),
        // a rest that cannot continue the word into a longer one (those all go on with a CJK character)
        rest: fc.oneof(
          fc.constant(''),
          fc
            .tuple(fc.constantFrom('T3', '12月31日', '区公安局', '明天', '完成 牵头：区公安局 截止：明天', '1', 'x', 'Repair the roads', '@张丽', '（一）'), fc.string({ unit: 'grapheme', maxLength: 30 }))
            .map(([a, b]) => a + b),
        ),
      }),
    );
    fc.assert(
      fc.property(pick, ({ command, word, slash, width, caps, sep, rest }) => {
        const cased = caps === 'upper' ? word.toUpperCase() : caps === 'title' ? word.replace(/\b[a-z]/g, (c) => c.toUpperCase()) : word;
        const typedWord = width === 'full' ? fullWidth(cased) : cased;
        const s = `${slash}${typedWord}${rest ? sep + rest : ''}`;
        const m = matchCommand(patterns, s);
        expect(m?.command.name).toBe(command.name);
        expect(m!.rest).toBe(rest.trim());
        expect(m!.lang).toBe(command.words.zh.includes(word) ? 'zh' : 'en');
      }),
      runs(1500),
    );
  });

  it('named arguments are found with either colon and any key alias; values keep full-width punctuation as typed', () => {
    const taskAdd = commands.find((c) => c.name === 'task add')!;
    const keys = taskAdd.keys!;
    const value = fc.string({ unit: 'grapheme', maxLength: 12 }).map((v) => v.replace(/[:：\s]/g, '').replace(/^$/, '值'));
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 12 }).map((t) => t.replace(/[:：\s]/g, '') || '标题'),
        fc.uniqueArray(fc.constantFrom(...Object.keys(keys)), { minLength: 1, maxLength: 5 }).chain((names) =>
          fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), alias: fc.constantFrom(...keys[name]!), colon: fc.constantFrom(':', '：', ' :', '： '), value }))),
        ),
        fc.constantFrom(' ', '　', '  ', '\n'),
        (title, args, gap) => {
          // a value that happens to end with a key alias would read as that key: keep the test's values clear of it
          fc.pre(args.every((a) => !KEYS.some((k) => halfWidth(a.value).toLowerCase().endsWith(k.toLowerCase()))));
          const input = title + args.map((a) => `${gap}${a.alias}${a.colon}${a.value}`).join('');
          const { text, named } = parseArgs(input, keys);
          expect(text).toBe(title);
          expect(named).toEqual(Object.fromEntries(args.map((a) => [a.name, a.value])));
        },
      ),
      runs(800),
    );
  });

  it('lists split on , ， 、 ; ； into trimmed non-empty items that were all in the text', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, commandish), (s) => {
        const items = splitList(s);
        for (const x of items) {
          expect(x).toBe(x.trim());
          expect(x.length).toBeGreaterThan(0);
          expect(s.includes(x)).toBe(true);
          expect(/[,，、;；]/.test(x)).toBe(false);
        }
      }),
      runs(1000),
    );
  });

  it('an event of any shape becomes a chat message or nothing, never an exception; the bot’s mention key never survives', () => {
    const BOT = 'ou_bot_fuzz';
    const fixtureLike = fc.record(
      {
        sender: fc.oneof(fc.anything(), fc.record({ sender_id: fc.oneof(fc.anything(), fc.record({ open_id: fc.oneof(fc.string(), fc.anything()) })), sender_type: fc.anything() })),
        message: fc.oneof(
          fc.anything(),
          fc.record(
            {
              message_id: fc.oneof(fc.constant('om_1'), fc.anything()),
              chat_id: fc.oneof(fc.constant('oc_1'), fc.anything()),
              chat_type: fc.oneof(fc.constantFrom('p2p', 'group'), fc.anything()),
              message_type: fc.oneof(fc.constantFrom('text', 'post', 'image'), fc.anything()),
              content: fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.anything(), commandish.map((t) => JSON.stringify({ text: t }))),
              mentions: fc.oneof(fc.anything(), fc.array(fc.oneof(fc.anything(), fc.record({ key: fc.oneof(fc.constant('@_user_1'), fc.anything()), name: fc.anything(), id: fc.anything() }, { requiredKeys: [] })))),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fixtureLike), fc.constantFrom(undefined, BOT), (event, bot) => {
        const msg = toChatMessage('ev_1', event, bot);
        if (!msg) return;
        for (const v of [msg.messageId, msg.chatId, msg.senderOpenId, msg.senderType, msg.text]) expect(typeof v).toBe('string');
        for (const x of msg.mentions) expect([typeof x.openId, typeof x.name]).toEqual(['string', 'string']);
      }),
      runs(1500),
    );
    // Text with the bot's key anywhere in it, any number of times: the router never sees the key.
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('@_user_1'), fc.constant('@_user_2'), commandish), { maxLength: 6 }), (parts) => {
        const text = parts.join('');
        const ev = {
          message: {
            message_id: 'om_1',
            chat_id: 'oc_1',
            chat_type: 'group',
            message_type: 'text',
            content: JSON.stringify({ text }),
            mentions: [
              { key: '@_user_1', name: 'Duban', id: { open_id: BOT } },
              { key: '@_user_2', name: '张丽', id: { open_id: 'ou_zhangli', user_id: 'u2' } },
            ],
          },
        };
        const msg = toChatMessage('ev_1', ev, BOT)!;
        expect(msg.text.includes('@_user_1')).toBe(false);
        expect(msg.text.includes('@_user_2')).toBe(false);
        expect(msg.mentionsBot).toBe(true);
      }),
      runs(500),
    );
  });
});

// The report parser (beyond test/report-parser.test.ts) ---------------------------------------------------------------

describe('the report parser, beyond its own tests', () => {
  const vocabulary = fc.constantFrom(
    '进展', '工作进展', '实施进展情况', '问题', '存在问题', '困难和问题', '下一步', '下一步工作计划', '指标', '主要指标', '周期', '汇报周期',
    'progress', 'problems', 'next steps', 'metrics', 'period', '本周', '如下', '汇报如下',
  );
  const punct = fc.constantFrom('：', ':', '，', '、', '；', '=', '＝', '\n', '\r\n', '\r', ' ', '　', '\t', '1.', '一、', '（二）', '(3)', '【', '】', '**', '- ', '•', '。');
  const values = fc.constantFrom('无', '0', '暂无', 'none', '12处', '1,200户', '300平方米', '2.5万元', '-3', '2026-W47', '2026-11', '2026-Q4', '上周', 'last week', '拆除违建', '拆除=12', '面积：300', 'a=1');
  const report = fc.array(fc.oneof(vocabulary, punct, values, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 50 }).map((xs) => xs.join(''));
  const text = fc.oneof(report, anyString);
  const normal = (s: string) => halfWidth(s).replace(/\r\n?/g, '\n');

  it('the pieces are the input exactly: nothing dropped, nothing added, nothing reordered, whitespace included', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = parseReport(s);
        expect(r.pieces.map((p) => p.text).join('')).toBe(s);
        for (const p of r.pieces) expect(p.text.length).toBeGreaterThan(0);
      }),
      runs(2000),
    );
  });

  it('what it keeps is in the input: metric names, the period, each problem item (inside the problems section)', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = parseReport(s);
        const n = normal(s);
        for (const [name, value] of Object.entries(r.metrics)) {
          // a percentage's name carries （%）, as a statistical table's header does
          expect(n.includes(name.replace(/（%）$/, ''))).toBe(true);
          expect(Number.isFinite(value)).toBe(true);
        }
        if (r.period !== undefined) {
          expect(n.includes(r.period)).toBe(true);
          expect(r.pieces.some((p) => p.kind === 'period' && p.text.includes(r.period!))).toBe(true);
        }
        for (const item of r.problemItems) {
          expect(item.length).toBeGreaterThan(0);
          expect(r.problems.includes(item)).toBe(true);
        }
        if (!r.problems) expect(r.problemItems).toEqual([]);
        // without a section heading, nothing is unplaced except unreadable metrics
        const headed = r.pieces.some((p) => p.kind === 'heading' && !/指标|数据|metrics|numbers/i.test(p.text));
        const bare = (x: string) => x.replace(/\s+/g, '');
        if (!headed) expect(r.pieces.filter((p) => p.kind === 'unplaced' && p.text.trim()).every((p) => bare(r.unplaced).includes(bare(p.text)))).toBe(true);
      }),
      runs(2000),
    );
  });

  it('a long random report (a random chunk repeated to 30,000 characters) reads in linear time', () => {
    let worst = 0;
    fc.assert(
      fc.property(report.filter((c) => c.length > 0), (chunk) => {
        const long = chunk.repeat(Math.ceil(30_000 / chunk.length)).slice(0, 30_000);
        const t0 = performance.now();
        parseReport(long);
        worst = Math.max(worst, performance.now() - t0);
      }),
      runs(40),
    );
    expect(worst).toBeLessThan(1000);
  });
});

// Dates -------------------------------------------------------------------------------------------------------------

const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Pacific/Kiritimati', 'Europe/London'];
const zone = fc.constantFrom(...ZONES);
const now = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true });
const CN = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1..99 as Chinese numerals: 十二, 二十, 二十三. */
const toCn = (n: number) => (n < 10 ? CN[n]! : `${n >= 20 ? CN[Math.floor(n / 10)] : ''}十${n % 10 ? CN[n % 10] : ''}`);

describe('dates', () => {
  const dateish = fc
    .array(
      fc.oneof(
        fc.constantFrom('年', '月', '日', '号', '-', '/', '.', ' ', '：', ':', '下', '下下', '本', '这个', '周', '星期', '礼拜', '个', '天', '后', '之', '以', '月底', '下月底'),
        fc.constantFrom('今天', '明天', '后天', '大后天', '昨天', 'today', 'tomorrow', 'next', 'this', 'in', 'days', 'weeks', 'months', 'end of month', 'fri', 'friday', 'Dec', '31st', 'jan'),
        fc.constantFrom('上午', '下午', '晚上', '中午', '点', '时', '半', '分', 'am', 'pm', 'at', '的'),
        fc.integer({ min: 0, max: 40 }).map(String),
        fc.integer({ min: 0, max: 99 }).map(toCn),
        fc.constantFrom('9'.repeat(30), '9'.repeat(400), '99999999999', '0000', '2026', '275760', '十二三', '十十', '二十三四'),
        fc.constantFrom('天后', '日以后', '周后', '个月后', '天之后', 'in 99999999999 days', `in ${'9'.repeat(400)} weeks`, 'in 3 months'),
        fc.string({ unit: 'binary', maxLength: 6 }),
      ),
      { maxLength: 8 },
    )
    .map((xs) => xs.join(''));

  it('never throws on any text, and every date it accepts is a real day in the campaign’s timezone', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, dateish, dateish.map(fullWidth)), now, zone, (s, at, tz) => {
        const r = readDate(s, at, tz);
        if (r) {
          expect(r.date.isValid).toBe(true);
          expect(r.date.zoneName).toBe(tz);
          expect(r.date.equals(r.date.startOf('day'))).toBe(true);
          expect(halfWidth(s).trim().endsWith(r.rest)).toBe(true);
        }
        const d = parseDate(s, at, tz);
        if (d !== undefined) {
          expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(DateTime.fromISO(d, { zone: tz }).toISODate()).toBe(d);
          expect(d).toBe(r!.date.toISODate());
        }
        const t = readTime(s);
        if (t) {
          expect(Number.isInteger(t.hour) && t.hour >= 0 && t.hour <= 23).toBe(true);
          expect(Number.isInteger(t.minute) && t.minute >= 0 && t.minute <= 59).toBe(true);
        }
        const dt = parseDateTime(s, at, tz);
        if (dt) {
          expect(dt.isValid).toBe(true);
          expect(dt.zoneName).toBe(tz);
        }
      }),
      runs(4000),
    );
  });

  it('Chinese numerals: 一 … 九十九 read back; malformed ones are not numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (n) => {
        expect(cnNumber(toCn(n))).toBe(n);
      }),
      runs(200),
    );
    for (const bad of ['十十', '十二三', '二十三四', '三四十', '十零']) expect(cnNumber(bad)).toBeUndefined();
  });

  const day = fc.record({ y: fc.integer({ min: 1900, max: 2100 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) }).filter(({ y, m, d }) => DateTime.fromObject({ year: y, month: m, day: d }).isValid);
  const pad = (n: number) => String(n).padStart(2, '0');

  it('a written date with its year reads back as that date, in every form and any width', () => {
    fc.assert(
      fc.property(day, now, zone, fc.constantFrom('-', '/', '.', '年'), fc.boolean(), fc.boolean(), fc.constantFrom('', ' ', '　'), ({ y, m, d }, at, tz, sep, padded, full, space) => {
        const [mm, dd] = padded ? [pad(m), pad(d)] : [String(m), String(d)];
        // a day the zone skipped (Kiritimati's 1994-12-31) is no date there
        fc.pre(DateTime.fromObject({ year: y, month: m, day: d }, { zone: tz }).day === d);
        let s = sep === '年' ? `${y}年${mm}月${dd}${d % 2 ? '日' : '号'}` : `${y}${sep}${mm}${sep}${dd}`;
        if (full) s = fullWidth(s);
        expect(parseDate(`${space}${s}${space}`, at, tz)).toBe(`${y}-${pad(m)}-${pad(d)}`);
      }),
      runs(1500),
    );
  });

  it('a month and day without a year is the nearest such day: not more than six months back, else next year’s', () => {
    fc.assert(
      fc.property(day, now, zone, fc.constantFrom('月日', '月号', 'cn', '-', '/', 'en', 'en-rev'), ({ m, d }, at, tz, form) => {
        const s =
          form === 'cn' ? `${toCn(m)}月${toCn(d)}日` : form === 'en' ? `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} ${d}` : form === 'en-rev' ? `${d} ${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][m - 1]}` : form.length === 2 ? `${m}${form[0]}${d}${form[1]}` : `${m}${form}${d}`;
        const got = parseDate(s, at, tz);
        const today = DateTime.fromJSDate(at, { zone: tz }).startOf('day');
        if (got === undefined) {
          // only a day the chosen year does not have: 29 February, or a day the zone skipped (Pacific/Kiritimati
          // went from 30 December 1994 to 1 January 1995, FUZZ_SEED=1700046018)
          const missing = [today.year, today.year + 1].some((year) => DateTime.fromObject({ year, month: m, day: d }, { zone: tz }).day !== d);
          expect(missing || (m === 2 && d === 29)).toBe(true);
          return;
        }
        const date = DateTime.fromISO(got, { zone: tz });
        expect([date.month, date.day]).toEqual([m, d]);
        expect(date >= today.minus({ months: 6 })).toBe(true);
        expect(date < today.plus({ years: 1 })).toBe(true);
        // this year's, unless this year's was more than six months ago: then next year's
        const firstOfMonth = DateTime.fromObject({ year: today.year, month: m, day: 1 }, { zone: tz });
        const thisYears = firstOfMonth.set({ day: Math.min(d, firstOfMonth.daysInMonth!) });
        expect(date.year).toBe(thisYears < today.minus({ months: 6 }) ? today.year + 1 : today.year);
      }),
      runs(1500),
    );
  });

  it('relative words resolve against the injected now in the campaign’s timezone, the same in Chinese and English', () => {
    const WD = ['一', '二', '三', '四', '五', '六', '日'];
    const EN = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
    fc.assert(
      fc.property(now, zone, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 99 }), (at, tz, n, wd, k) => {
        const today = DateTime.fromJSDate(at, { zone: tz }).startOf('day');
        const iso = (x: DateTime) => x.toISODate();
        const p = (s: string) => parseDate(s, at, tz);
        expect([p('今天'), p('今日'), p('today'), p('TODAY')]).toEqual(Array(4).fill(iso(today)));
        expect([p('明天'), p('明日'), p('tomorrow'), p('Tomorrow')]).toEqual(Array(4).fill(iso(today.plus({ days: 1 }))));
        expect([p('后天'), p('大后天'), p('昨天'), p('yesterday')]).toEqual([iso(today.plus({ days: 2 })), iso(today.plus({ days: 3 })), iso(today.minus({ days: 1 })), iso(today.minus({ days: 1 }))]);
        expect([p(`${n}天后`), p(`${n}日以后`), p(`in ${n} days`), p(`${toCn(k)}天之后`)]).toEqual([iso(today.plus({ days: n })), iso(today.plus({ days: n })), iso(today.plus({ days: n })), iso(today.plus({ days: k }))]);
        expect([p(`${n}周后`), p(`in ${n} weeks`), p(`${n}个月后`), p(`in ${n} months`)]).toEqual([iso(today.plus({ weeks: n })), iso(today.plus({ weeks: n })), iso(today.plus({ months: n })), iso(today.plus({ months: n }))]);
        // 周五 / friday: the coming one (today counts); 下周五 / next friday: in next week (weeks start on Monday)
        const coming = today.plus({ days: (wd - today.weekday + 7) % 7 });
        const nextWeek = today.startOf('week').plus({ weeks: 1, days: wd - 1 });
        expect([p(`周${WD[wd - 1]}`), p(`星期${WD[wd - 1]}`), p(`礼拜${wd}`), p(EN[wd - 1]!), p(EN[wd - 1]!.slice(0, 3))]).toEqual(Array(5).fill(iso(coming)));
        expect([p(`下周${WD[wd - 1]}`), p(`下个星期${WD[wd - 1]}`), p(`next ${EN[wd - 1]}`)]).toEqual(Array(3).fill(iso(nextWeek)));
        expect(p(`下下周${WD[wd - 1]}`)).toBe(iso(nextWeek.plus({ weeks: 1 })));
        expect([p('月底'), p('本月底'), p('end of month'), p('end of this month')]).toEqual(Array(4).fill(iso(today.endOf('month').startOf('day'))));
        expect([p('下月底'), p('end of next month')]).toEqual(Array(2).fill(iso(today.plus({ months: 1 }).endOf('month').startOf('day'))));
      }),
      runs(150),
    );
  });

  it('a date with a time reads as that day at that time, in the campaign’s timezone', () => {
    fc.assert(
      fc.property(now, zone, fc.integer({ min: 4, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('明天', 'tomorrow', '2030-06-15', '6月15日'), fc.constantFrom(' ', '', ' at ', '的'), (at, tz, hour, minute, dateWord, sep) => {
        const today = DateTime.fromJSDate(at, { zone: tz }).startOf('day');
        const forms: Array<[string, number, number]> = [
          [`${hour}:${pad(minute)}`, hour, minute],
          [`${hour}点${minute ? `${minute}分` : ''}`, hour, minute],
          [`${hour}点半`, hour, 30],
          [`${toCn(hour)}点`, hour, 0],
          ...(hour >= 13 ? ([[`下午${hour - 12}点`, hour, 0], [`${hour - 12}:${pad(minute)}pm`, hour, minute]] as Array<[string, number, number]>) : []),
          ...(hour <= 11 ? ([[`上午${hour}点`, hour, 0], [`${hour}am`, hour, 0]] as Array<[string, number, number]>) : []),
        ];
        const day = parseDate(dateWord, at, tz)!;
        // "tomorrow10:00" runs the word into the time
        if (/^[a-z]/.test(dateWord) && sep === '') return;
        for (const [time, h, min] of forms) {
          const dt = parseDateTime(`${dateWord}${sep}${time}`, at, tz);
          expect(dt?.toISODate(), `${dateWord}${sep}${time}`).toBe(day);
          expect([dt!.hour, dt!.minute, dt!.zoneName]).toEqual([h, min, tz]);
        }
        // a time alone is today
        expect(parseDateTime(`${hour}:${pad(minute)}`, at, tz)?.toISODate()).toBe(today.toISODate());
      }),
      runs(300),
    );
  });

  it('counts too large for a calendar are not dates (they used to throw or answer null)', () => {
    const at = new Date('2026-11-23T02:00:00Z');
    for (const s of ['9'.repeat(30) + '天后', '99999999999天后', 'in 99999999999 days', '99999999个月后', `in ${'9'.repeat(400)} weeks`]) {
      expect(() => parseDate(s, at, 'Asia/Shanghai')).not.toThrow();
      expect(parseDate(s, at, 'Asia/Shanghai')).toBeUndefined();
      expect(parseDateTime(`${s} 10:00`, at, 'Asia/Shanghai')).toBeUndefined();
    }
    expect(parseDate('2月29日', new Date('2027-11-01T00:00:00Z'), 'Asia/Shanghai')).toBe('2028-02-29');
    expect(parseDate('2月29日', new Date('2026-03-01T00:00:00Z'), 'Asia/Shanghai')).toBeUndefined();
    expect([readTime('13pm'), readTime('0am'), readTime('12am')?.hour, readTime('12pm')?.hour]).toEqual([undefined, undefined, 0, 12]);
  });
});

// The plan loader -----------------------------------------------------------------------------------------------------

type Path = Array<string | number>;
const pathText = (p: Path) => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${k}`)).join('');
const clone = <T>(v: T): T => structuredClone(v);
function getAt(o: any, p: Path): any {
  return p.reduce((x, k) => x?.[k], o);
}
function setAt(o: any, p: Path, v: unknown) {
  getAt(o, p.slice(0, -1))[p.at(-1)!] = v;
}
function deleteAt(o: any, p: Path) {
  const parent = getAt(o, p.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(p.at(-1) as number, 1);
  else delete parent[p.at(-1)!];
}
function allPaths(v: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length ? [at] : [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...allPaths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...allPaths(x, [...at, k]));
  return out;
}

const PATHS = allPaths(plan);
const LEAVES = PATHS.filter((p) => typeof getAt(plan, p) === 'string');
const UNIT_REFS: Path[] = [
  ['campaign', 'office_unit'],
  ...plan.people.map((_: unknown, i: number) => ['people', i, 'unit']),
  ...plan.groups.flatMap((g: any, i: number) => [['groups', i, 'lead'], ...g.units.map((_: unknown, j: number) => ['groups', i, 'units', j])]),
  ...plan.meetings.flatMap((m: any, i: number) => [...(m.organiser ? [['meetings', i, 'organiser']] : []), ...(m.attendees ?? []).map((_: unknown, j: number) => ['meetings', i, 'attendees', j])]),
  ...plan.tasks.flatMap((t: any, i: number) => [['tasks', i, 'lead'], ...(t.cooperating ?? []).map((_: unknown, j: number) => ['tasks', i, 'cooperating', j])]),
];
const GROUP_REFS: Path[] = [
  ...plan.people.flatMap((p: any, i: number) => (p.groups ?? []).map((_: unknown, j: number) => ['people', i, 'groups', j])),
  ...plan.meetings.flatMap((m: any, i: number) => (m.group ? [['meetings', i, 'group']] : [])),
  ...plan.tasks.flatMap((t: any, i: number) => (t.group ? [['tasks', i, 'group']] : [])),
];
const LISTS = ['units', 'people', 'groups', 'reporting', 'meetings', 'tasks'] as const;
const KEY_OF: Record<(typeof LISTS)[number], string> = { units: 'name', people: 'open_id', groups: 'name', reporting: 'name', meetings: 'title', tasks: 'title' };

const kindOf = (x: unknown) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);

/** A value of another type than the one at the path (a number leaf such as ledger.yellow_within never gets a number:
 * FUZZ_SEED=1201439365 set it to 3, its own value, and expected a refusal). */
const wrongType = (v: unknown) => {
  const pool =
    typeof v === 'string' ? [0, 12.5, true, false, null, [], ['x'], {}, { name: 'x' }] : Array.isArray(v) ? ['x', 3, true, null, { a: 1 }] : ['x', 3, true, null, ['x']];
  return fc.constantFrom<unknown>(...pool.filter((c) => kindOf(c) !== kindOf(v)));
};

/** One mutation, with the path a rejection must name when the mutation alone is certain to be an error there. */
type Mutation = { what: string; apply(p: any): void; expect?: string };
const unknownName = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map((s) => `未登记${s.trim() || 'x'}`);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...PATHS).map((p) => ({ what: `delete ${pathText(p)}`, apply: (o: any) => deleteAt(o, p) })),
  fc.constantFrom(...PATHS).chain((p) => wrongType(getAt(plan, p)).map((v) => ({ what: `${pathText(p)} = ${JSON.stringify(v)}`, apply: (o: any) => setAt(o, p, clone(v)), expect: pathText(p) }))),
  fc.tuple(fc.constantFrom(...UNIT_REFS), unknownName).map(([p, n]) => ({ what: `${pathText(p)} = ${n}`, apply: (o: any) => setAt(o, p, n), expect: pathText(p) })),
  fc.tuple(fc.constantFrom(...GROUP_REFS), unknownName).map(([p, n]) => ({ what: `${pathText(p)} = ${n}`, apply: (o: any) => setAt(o, p, n), expect: pathText(p) })),
  fc.tuple(fc.constantFrom(...LISTS), fc.nat()).map(([list, i]) => {
    const at = i % plan[list].length;
    // A task is a duplicate by title, lead and deadline together: the problem names the whole item.
    const expect = list === 'tasks' ? `${list}[${plan[list].length}]` : `${list}[${plan[list].length}].${KEY_OF[list]}`;
    return { what: `duplicate ${list}[${at}]`, apply: (o: any) => o[list].push(clone(o[list][at])), expect };
  }),
  fc.tuple(fc.nat(plan.tasks.length - 1), fc.constantFrom('2026-02-30', '2026-13-01', '2026-12-32', '2026-00-10', '12月31日', 'tomorrow', '2026-1-5', ' ', '2026-12-31T10:00', '31/12/2026', '二〇二六年')).map(([i, d]) => ({
    what: `tasks[${i}].deadline = ${d}`,
    apply: (o: any) => (o.tasks[i].deadline = d),
    expect: `tasks[${i}].deadline`,
  })),
  fc.constantFrom('25:00', '9', '17:60', 'noon', '', '1700', '17:00:00', '-1:00').map((t) => ({ what: `due.time = ${t}`, apply: (o: any) => (o.reporting[0].due.time = t), expect: 'reporting[0].due.time' })),
  fc.tuple(fc.nat(plan.meetings.length - 1), fc.constantFrom('weekly funday 15:00', 'monthly 0 09:00', 'monthly 32 09:00', 'monthly 45 09:00', 'weekly mon 24:00', 'daily 09:00', 'weekly mon', 'monthly fifth-mon 09:00', '')).map(([i, r]) => ({
    what: `meetings[${i}].recurrence = ${r}`,
    apply: (o: any) => (o.meetings[i].recurrence = r),
    expect: `meetings[${i}].recurrence`,
  })),
  fc.constantFrom(['campaign', 'timezone', 'Mars/Olympus'], ['campaign', 'locale', 'fr'], ['reporting.0.due', 'weekday', 'monkey'], ['reporting.0', 'cadence', 'daily'], ['people.0', 'open_id', 'dailei'], ['meetings.0', 'kind', 'party'], ['campaign', 'workday_calendar', 'us'], ['reporting.0', 'chats', ['somewhere']], ['units', '0', { name: '  ' }], ['reporting.0', 'remind_before', ['1 week']]).map(([at, key, v]) => {
    const p: Path = [...(at as string).split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), /^\d+$/.test(key as string) ? Number(key) : (key as string)];
    return { what: `${pathText(p)} = ${JSON.stringify(v)}`, apply: (o: any) => setAt(o, p, clone(v)), expect: pathText(p) };
  }),
  fc.tuple(fc.constantFrom(...LEAVES), fc.constantFrom(100_000, 300_000), fc.constantFrom('x', '字', '😀', ' ')).map(([p, n, ch]) => ({ what: `${pathText(p)} = ${ch}×${n}`, apply: (o: any) => setAt(o, p, ch.repeat(n)) })),
  fc.tuple(fc.constantFrom(...PATHS.filter((p) => { const v = getAt(plan, p); return v && typeof v === 'object' && !Array.isArray(v); })), fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })).map(([p, k, v]) => ({ what: `${pathText(p)}.${k} added`, apply: (o: any) => { if (k !== '__proto__') getAt(o, p)[k] = v; } })),
  fc.tuple(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 3 })).map(([p, v]) => ({ what: `${pathText(p)} = random`, apply: (o: any) => setAt(o, p, v) })),
);

/** Every row of every table, in a stable order: what "nothing written" is checked against. */
function dump(dbh: DbHandle): string {
  const tables = dbh.db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' order by name`) as unknown as Array<{ name: string }>;
  return JSON.stringify(tables.map(({ name }) => [name, dbh.db.all(sql.raw(`select * from "${name}" order by rowid`))]));
}

describe('the plan loader', () => {
  const clock = new ManualClock('2026-11-23T02:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'duban-fuzz-plan-'));
  const empty = openSqlite(join(dir, 'empty.db'));
  const applied = openSqlite(join(dir, 'applied.db'));
  beforeAll(async () => {
    expect((await applyPlanText(applied, readFileSync(examplePlan, 'utf8'), clock)).ok).toBe(true);
  });
  afterAll(() => {
    empty.close();
    applied.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Applies inside a transaction that is always rolled back, so each case starts from the same database. */
  async function attempt(dbh: DbHandle, text: string) {
    const before = dump(dbh);
    dbh.db.run(sql`begin`);
    try {
      const res = await applyPlanText(dbh, text, clock);
      if (!res.ok) expect(dump(dbh)).toBe(before);
      else expect(await applyPlanText(dbh, text, clock)).toMatchObject({ ok: true, changes: [] });
      return res;
    } finally {
      dbh.db.run(sql`rollback`);
    }
  }

  const checkProblems = (res: Awaited<ReturnType<typeof attempt>>) => {
    if (res.ok) return;
    expect(res.problems.length).toBeGreaterThan(0);
    for (const p of res.problems) {
      expect(typeof p.path).toBe('string');
      expect(p.path.length).toBeGreaterThan(0);
      expect(p.message.length).toBeGreaterThan(0);
    }
  };

  it('one mutation of the reference plan: refused with the mutated path named and nothing written, or applied and idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom('yaml', 'json'), fc.boolean(), async (mut, format, onApplied) => {
        const p = clone(plan);
        mut.apply(p);
        const text = format === 'yaml' ? toYaml(p) : JSON.stringify(p);
        const res = await attempt(onApplied ? applied : empty, text);
        checkProblems(res);
        if (mut.expect) {
          expect(res.ok, mut.what).toBe(false);
          if (!res.ok) {
            const related = res.problems.filter((x) => x.path === mut.expect || x.path.startsWith(`${mut.expect}.`) || x.path.startsWith(`${mut.expect}[`));
            expect(related.length, `${mut.what} → ${JSON.stringify(res.problems)}`).toBeGreaterThan(0);
          }
        }
      }),
      runs(150),
    );
  });

  it('several mutations at once: never an exception, and a refused plan writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 2, maxLength: 5 }), fc.constantFrom('yaml', 'json'), fc.boolean(), async (muts, format, onApplied) => {
        const p = clone(plan);
        for (const m of muts) {
          try {
            m.apply(p);
          } catch {
            // an earlier mutation removed what this one edits: skip it
          }
        }
        checkProblems(await attempt(onApplied ? applied : empty, format === 'yaml' ? toYaml(p) : JSON.stringify(p)));
      }),
      runs(80),
    );
  });

  it('arbitrary text, arbitrary JSON and broken reference text: one clear problem, nothing written', async () => {
    const reference = readFileSync(examplePlan, 'utf8');
    const broken = fc.tuple(fc.nat(reference.length), fc.nat(400), anyString).map(([at, cut, ins]) => reference.slice(0, at) + ins + reference.slice(at + cut));
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyString, fc.jsonValue().map((v) => JSON.stringify(v)), broken), fc.boolean(), async (text, onApplied) => {
        checkProblems(await attempt(onApplied ? applied : empty, text));
      }),
      runs(120),
    );
  });

  it('YAML bombs, deep nesting, duplicate keys and huge documents are refused quickly, by path', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), 'campaign: {name: x}', 'units: [{name: u}]'].join('\n');
    const cases = [
      bomb,
      '['.repeat(50_000),
      `campaign: {name: x}\nunits: ${'['.repeat(5_000)}${']'.repeat(5_000)}`,
      'campaign: {name: x}\ncampaign: {name: y}\nunits: [{name: u}]',
      `campaign: {name: x}\nunits: [${Array.from({ length: 6_000 }, (_, i) => `{name: u${i % 3_000}}`).join(',')}]`,
      // a 300,000-character timezone in a JSON plan: ICU took 7 s over it before the schema bounded its length
      JSON.stringify({ campaign: { name: 'x', timezone: '字'.repeat(300_000) }, units: [{ name: 'u' }] }),
      '\u0000\ufeff\ud800',
      '',
      '---\n---\n',
    ];
    for (const text of cases) {
      const t0 = performance.now();
      const res = await attempt(empty, text);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(res.ok).toBe(false);
      checkProblems(res);
    }
    // 6,000 units, each of 3,000 names twice: each duplicate named by its path
    const dup = readPlan(cases[4]!);
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.problems).toContainEqual({ path: 'units[3000].name', message: 'duplicate unit name or alias "u0"' });
  });

  it('a unit renamed with its old name kept as an alias takes over every reference to the old name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(plan.units.length - 1), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), async (i, suffix) => {
        const p = clone(plan);
        const old = p.units[i];
        const renamed = `${old.name}（新）${suffix.trim() || 'x'}`;
        fc.pre(!UNIT_NAMES.includes(renamed));
        p.units[i] = { name: renamed, aliases: [...(old.aliases ?? []), old.name] };
        applied.db.run(sql`begin`);
        try {
          const r = readPlan(toYaml(p));
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect((await applyPlan(applied, r.plan, clock)).ok).toBe(true);
          const active = new Set((applied.db.all(sql`select id from units where active = 1`) as Array<{ id: number }>).map((u) => u.id));
          const refs: number[] = [];
          for (const g of applied.db.all(sql`select lead_unit_id as l, unit_ids as u from groups where active = 1`) as Array<{ l: number; u: string }>) refs.push(g.l, ...(JSON.parse(g.u) as number[]));
          for (const x of applied.db.all(sql`select unit_id as u from people where active = 1`) as Array<{ u: number }>) refs.push(x.u);
          for (const m of applied.db.all(sql`select attendee_unit_ids as a, organiser_unit_id as o from meetings`) as Array<{ a: string; o: number | null }>) refs.push(...(JSON.parse(m.a) as number[]), ...(m.o ? [m.o] : []));
          const office = applied.db.all(sql`select office_unit_id as o from campaigns`) as Array<{ o: number }>;
          refs.push(office[0]!.o);
          expect(refs.filter((id) => !active.has(id))).toEqual([]);
        } finally {
          applied.db.run(sql`rollback`);
        }
      }),
      runs(15),
    );
  });
});

// End to end over HTTP ----------------------------------------------------------------------------------------------

describe('end to end: random messages through the real server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const rows = (q: string) => JSON.stringify(h.server.runtime.dbh.db.all(sql.raw(q)));
  const repliesTo = (messageId: string) => h.fake.messages.filter((m) => m.reply_to === messageId);
  const healthy = async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect([res.status, await res.json()]).toEqual([200, { ok: true }]);
  };
  const PEOPLE = [
    { from: 'ou_chenbo', chat: 'oc_xinhe_office' },
    { from: 'ou_wangmin', chat: 'oc_xinhe_weiwen' },
    { from: 'ou_zhangli', chat: 'oc_p2p_zhangli' },
    { from: 'ou_liqiang', chat: 'oc_xinhe_anquan' },
    { from: 'ou_nobody', chat: 'oc_xinhe_office' },
  ];

  it('any text from anyone: exactly one reply each, no command crashes, and the server stays healthy', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PEOPLE), fc.oneof(mutatedExample, mutatedExample, commandish, anyString.map((s) => s.slice(0, 80))), async (who, text) => {
        // the export command answers with a file too; binding would move the campaign's chats under the next runs
        fc.pre(!/导出|export|绑定|bind/i.test(halfWidth(text)));
        n++;
        const { status, messageId, eventId } = await h.say({ ...who, text });
        expect(status).toBe(200);
        expect(repliesTo(messageId).length, JSON.stringify(text)).toBe(1);
        const [row] = h.server.runtime.dbh.db.all(sql`select outcome, handled_at as handled from inbox where event_id = ${eventId}`) as Array<{ outcome: string; handled: string }>;
        expect(row?.handled).toBeTruthy();
        expect(row?.outcome, JSON.stringify(text)).not.toBe('error');
      }),
      runs(20),
    );
    expect(n).toBeGreaterThan(10);
    await healthy();
  });

  it('a malformed 任务 新增 / task add stores nothing and is answered with what was wrong', async () => {
    const noColon = anyString.map((s) => s.replace(/[:：]/g, '').slice(0, 40));
    const notADate = noColon.filter((s) => s.trim() !== '' && parseDate(s.trim(), h.clock.now(), 'Asia/Shanghai') === undefined);
    const malformed = fc.oneof(
      // no named arguments at all: lead and due are missing
      fc.tuple(fc.constantFrom('任务 新增', '任务新增', 'task add', '/新增任务', '任务　添加'), noColon).map(([w, g]) => `${w} ${g}`),
      // a lead unit nobody has
      fc.tuple(noColon, fc.nat(9999)).map(([g, n]) => `任务 新增 标题${g.replace(/\s/g, '')} 牵头：火星办${n} 截止：明天`),
      // a deadline that is not a date
      notADate.map((g) => `任务 新增 核查台账 牵头：区公安局 截止：${g}`),
      notADate.map((g) => `task add check roofs lead:经开区管委会 with:泰达城发集团 due:${g}`),
      // cooperating units that do not exist, in a list
      fc.tuple(fc.nat(99), fc.constantFrom('、', '，', ';', ',')).map(([n, sep]) => `任务 新增 清理楼道 牵头：区公安局 配合：区民政局${sep}不存在单位${n} 截止：12月31日`),
    );
    const before = { tasks: rows('select * from tasks order by id'), events: rows('select * from task_events order by id') };
    await fc.assert(
      // spread over chats: the sender keeps to Lark's 5 messages a second per chat
      fc.asyncProperty(malformed, fc.constantFrom('oc_xinhe_office', 'oc_xinhe_leaders', 'oc_p2p_chenbo', 'oc_xinhe_mopai'), async (text, chat) => {
        const { messageId } = await h.say({ from: 'ou_chenbo', chat, text });
        const replies = repliesTo(messageId);
        expect(replies.length).toBe(1);
        expect(replies[0]!.msg_type, text).toBe('text');
        expect(rows('select * from tasks order by id'), text).toBe(before.tasks);
        expect(rows('select * from task_events order by id')).toBe(before.events);
      }),
      runs(12),
    );
    await healthy();
  });
});
