// The card JSON 2.0 rules the fake Open Platform checks, as Lark documents them (docs mirror wxkingstar/doc-hub-mcp,
// feishu/001-开发指南/飞书卡片/: 卡片-JSON-2.0-结构, the 2.0 component pages, and the 230099 sub-codes of 发送消息).
// Lark refuses a card that breaks one (HTTP 400, code 230099 with a sub-code, or 230025 for size); what the docs say is
// merely not shown (a fourth header tag, a 51st table column) is noted, not refused, so a test can still insist on it.
import { checkChartSpec } from './chart-rules.js';

export interface CardVerdict {
  /** the refusal Lark would answer, or undefined when it accepts the card */
  refusal?: { code: number; msg: string };
  /** documented limits whose excess Lark drops silently (not refused) */
  notes: string[];
}

/** 卡片及富文本消息最大不能超过 30 KB (发送消息, error 230025). */
export const MAX_CARD_BYTES = 30 * 1024;
/** 一张卡片最多支持 200 个元素或组件 (卡片 JSON 2.0 结构; 230099 / 11310 "element exceeds the limit"). */
export const MAX_ELEMENTS = 200;

const V2_TAGS = new Set([
  'column_set', 'column', 'form', 'interactive_container', 'collapsible_panel',
  'div', 'markdown', 'img', 'img_combination', 'person', 'person_list', 'chart', 'table', 'hr', 'audio',
  'input', 'button', 'overflow', 'select_static', 'multi_select_static', 'select_person', 'multi_select_person',
  'date_picker', 'picker_time', 'picker_datetime', 'select_img', 'checker',
]);
/** 2.0 no longer supports 备注 (note) and 交互模块 (action): 200861 "unsupported tag". */
const V1_ONLY_TAGS = new Set(['note', 'action']);
const TEXT_TAGS = new Set(['plain_text', 'lark_md']);
const HEADER_TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);
const TAG_COLORS = new Set(['neutral', 'blue', 'turquoise', 'lime', 'orange', 'violet', 'indigo', 'wathet', 'green', 'yellow', 'red', 'purple', 'carmine']);
const BUTTON_TYPES = new Set(['default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser']);
const DATA_TYPES = new Set(['text', 'lark_md', 'options', 'number', 'persons', 'date', 'markdown']);
const FLEX_MODES = new Set(['none', 'stretch', 'flow', 'bisect', 'trisect']);
const ASPECT_RATIOS = new Set(['1:1', '2:1', '4:3', '16:9']);
const COLOR_THEMES = new Set(['brand', 'rainbow', 'complementary', 'converse', 'primary']);
/**
 * Components a form submits (表单容器: "在表单容器中所有的交互组件中，该字段(name)必填且需在卡片全局内唯一，否则数据会
 * 发送失败").
 */
const FORM_FIELDS = new Set(['input', 'button', 'select_static', 'multi_select_static', 'select_person', 'multi_select_person', 'date_picker', 'picker_time', 'picker_datetime', 'select_img', 'checker', 'overflow']);

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const px = (v: unknown): number | undefined => (typeof v === 'string' && /^\d+px$/.test(v) ? Number(v.slice(0, -2)) : undefined);
const pct = (v: unknown): number | undefined => (typeof v === 'string' && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined);
const inRange = (n: number | undefined, lo: number, hi: number) => n !== undefined && n >= lo && n <= hi;

export class Refused extends Error {
  constructor(
    readonly code: number,
    readonly sub: number,
    readonly errMsg: string,
    readonly value: string,
    readonly path = '',
  ) {
    super(errMsg);
  }
}

/** Lark's wording: "Failed to create card content, ext=ErrCode: 200621; ErrPath: …; ErrMsg: …; ErrorValue: …; ". */
const refusal = (r: Refused) => ({
  code: r.code,
  msg: `Failed to create card content, ext=ErrCode: ${r.sub};${r.path ? ` ErrPath: ${r.path};` : ''} ErrMsg: ${r.errMsg}; ErrorValue: ${r.value}; `,
});

const bad = (path: string, what: string, value: unknown) => new Refused(230099, 200621, `parse card json err, please check whether the card json is correct (${what})`, JSON.stringify(value), path);

/**
 * Checks a card as Lark would on send, reply or patch: `raw` as it came (its size, its @-mentions) and `card`, its JSON
 * parsed. `knows` answers whether an open_id is a user of this tenant.
 */
