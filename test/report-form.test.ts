// Private reminders with a form (remind_by: [group, dm]) through the real path: the reminder job sends each liaison of
// each unit that has not reported a card with a form container, once per period; the submit arrives as a signed
// card.action.trigger with form_value and files the report as a chat report would (same store, revisions, card);
// a metric that is not a number is refused and nothing is stored; [dm] alone posts nothing in the group; the chase
// brings the form when no reminder did, and never a second one.
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { readHead } from '../commands/report.js';
import { reports, units } from '../db/schema.js';
import { readValue } from '../src/core/report-metrics.js';
import { parseReport } from '../src/core/report-parser.js';
import { commandOfClick } from '../src/pipeline/card-actions.js';
import { readPlan } from '../src/plan/apply.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'report-form.plan.yaml');
const sh = (s: string) => DateTime.fromISO(s, { zone: 'Asia/Shanghai' }).toJSDate();
let h: Harness;
let n = 0;

async function tick(at: string) {
  h.clock.set(sh(at));
  await h.server.runtime.runner.tick(sh(at));
  await h.settle();
}

/** The form card a person got privately (the fake files a message sent to an open_id under that open_id). */
const formsTo = (openId: string) => h.fake.messagesIn(openId).filter((m) => m.msg_type === 'interactive');
const formOf = (content: any) => content.body.elements.find((e: any) => e.tag === 'form');

/** A click on the form's submit button: Lark's card.action.trigger with the button's value and the form's inputs. */
async function submit(from: string, value: Record<string, string>, formValue: Record<string, string>) {
  // The shape of a form submit as Lark documents it (表单容器, 回调结构): action.value, tag, timezone, form_value, name.
  const ev = fixture('card.action.trigger.form');
  ev.header.event_id = `ev_form_${++n}`;
  ev.event.operator.open_id = from;
  ev.event.action.value = value;
  ev.event.action.form_value = formValue;
  ev.event.context.open_chat_id = `oc_p2p_${from}`;
  const res = await h.post(ev, { path: '/lark/cards' });
  const body = (await res.json()) as { toast: { type: string; content: string } };
  await h.settle();
  const said = h.fake.messagesIn(`oc_p2p_${from}`).at(-1);
  return { toast: body.toast, said: said ? flatten(said.content) : '', content: said?.content };
}

async function reportOf(unit: string, period: string) {
  const db = h.server.runtime.dbh.db;
  const [u] = await db.select().from(units).where(eq(units.name, unit));
  return (await db.select().from(reports).where(and(eq(reports.unitId, u!.id), eq(reports.period, period))))[0];
}

beforeAll(async () => {
  h = await startHarness({ plan: PLAN, now: '2026-11-23T01:00:00Z' });
  await tick('2026-11-23T09:00');
});
afterAll(() => h.close());

