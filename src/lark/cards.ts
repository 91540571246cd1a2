// Card JSON 2.0 builders. Text from users is escaped before it enters a markdown element, so nobody can forge an
// @all, a link or formatting in a bot message; plain_text elements are used where no formatting is needed.

export type Element = Record<string, unknown>;
export type Template = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey';

export interface Card {
  schema: '2.0';
  config: Record<string, unknown>;
  header: Record<string, unknown>;
  body: { elements: Element[] };
}

const MD_SPECIAL: Record<string, string> = {
  // Numeric entities: the card markdown docs list these forms (docs/lark-notes.md), not the named ones.
  '&': '&#38;',
  '<': '&#60;',
  '>': '&#62;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '`': '&#96;',
  '#': '&#35;',
  '|': '&#124;',
  '!': '&#33;',
  '\\': '&#92;',
  '-': '&#45;',
  '+': '&#43;',
  '$': '&#36;',
};

/** Escapes user text for a markdown element: every character markdown or Lark's tags would read becomes an entity. */
export function esc(text: string): string {
  return text.replace(/[&<>*_~[\]()`#|!\\\-+$]/g, (c) => MD_SPECIAL[c]!).replace(/\r?\n/g, '\n');
}

const OPEN_ID = /^[A-Za-z0-9_-]+$/;

/** An @mention of one person inside a markdown element (open_id comes from our own tables, never from user text). */
export function at(openId: string): string {
  return OPEN_ID.test(openId) ? `<at id=${openId}></at>` : '';
}

/** The same @mention in a text message, with the name shown if the id is unknown to Lark (made inert as text is). */
export function textAt(openId: string, name: string): string {
  return OPEN_ID.test(openId) ? `<at user_id="${openId}">${textContent(name).text}</at>` : '';
}

/** Lark shows at most three header tags (卡片 JSON 2.0 结构: 标题后缀标签，最多设置 3 个). */
export const MAX_HEADER_TAGS = 3;

export function card(opts: { title: string; subtitle?: string; template?: Template; elements: Element[]; tags?: Array<{ text: string; color: string }> }): Card {
  // A card too big for Lark (30 KB) is split or clipped when it is queued (src/lark/card-size.ts), not here.
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill' },
    header: {
      title: { tag: 'plain_text', content: opts.title },
      ...(opts.subtitle ? { subtitle: { tag: 'plain_text', content: opts.subtitle } } : {}),
      template: opts.template ?? 'blue',
      ...(opts.tags?.length
        ? { text_tag_list: opts.tags.slice(0, MAX_HEADER_TAGS).map((t) => ({ tag: 'text_tag', text: { tag: 'plain_text', content: t.text }, color: t.color })) }
        : {}),
    },
    body: { elements: opts.elements },
  };
}

/** Markdown we wrote ourselves; interpolate user text only through esc(). */
export const md = (content: string): Element => ({ tag: 'markdown', content });

/** Text shown as typed: no markdown, no mentions, no links. */
export const plain = (content: string): Element => ({ tag: 'div', text: { tag: 'plain_text', content } });

export const hr = (): Element => ({ tag: 'hr' });

/** Label/value pairs, two per row. */
export function fields(pairs: Array<[string, string]>): Element {
  return md(pairs.map(([k, v]) => `**${esc(k)}**：${esc(v)}`).join('\n'));
}

export interface Column {
  name: string;
  title: string;
  type?: 'text' | 'number' | 'lark_md';
  width?: string;
}

/**
 * A column width Lark accepts: `auto`, 80–600 px or 1–100 % (卡片 JSON 2.0 表格: 列宽度). Real Lark refuses the whole
 * card for any other value (230099), so a narrower wish becomes 80px rather than a lost message.
 */
export function columnWidth(width: string | undefined): string {
  if (!width || width === 'auto') return 'auto';
  const px = /^(\d+)px$/.exec(width);
  if (px) return `${Math.min(Math.max(Number(px[1]), 80), 600)}px`;
  const pct = /^(\d+)%$/.exec(width);
  if (pct) return `${Math.min(Math.max(Number(pct[1]), 1), 100)}%`;
  return 'auto';
}

/** A table element (card 2.0). Cells of type text are shown as plain text. */
export function table(columns: Column[], rows: Array<Record<string, string | number>>, pageSize = 10): Element {
  return {
    tag: 'table',
    page_size: Math.min(Math.max(pageSize, 1), 10),
    row_height: 'low',
    header_style: { bold: true, background_style: 'grey', lines: 1, text_align: 'left' },
    columns: columns.map((c) => ({ name: c.name, display_name: c.title, data_type: c.type ?? 'text', width: columnWidth(c.width) })),
    rows,
  };
}

/** A button whose click comes back to POST /lark/cards with `value`. */
export function button(text: string, value: Record<string, string>, type: 'primary' | 'default' | 'danger' = 'default'): Element {
  return { tag: 'button', text: { tag: 'plain_text', content: text }, type, behaviors: [{ type: 'callback', value }] };
}

export function buttons(list: Element[]): Element {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    columns: list.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

/** A bar chart (the card chart element takes a VChart spec). */
export function barChart(title: string, values: Array<{ x: string; y: number; series?: string }>, opts: { percent?: boolean } = {}): Element {
  return {
    tag: 'chart',
    aspect_ratio: '16:9',
    chart_spec: {
      type: 'bar',
      title: { text: title },
      data: { values },
      xField: 'x',
      yField: 'y',
      ...(values.some((v) => v.series) ? { seriesField: 'series', legends: { visible: true } } : {}),
      label: { visible: true },
      ...(opts.percent ? { axes: [{ orient: 'left', max: 100 }] } : {}),
    },
  };
}

/**
 * A line chart of values over time, one line per series (the card chart element takes a VChart spec; 图表组件:
 * type line, xField, yField, seriesField). `percent` fixes the axis at 0–100.
 */
export function lineChart(title: string, values: Array<{ x: string; y: number; series: string }>, opts: { percent?: boolean } = {}): Element {
  return {
    tag: 'chart',
    aspect_ratio: '16:9',
    chart_spec: {
      type: 'line',
      title: { text: title },
      data: { values },
      xField: 'x',
      yField: 'y',
      seriesField: 'series',
      legends: { visible: true },
      point: { visible: true },
      ...(opts.percent ? { axes: [{ orient: 'left', min: 0, max: 100 }] } : {}),
    },
  };
}

/** A note line in grey, for hints like "send 帮助 for all commands". */
export const note = (content: string): Element => ({ tag: 'markdown', content: `<font color='grey'>${content}</font>`, text_size: 'notation' });

/** The text message form, for plain replies. User text is sent as it is: text messages do not parse markdown, but
 * they do parse <at> tags, the style tags <b> <i> <u> <s> and [text](url) links (docs/lark-notes.md §4). A zero-width
 * space after each `<` that opens a tag and inside each `](` keeps them text, looking as typed. */
export function textContent(text: string): { text: string } {
  return { text: text.replace(/<(?=\/?[A-Za-z])/g, '<\u200b').replace(/\]\(/g, ']\u200b(') };
}