export function checkCard(raw: string, card: unknown, knows: (openId: string) => boolean): CardVerdict {
  const notes: string[] = [];
  if (Buffer.byteLength(raw, 'utf8') > MAX_CARD_BYTES) return { refusal: { code: 230025, msg: 'The length of the message content reaches its limit' }, notes };
  if (!isObj(card) || card['schema'] !== '2.0') return { notes }; // 1.0 cards: not checked here
  try {
    checkMentions(raw, knows);
    let count = 0;
    const countTags = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(countTags);
      else if (isObj(v)) {
        if (typeof v['tag'] === 'string') count++;
        // chart_spec is VChart data, not card elements
        for (const [k, x] of Object.entries(v)) if (k !== 'chart_spec') countTags(x);
      }
    };
    countTags(card);
    if (count > MAX_ELEMENTS) throw new Refused(230099, 11310, 'element exceeds the limit', String(count));
    checkConfig(card['config']);
    checkHeader(card['header'], notes);
    const body = card['body'];
    if (!isObj(body) || !Array.isArray(body['elements'])) throw bad('ROOT -> body', 'body.elements must be an array', body);
    let tables = 0;
    // 表单容器: only at the body root; no table, chart or form inside (at any depth); every component it submits has a
    // name unique in the whole card (as is each form's name); at least one button with form_action_type submit.
    const names = new Set<string>();
    const form = { submits: 0 };
    const walk = (els: unknown[], path: string, inForm: boolean, atRoot: boolean) =>
      els.forEach((el, i) => {
        const where = `${path} -> [${i}]`;
        if (!isObj(el) || typeof el['tag'] !== 'string') throw bad(where, 'a component needs a tag', el);
        const tag = el['tag'];
        if (V1_ONLY_TAGS.has(tag)) throw new Refused(230099, 200861, 'cards of schema V2 no longer support this capability', `unsupported tag ${tag}`, `ROOT -> body -> elements -> [${i}]`);
        if (!V2_TAGS.has(tag) || tag === 'column') throw bad(where, `unknown component ${tag}`, tag);
        if (tag === 'table') tables++;
        if (tag === 'form' && !atRoot) throw bad(where, 'a form sits only at the root of the body', tag);
        if (inForm && (tag === 'table' || tag === 'chart' || tag === 'form')) throw bad(where, `a form may not hold ${tag}`, tag);
        if (inForm && FORM_FIELDS.has(tag) && (typeof el['name'] !== 'string' || !el['name'])) throw bad(where, `a ${tag} in a form needs a name`, el['name']);
        if (typeof el['name'] === 'string' && el['name'] && (tag === 'form' || FORM_FIELDS.has(tag))) {
          if (names.has(el['name'])) throw bad(where, `name ${el['name']} is not unique in the card`, el['name']);
          names.add(el['name']);
        }
        if (inForm && tag === 'button' && el['form_action_type'] === 'submit') form.submits++;
        checkComponent(el, `${where}(tag: ${tag})`, inForm, notes);
        if (tag === 'column_set') (el['columns'] as Json[]).forEach((c, j) => walk((c['elements'] as unknown[] | undefined) ?? [], `${where} -> columns -> [${j}]`, inForm, false));
        if (tag === 'form') {
          form.submits = 0;
          walk(el['elements'] as unknown[], `${where} -> elements`, true, false);
          if (!form.submits) throw bad(where, 'a form needs a button with form_action_type submit', el['name']);
        }
        if (tag === 'interactive_container' || tag === 'collapsible_panel') walk(el['elements'] as unknown[], `${where} -> elements`, inForm, false);
      });
    walk(body['elements'], 'ROOT -> body -> elements', false, true);
    if (tables > 5) notes.push(`${tables} tables: a card shows at most five`);
  } catch (e) {
    if (e instanceof Refused) return { refusal: refusal(e), notes };
    throw e;
  }
  return { notes };
}

/**
 * Every `<at id=…>` / `<at user_id=…>` in the card, and every person / person_list component, must name a user Lark
 * knows (230099 / 100290); a person_list may say drop_invalid_user_id.
 */
function checkMentions(raw: string, knows: (openId: string) => boolean) {
  const refuse = (id: string) => new Refused(230099, 100290, 'There is an invalid user resource(at/person) in your card', id);
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObj(v)) {
      if (v['tag'] === 'person' && typeof v['user_id'] === 'string' && !knows(v['user_id'])) throw refuse(v['user_id']);
      if (v['tag'] === 'person_list' && v['drop_invalid_user_id'] !== true && Array.isArray(v['persons'])) {
        for (const p of v['persons']) if (isObj(p) && typeof p['id'] === 'string' && !knows(p['id'])) throw refuse(p['id']);
      }
      Object.values(v).forEach(collect);
    }
  };
  collect(JSON.parse(raw) as unknown);
  for (const s of strings) {
    for (const m of s.matchAll(/<at\s+(?:id|user_id|open_id)\s*=\s*["']?([^"'\s>]+)["']?\s*>/gi)) {
      const id = m[1]!;
      if (id === 'all' || knows(id)) continue;
      throw refuse(id);
    }
  }
}