describe('remind_by: [group, dm]', () => {
  it('the day before, the group chat gets the reminder and each liaison a private form with the rule’s metrics', async () => {
    await tick('2026-11-26T17:00');
    expect(h.textsIn('oc_wj_chaiwei').some((t) => t.includes('【报送提醒】拆违周报'))).toBe(true);
    for (const who of ['ou_malan', 'ou_gaoyuan', 'ou_linhai']) expect(formsTo(who), who).toHaveLength(1);
    // a member who is no liaison, and the office, get nothing privately
    expect(formsTo('ou_songjia')).toHaveLength(0);
    expect(formsTo('ou_zhouping')).toHaveLength(0);
    const content = formsTo('ou_malan')[0]!.content;
    expect(flatten(content).replace(/\*\*/g, '')).toContain('北塘街道的「拆违周报」（第48周（11月23日—27日））将于 11月27日（周五）17:00 截止');
    const form = formOf(content);
    expect(form.elements.map((e: any) => e.name)).toEqual(['progress', 'problems', 'next', 'metric_0', 'metric_1', 'report_submit']);
    expect(form.elements.slice(3, 5).map((e: any) => e.label.content)).toEqual(['拆除', '面积']);
    expect(form.elements[0].required).toBe(true);
    const button = form.elements.at(-1);
    expect(button.form_action_type).toBe('submit');
    expect(button.behaviors[0].value).toEqual({ a: 'report.submit', r: '拆违周报', p: '2026-W48', m: '["拆除","面积"]' });
  });

  it('the second reminder reaches the group chat again but sends no liaison a second form', async () => {
    const before = h.textsIn('oc_wj_chaiwei').length;
    await tick('2026-11-27T15:00');
    expect(h.textsIn('oc_wj_chaiwei').length).toBe(before + 1);
    for (const who of ['ou_malan', 'ou_gaoyuan', 'ou_linhai']) expect(formsTo(who), who).toHaveLength(1);
  });

  it('a submit files the liaison’s unit’s report and answers with the chat report’s confirmation card', async () => {
    h.clock.set(sh('2026-11-27T15:30'));
    const { value } = formOf(formsTo('ou_malan')[0]!.content).elements.at(-1).behaviors[0];
    const { toast, said, content } = await submit('ou_malan', value, { progress: '拆除违建5处\n清理渣土3车', problems: '', next: '继续拆除', metric_0: '5', metric_1: '120' });
    expect(toast.type).toBe('success');
    expect(content.header.title.content).toBe('进度专报已收到 · 北塘街道');
    expect(said).toContain('按时报送');
    expect(said).toContain('拆除：5');
    expect(said).toContain('面积：120');
    const row = await reportOf('北塘街道', '2026-W48');
    expect(row).toMatchObject({ progress: '拆除违建5处\n清理渣土3车', nextSteps: '继续拆除', late: false, revision: 1 });
    expect(row!.metrics).toMatchObject({ 拆除: 5, 面积: 120 });
  });

  it('a second submit for the unit replaces the report and keeps the first as a revision', async () => {
    h.clock.set(sh('2026-11-27T16:00'));
    const { value } = formOf(formsTo('ou_gaoyuan')[0]!.content).elements.at(-1).behaviors[0];
    const { said } = await submit('ou_gaoyuan', value, { progress: '拆除违建6处', problems: '1户拒不配合', next: '联合执法', metric_0: '六', metric_1: '' });
    expect(said).toContain('已更新本期专报（第 2 版）');
    expect(said).toContain('已列入问题清单');
    const row = await reportOf('北塘街道', '2026-W48');
    expect(row).toMatchObject({ progress: '拆除违建6处', problems: '1户拒不配合', revision: 2 });
    expect(row!.metrics['拆除']).toBe(6);
  });

  it('a metric that is not a number is refused, named, and nothing is filed', async () => {
    h.clock.set(sh('2026-11-27T16:10'));
    const { value } = formOf(formsTo('ou_linhai')[0]!.content).elements.at(-1).behaviors[0];
    const { toast, said } = await submit('ou_linhai', value, { progress: '拆除违建2处', problems: '', next: '', metric_0: '两处左右', metric_1: '40' });
    expect(toast.type).toBe('error');
    expect(toast.content).toContain('指标「拆除」应填写数字');
    expect(said).toContain('收到「两处左右」。本次未登记');
    expect(await reportOf('新港街道', '2026-W48')).toBeUndefined();
  });

  it('a form submitted by someone else of the campaign files for their own unit, as a chat report would', async () => {
    h.clock.set(sh('2026-11-27T16:20'));
    // 胡家园街道's member submits a form forwarded to them: it files for 胡家园街道, their own unit.
    const { said } = await submit('ou_songjia', { a: 'report.submit', r: '拆违周报', p: '2026-W48', m: '["拆除","面积"]' }, { progress: '排查完毕', metric_0: '0' });
    expect(said).toContain('进度专报已收到 · 胡家园街道');
    expect((await reportOf('胡家园街道', '2026-W48'))?.progress).toBe('排查完毕');
  });
});

