// The fake Open Platform refuses the cards real Lark refuses (card JSON 2.0 rules and the 230099 sub-codes of
// 发送消息), through the real SDK; and notes, without refusing, what Lark documents as merely not shown.
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLark, type FakeLark } from './server.js';

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
let fake: FakeLark;
let c: lark.Client;

beforeAll(async () => {
  fake = await startFakeLark();
  c = new lark.Client({ appId: 'cli_cards', appSecret: 'secret', domain: fake.url, loggerLevel: lark.LoggerLevel.error, logger: quiet });
});
afterAll(() => fake.close());

const card = (elements: unknown[], header: Record<string, unknown> = { title: { tag: 'plain_text', content: '任务' } }) => ({
  schema: '2.0',
  config: { update_multi: true, width_mode: 'fill' },
  header,
  body: { elements },
});
const table = (width: string) => ({
  tag: 'table',
  page_size: 10,
  columns: [{ name: 'id', display_name: '编号', data_type: 'text', width }],
  rows: [{ id: 'T1' }],
});

/** Sends a card; answers Lark's code and message (0 when accepted). */
async function send(content: unknown): Promise<{ code: number; msg: string }> {
  try {
    const res = await c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_cards', msg_type: 'interactive', content: JSON.stringify(content) } });
    return { code: res.code ?? 0, msg: res.msg ?? '' };
  } catch (e) {
    const data = (e as { response?: { data?: { code: number; msg: string } } }).response?.data;
    return { code: data?.code ?? -1, msg: data?.msg ?? String(e) };
  }
}

describe('card JSON 2.0 checks of the fake Open Platform', () => {
  it('a table column of 60px or 70px is refused (80–600 px, a percentage or auto)', async () => {
    for (const w of ['60px', '70px', '601px', '0%', 'wide']) {
      const r = await send(card([table(w)]));
      expect(r.code, w).toBe(230099);
      expect(r.msg).toContain('ErrCode: 200621');
    }
    for (const w of ['80px', '600px', '25%', 'auto']) expect((await send(card([table(w)]))).code, w).toBe(0);
  });

  it('an @-mention of an open_id the tenant does not know is refused with 100290; plan people and @all pass', async () => {
    const r = await send(card([{ tag: 'markdown', content: '请 <at id=ou_left_last_year></at> 报送' }]));
    expect(r).toEqual({ code: 230099, msg: expect.stringContaining('ErrCode: 100290; ErrMsg: There is an invalid user resource(at/person) in your card; ErrorValue: ou_left_last_year') });
    expect((await send(card([{ tag: 'markdown', content: '<at id=ou_zhangli></at> <at id=all></at>' }]))).code).toBe(0);
    expect((await send(card([{ tag: 'person', user_id: 'ou_nobody' }]))).msg).toContain('ErrCode: 100290');
    expect((await send(card([{ tag: 'person_list', persons: [{ id: 'ou_zhangli' }, { id: 'ou_nobody' }] }]))).msg).toContain('ErrorValue: ou_nobody');
    expect((await send(card([{ tag: 'person_list', drop_invalid_user_id: true, persons: [{ id: 'ou_nobody' }] }]))).code).toBe(0);
  });

  it('more than 200 components is refused (11310 element exceeds the limit); 30 KB is the size limit (230025)', async () => {
    const many = Array.from({ length: 201 }, () => ({ tag: 'hr' }));
    expect((await send(card(many))).msg).toContain('ErrCode: 11310; ErrMsg: element exceeds the limit');
    const big = await send(card([{ tag: 'markdown', content: '汇'.repeat(11_000) }]));
    expect(big.code).toBe(230025);
    expect((await send(card([{ tag: 'markdown', content: '汇'.repeat(9_000) }]))).code).toBe(0);
  });

  it('1.0 components (note, action) and unknown tags are refused; bad enums and ranges too', async () => {
    expect((await send(card([{ tag: 'note', elements: [] }]))).msg).toContain('ErrCode: 200861');
    expect((await send(card([{ tag: 'widget' }]))).msg).toContain('ErrCode: 200621');
    expect((await send(card([{ tag: 'button', type: 'huge', text: { tag: 'plain_text', content: 'x' } }]))).code).toBe(230099);
    expect((await send(card([{ ...table('auto'), page_size: 20 }]))).code).toBe(230099);
    expect((await send(card([{ tag: 'input', name: 'x', max_length: 5000 }]))).code).toBe(230099);
    expect((await send({ ...card([]), config: { update_multi: false } })).code).toBe(230099);
  });

  it('a fourth header tag is not refused, but noted: Lark shows three', async () => {
    const tag = (t: string) => ({ tag: 'text_tag', text: { tag: 'plain_text', content: t }, color: 'red' });
    const r = await send(card([{ tag: 'hr' }], { title: { tag: 'plain_text', content: '任务' }, text_tag_list: [tag('a'), tag('b'), tag('c'), tag('d')] }));
    expect(r.code).toBe(0);
    expect(fake.messages.at(-1)!.cardNotes).toEqual(['4 header tags: Lark shows only the first 3']);
  });
});