function checkConfig(config: unknown) {
  if (config === undefined) return;
  if (!isObj(config)) throw bad('ROOT -> config', 'config must be an object', config);
  // 2.0 cards are shared cards only: update_multi supports only true.
  if ('update_multi' in config && config['update_multi'] !== true) throw bad('ROOT -> config', 'update_multi must be true in schema 2.0', config['update_multi']);
  if ('width_mode' in config && !['default', 'compact', 'fill'].includes(String(config['width_mode']))) throw bad('ROOT -> config', 'width_mode', config['width_mode']);
}

function checkText(t: unknown, path: string, maxChars?: number) {
  if (!isObj(t) || !TEXT_TAGS.has(String(t['tag'])) || typeof t['content'] !== 'string') throw bad(path, 'a text needs tag plain_text or lark_md and a content string', t);
  if (maxChars !== undefined && [...(t['content'] as string)].length > maxChars) throw bad(path, `text longer than ${maxChars} characters`, t['content']);
}

function checkHeader(header: unknown, notes: string[]) {
  if (header === undefined) return;
  if (!isObj(header)) throw bad('ROOT -> header', 'header must be an object', header);
  if (header['title'] !== undefined) checkText(header['title'], 'ROOT -> header -> title');
  if (header['subtitle'] !== undefined) checkText(header['subtitle'], 'ROOT -> header -> subtitle');
  if (header['template'] !== undefined && !HEADER_TEMPLATES.has(String(header['template']))) throw bad('ROOT -> header', 'template', header['template']);
  const tags = header['text_tag_list'];
  if (tags === undefined) return;
  if (!Array.isArray(tags)) throw bad('ROOT -> header -> text_tag_list', 'must be an array', tags);
  // 标题后缀标签，最多设置 3 个标签，超出不展示
  if (tags.length > 3) notes.push(`${tags.length} header tags: Lark shows only the first 3`);
  tags.forEach((t, i) => {
    const path = `ROOT -> header -> text_tag_list -> [${i}]`;
    if (!isObj(t) || t['tag'] !== 'text_tag') throw bad(path, 'a header tag is a text_tag', t);
    checkText(t['text'], `${path} -> text`);
    if (t['color'] !== undefined && !TAG_COLORS.has(String(t['color']))) throw bad(path, 'tag color', t['color']);
  });
}