describe('remind_by: [dm]', () => {
  it('a private-only rule reminds each liaison with the form and posts nothing in the group chat', async () => {
    // 月度进展 is due on Monday 30 November 17:00; its 1-day reminder falls on Sunday and moves back to Friday 17:00.
    await tick('2026-11-27T17:00');
    for (const who of ['ou_malan', 'ou_linhai']) expect(formsTo(who).filter((m) => flatten(m.content).includes('【报送提醒】月度进展')), who).toHaveLength(1);
    expect(formsTo('ou_gaoyuan').filter((m) => flatten(m.content).includes('月度进展'))).toHaveLength(1);
    expect(h.textsIn('oc_wj_chaiwei').some((t) => t.includes('月度进展'))).toBe(false);
    expect(formOf(formsTo('ou_linhai').at(-1)!.content).elements.map((e: any) => e.name)).toEqual(['progress', 'problems', 'next', 'report_submit']);
  });

  it('the chase after a reminder sends no second form for the period', async () => {
    await tick('2026-11-27T17:01');
    expect(h.textsIn('oc_wj_chaiwei').some((t) => t.includes('【催报】拆违周报'))).toBe(true);
    expect(formsTo('ou_linhai').filter((m) => flatten(m.content).includes('拆违周报'))).toHaveLength(1);
    h.clock.set(sh('2026-11-30T10:00'));
    await h.say({ from: 'ou_malan', chat: 'oc_p2p_ou_malan', text: '汇报 制度 月度进展\n进展：本月拆除违建11处\n问题：无\n下一步：巩固成果' });
    await tick('2026-11-30T17:01');
    expect(h.textsIn('oc_wj_chaiwei').some((t) => t.includes('【催报】月度进展'))).toBe(true);
    expect(formsTo('ou_linhai').filter((m) => flatten(m.content).includes('月度进展'))).toHaveLength(1);
  });

  it('a rule with no reminder offset brings the late form with the chase, once, and it files a late report', async () => {
    // 季度总结 is due on Thursday 31 December 17:00.
    await tick('2026-12-31T17:01');
    const late = formsTo('ou_linhai').filter((m) => flatten(m.content).includes('【催报】季度总结'));
    expect(late).toHaveLength(1);
    expect(flatten(late[0]!.content)).toContain('已过截止时间');
    expect(formsTo('ou_malan').filter((m) => flatten(m.content).includes('季度总结'))).toHaveLength(0);
    await tick('2026-12-31T17:31');
    expect(formsTo('ou_linhai').filter((m) => flatten(m.content).includes('季度总结'))).toHaveLength(1);
    const { value } = formOf(late[0]!.content).elements.at(-1).behaviors[0];
    h.clock.set(sh('2026-12-31T18:00'));
    const { said } = await submit('ou_linhai', value, { progress: '本季度拆除违建14处' });
    expect(said).toContain('进度专报已收到 · 新港街道');
    expect(said).toContain('逾期报送');
    expect((await reportOf('新港街道', '2026-Q4'))?.late).toBe(true);
  });
});