const input = (name?: string) => ({ tag: 'input', ...(name ? { name } : {}), placeholder: { tag: 'plain_text', content: '请输入' } });
const submit = (name = 'go', type = 'submit') => ({ tag: 'button', name, text: { tag: 'plain_text', content: '提交' }, form_action_type: type, behaviors: [{ type: 'callback', value: { a: 'x' } }] });
const form = (elements: unknown[], name = 'f') => ({ tag: 'form', name, elements });

describe('form containers (表单容器, 输入框)', () => {
  it('a form with named inputs and a submit button is accepted, also with the button in a column', async () => {
    expect((await send(card([form([input('a'), input('b'), submit()])]))).code).toBe(0);
    expect((await send(card([form([input('a'), { tag: 'column_set', columns: [{ tag: 'column', elements: [submit()] }] }])]))).code).toBe(0);
  });
  it('an input without a name, a name used twice in the card, or no submit button is refused', async () => {
    expect((await send(card([form([input(), submit()])]))).msg).toContain('needs a name');
    expect((await send(card([form([input('a'), input('a'), submit()])]))).msg).toContain('not unique');
    expect((await send(card([form([input('a'), submit('a')])]))).msg).toContain('not unique');
    expect((await send(card([form([input('a'), submit()], 'f'), form([input('b'), submit('go2')], 'f')]))).msg).toContain('not unique');
    expect((await send(card([form([input('a'), submit('r', 'reset')])]))).msg).toContain('form_action_type submit');
  });
  it('a form inside another container, or a table or chart inside a form (at any depth), is refused', async () => {
    expect((await send(card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [form([input('a'), submit()])] }] }]))).msg).toContain('root of the body');
    const chart = { tag: 'chart', chart_spec: { type: 'line', data: { values: [{ x: 'a', y: 1 }] }, xField: 'x', yField: 'y' } };
    expect((await send(card([form([input('a'), { tag: 'column_set', columns: [{ tag: 'column', elements: [chart] }] }, submit()])]))).msg).toContain('may not hold chart');
  });
  it('an input label is a text, rows a positive integer, label_position top or left', async () => {
    expect((await send(card([form([{ ...input('a'), label: { tag: 'plain_text', content: '进展' }, input_type: 'multiline_text', rows: 3, label_position: 'top' }, submit()])]))).code).toBe(0);
    expect((await send(card([form([{ ...input('a'), label: '进展' }, submit()])]))).code).toBe(230099);
    expect((await send(card([form([{ ...input('a'), rows: 0 }, submit()])]))).code).toBe(230099);
    expect((await send(card([form([{ ...input('a'), label_position: 'bottom' }, submit()])]))).code).toBe(230099);
  });
});

describe('charts (图表组件)', () => {
  const chart = (spec: unknown, extra: Record<string, unknown> = {}) => card([{ tag: 'chart', chart_spec: spec, ...extra }]);
  it('a line chart names xField and yField that every row carries; several series by seriesField', async () => {
    const values = [
      { month: '2026-10', rate: 80, unit: '甲' },
      { month: '2026-11', rate: 100, unit: '甲' },
    ];
    expect((await send(chart({ type: 'line', data: { values }, xField: 'month', yField: 'rate', seriesField: 'unit' }, { color_theme: 'rainbow' }))).code).toBe(0);
    expect((await send(chart({ type: 'line', data: [{ values }], xField: 'month', yField: 'rate' }))).code).toBe(0);
  });
  it('an unknown chart type, a missing field, a row without it or data not in {values} is refused (200550)', async () => {
    expect((await send(chart({ type: 'lines', data: { values: [] }, xField: 'x', yField: 'y' }))).msg).toContain('200550');
    expect((await send(chart({ type: 'line', data: { values: [{ x: 1, y: 2 }] }, xField: 'x' }))).msg).toContain('needs yField');
    expect((await send(chart({ type: 'line', data: { values: [{ x: 1 }] }, xField: 'x', yField: 'y' }))).msg).toContain('lacks yField');
    expect((await send(chart({ type: 'bar', data: [{ x: 1, y: 2 }], xField: 'x', yField: 'y' }))).msg).toContain('{values');
    expect((await send(chart({ type: 'line', data: { values: [] }, xField: 'x', yField: 'y' }, { color_theme: 'neon' }))).code).toBe(230099);
  });
});