function checkComponent(el: Json, path: string, inForm: boolean, notes: string[]) {
  const tag = el['tag'] as string;
  const enumOf = (field: string, allowed: Set<string> | string[]) => {
    const v = el[field];
    if (v !== undefined && !(Array.isArray(allowed) ? allowed.includes(String(v)) : allowed.has(String(v)))) throw bad(path, field, v);
  };
  const width = (lo: number) => {
    const w = el['width'];
    if (w !== undefined && w !== 'default' && w !== 'fill' && !((px(w) ?? 0) >= lo)) throw bad(path, `width: default, fill or at least ${lo}px`, w);
  };
  switch (tag) {
    case 'markdown':
      if (typeof el['content'] !== 'string') throw bad(path, 'markdown needs content', el['content']);
      enumOf('text_align', ['left', 'center', 'right']);
      break;
    case 'div':
      if (el['text'] !== undefined) checkText(el['text'], `${path} -> text`);
      break;
    case 'hr':
      break;
    case 'button': {
      enumOf('type', BUTTON_TYPES);
      enumOf('size', ['tiny', 'small', 'medium', 'large']);
      width(100);
      if (el['text'] !== undefined) checkText(el['text'], `${path} -> text`, 100);
      if (inForm) {
        if (typeof el['name'] !== 'string' || !el['name']) throw bad(path, 'a button in a form needs a name', el['name']);
        enumOf('form_action_type', ['submit', 'reset']);
        if (el['form_action_type'] === undefined) throw bad(path, 'a button in a form needs form_action_type', undefined);
      }
      const behaviors = el['behaviors'];
      if (behaviors !== undefined) {
        if (!Array.isArray(behaviors)) throw bad(path, 'behaviors must be an array', behaviors);
        for (const b of behaviors) if (!isObj(b) || !['callback', 'open_url'].includes(String(b['type']))) throw bad(path, 'behavior type callback or open_url', b);
      }
      break;
    }
    case 'input': {
      width(100);
      const max = el['max_length'];
      if (max !== undefined && !(Number.isInteger(max) && inRange(max as number, 1, 1000))) throw bad(path, 'max_length 1..1000', max);
      if (el['placeholder'] !== undefined) checkText(el['placeholder'], `${path} -> placeholder`, 100);
      if (el['required'] !== undefined && !inForm) throw bad(path, 'required only inside a form', el['required']);
      enumOf('input_type', ['text', 'multiline_text', 'password']);
      enumOf('label_position', ['top', 'left']);
      if (el['label'] !== undefined) checkText(el['label'], `${path} -> label`);
      if (el['rows'] !== undefined && !(Number.isInteger(el['rows']) && (el['rows'] as number) >= 1)) throw bad(path, 'rows: an integer of at least 1', el['rows']);
      if (el['default_value'] !== undefined && typeof el['default_value'] !== 'string') throw bad(path, 'default_value is a string', el['default_value']);
      break;
    }
    case 'form': {
      if (typeof el['name'] !== 'string' || !el['name']) throw bad(path, 'a form needs a name', el['name']);
      if (!Array.isArray(el['elements'])) throw bad(path, 'a form needs elements', el['elements']);
      for (const c of el['elements'] as Json[]) if (isObj(c) && ['table', 'chart', 'form'].includes(String(c['tag']))) throw bad(path, `a form may not hold ${String(c['tag'])}`, c['tag']);
      break;
    }
    case 'column_set': {
      enumOf('flex_mode', FLEX_MODES);
      if (!Array.isArray(el['columns'])) throw bad(path, 'column_set needs columns', el['columns']);
      (el['columns'] as unknown[]).forEach((c, j) => {
        const cp = `${path} -> columns -> [${j}]`;
        if (!isObj(c) || c['tag'] !== 'column') throw bad(cp, 'a column has tag column', c);
        const w = c['width'];
        if (w !== undefined && w !== 'auto' && w !== 'weighted' && !inRange(px(w), 16, 600)) throw bad(cp, 'column width: auto, weighted or 16px..600px', w);
        if (c['weight'] !== undefined && !(Number.isInteger(c['weight']) && inRange(c['weight'] as number, 1, 5))) throw bad(cp, 'weight 1..5', c['weight']);
        if (c['elements'] !== undefined && !Array.isArray(c['elements'])) throw bad(cp, 'column elements must be an array', c['elements']);
      });
      break;
    }
    case 'table': {
      const size = el['page_size'];
      if (size !== undefined && !(Number.isInteger(size) && inRange(size as number, 1, 10))) throw bad(path, 'page_size 1..10', size);
      const rh = el['row_height'];
      if (rh !== undefined && !['low', 'middle', 'high', 'auto'].includes(String(rh)) && !inRange(px(rh), 32, 124)) throw bad(path, 'row_height', rh);
      const hs = el['header_style'];
      if (hs !== undefined) {
        if (!isObj(hs)) throw bad(path, 'header_style', hs);
        if (hs['text_align'] !== undefined && !['left', 'center', 'right'].includes(String(hs['text_align']))) throw bad(path, 'header_style.text_align', hs['text_align']);
        if (hs['background_style'] !== undefined && !['grey', 'none'].includes(String(hs['background_style']))) throw bad(path, 'header_style.background_style', hs['background_style']);
        if (hs['lines'] !== undefined && !(Number.isInteger(hs['lines']) && (hs['lines'] as number) >= 1)) throw bad(path, 'header_style.lines', hs['lines']);
      }
      const cols = el['columns'];
      if (!Array.isArray(cols)) throw bad(path, 'a table needs columns', cols);
      if (cols.length > 50) notes.push(`${cols.length} table columns: Lark shows 50`);
      cols.forEach((c, j) => {
        const cp = `${path} -> columns -> [${j}]`;
        if (!isObj(c) || typeof c['name'] !== 'string' || !c['name']) throw bad(cp, 'a column needs a name', c);
        if (!DATA_TYPES.has(String(c['data_type'] ?? 'text'))) throw bad(cp, 'data_type', c['data_type']);
        // 列宽度：auto，[80px,600px] 的整数，或 [1%,100%]
        const w = c['width'];
        if (w !== undefined && w !== 'auto' && !inRange(px(w), 80, 600) && !inRange(pct(w), 1, 100)) throw bad(cp, 'column width: auto, 80px..600px or 1%..100%', w);
      });
      if (!Array.isArray(el['rows'])) throw bad(path, 'a table needs rows', el['rows']);
      break;
    }
    case 'chart': {
      checkChartSpec(el['chart_spec'], path);
      enumOf('aspect_ratio', ASPECT_RATIOS);
      enumOf('color_theme', COLOR_THEMES);
      const h = el['height'];
      if (h !== undefined && h !== 'auto' && !inRange(px(h), 1, 999)) throw bad(path, 'height', h);
      break;
    }
    default:
      break;
  }
}