describe('the plan keys', () => {
  const plan = readFileSync(PLAN, 'utf8');
  it('remind_by takes group and dm only, and not an empty list; metrics are names, each once', () => {
    const problems = (text: string) => {
      const r = readPlan(text);
      return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(problems(plan)).toEqual([]);
    expect(problems(plan.replace('    remind_by: [group, dm]', '    remind_by: [group, sms]')).join()).toContain('reporting[0].remind_by[1]');
    expect(problems(plan.replace('    remind_by: [group, dm]', '    remind_by: []'))).toContain('reporting[0].remind_by: remind_by needs group, dm or both');
    expect(problems(plan.replace('metrics: [拆除, 面积]', 'metrics: [拆除, 面积, 拆除]'))).toContain('reporting[0].metrics[2]: duplicate metric "拆除"');
    expect(problems(plan.replace('metrics: [拆除, 面积]', 'metrics: [拆除=0]'))).toContain('reporting[0].metrics[0]: a metric name cannot hold = : , ; or 、 (they separate metrics in a report)');
    expect(problems(plan.replace('    remind_by: [group, dm]', '    remind_bye: [dm]'))).toContain('reporting[0].remind_bye: unknown key; did you mean remind_by?');
    expect(problems(plan.replace('metrics: [拆除, 面积]', `metrics: [${Array.from({ length: 11 }, (_, i) => `指标${i}`).join(', ')}]`))).toContain('reporting[0].metrics: at most 10 metrics per rule (one form box each)');
    expect(problems(plan.replace('metrics: [拆除, 面积]', `metrics: [${'长'.repeat(21)}]`))).toContain('reporting[0].metrics[0]: a metric name takes at most 20 characters (it labels a form box)');
  });
});

describe('an English campaign', () => {
  let en: Harness;
  afterAll(() => en?.close());
  it('gets the form in English, and its submit files the report with the English confirmation', async () => {
    const plan = join(mkdtempSync(join(tmpdir(), 'duban-en-form-')), 'plan.yaml');
    writeFileSync(plan, readFileSync(PLAN, 'utf8').replace('locale: zh', 'locale: en'));
    en = await startHarness({ plan, now: '2026-11-23T01:00:00Z' });
    const at = sh('2026-11-26T17:00');
    en.clock.set(at);
    await en.server.runtime.runner.tick(sh('2026-11-23T09:00'));
    await en.server.runtime.runner.tick(at);
    await en.settle();
    const [form] = en.fake.messagesIn('ou_linhai');
    expect(form!.content.header.title.content).toBe('Report reminder: 拆违周报');
    const f = form!.content.body.elements.find((e: any) => e.tag === 'form');
    expect(f.elements[0].label.content).toBe('Progress (required)');
    const value = f.elements.at(-1).behaviors[0].value;
    expect(value.l).toBe('en');
    const ev = fixture('card.action.trigger.form');
    ev.header.event_id = 'ev_form_en_1';
    ev.event.operator.open_id = 'ou_linhai';
    ev.event.action.value = value;
    ev.event.action.form_value = { progress: '2 sites cleared', problems: '', next: 'survey the rest', metric_0: '2', metric_1: '' };
    ev.event.context.open_chat_id = 'oc_p2p_ou_linhai';
    await en.post(ev, { path: '/lark/cards' });
    await en.settle();
    const reply = en.fake.messagesIn('oc_p2p_ou_linhai').at(-1)!;
    expect(reply.content.header.title.content).toBe('Report received · 新港街道');
    expect(flatten(reply.content)).toContain('拆除: 2');
    const bad = fixture('card.action.trigger.form');
    bad.header.event_id = 'ev_form_en_2';
    bad.event.operator.open_id = 'ou_linhai';
    bad.event.action.value = value;
    bad.event.action.form_value = { progress: 'x', metric_1: 'lots' };
    bad.event.context.open_chat_id = 'oc_p2p_ou_linhai';
    const res = (await (await en.post(bad, { path: '/lark/cards' })).json()) as { toast: { content: string } };
    expect(res.toast.content).toBe('The metric "面积" takes a number (12, 45%), not "lots". Nothing was filed; correct it and submit again.');
  });
});

describe('the form’s metric boxes and the report parser agree', () => {
  const value = { a: 'report.submit', r: '拆违周报', p: '2026-W48', m: '["拆除"]' };
  const filed = (typed: string) => {
    const click = commandOfClick(value, { progress: '完成排查', metric_0: typed });
    if (!click.ok) return click;
    const { body } = readHead(click.text.replace(/^汇报 /, ''));
    return { ok: true as const, head: readHead(click.text.replace(/^汇报 /, '')), metrics: parseReport(body).metrics };
  };
  it('a box is either refused by name, or filed as exactly the number it reads as (never another)', () => {
    const typed = fc.oneof(
      fc.integer({ min: 0, max: 10_000_000 }).map(String),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => x.toFixed(2)),
      fc.constantFrom('十二', '三百零五', '两', '45%', '百分之六十', '300平方米', '12处', '无', '1,200', '３', '约12', '12左右', 'abc', '-5', '1e3', '12.5.1'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(typed, (t) => {
        const r = filed(t);
        if (!t.trim()) return r.ok && !('拆除' in r.metrics);
        const reading = readValue(t.trim().replace(/\s+/g, ' '));
        if (!r.ok) return reading === undefined && (r.tell ?? '').includes('指标「拆除」应填写数字');
        if (!reading) return false;
        return (r.metrics['拆除'] ?? r.metrics['拆除（%）']) === reading.value && r.head.rule === '拆违周报' && r.head.period === '2026-W48';
      }),
    );
  });
});
