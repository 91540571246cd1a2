// A Card JSON 2.0 message drawn as HTML for the sandbox page: header (title, subtitle, template colour, tags),
// markdown, plain text, columns, tables, forms with inputs, buttons and charts. Buttons carry their callback value
// in a data attribute; the page posts it back and the sandbox turns it into a card.action.trigger event.
import { chartHtml } from './chart.js';
import { escapeHtml, markdownHtml, plainHtml, type Names } from './markdown.js';

type El = Record<string, unknown>;

const TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): El => (v && typeof v === 'object' && !Array.isArray(v) ? (v as El) : {});
const arr = (v: unknown): El[] => (Array.isArray(v) ? (v as El[]) : []);
const attr = (v: string) => escapeHtml(v);

/** A {tag:'plain_text'|'lark_md', content} text object. */
function textObj(t: unknown, names: Names): string {
  const o = obj(t);
  const content = str(o.content) || str(o.text);
  return o.tag === 'lark_md' ? markdownHtml(content, names) : plainHtml(content);
}

/** The value a button sends back: 2.0 behaviors[callback].value, or 1.0 `value`. */
function buttonValue(el: El): Record<string, unknown> | undefined {
  const cb = arr(el.behaviors).find((b) => b.type === 'callback');
  const v = cb ? cb.value : el.value;
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function button(el: El): string {
  const value = buttonValue(el);
  const kind = ['primary', 'danger', 'primary_filled', 'danger_filled'].includes(str(el.type)) ? str(el.type).replace('_filled', '') : 'default';
  const url = arr(el.behaviors).find((b) => b.type === 'open_url');
  if (!value && url) return `<a class="btn ${kind}" href="${attr(str(url.default_url))}" target="_blank" rel="noopener noreferrer">${textObj(el.text, () => undefined)}</a>`;
  const data = value ? ` data-value="${attr(JSON.stringify(value))}"` : ' disabled';
  const submit = el.form_action_type === 'submit' ? ' data-submit="1"' : '';
  return `<button type="button" class="btn ${kind}" data-name="${attr(str(el.name))}"${data}${submit}>${textObj(el.text, () => undefined)}</button>`;
}

function input(el: El): string {
  const label = str(obj(el.label).content);
  const ph = str(obj(el.placeholder).content);
  const req = el.required ? ' required' : '';
  const max = typeof el.max_length === 'number' ? ` maxlength="${el.max_length}"` : '';
  const field =
    el.input_type === 'multiline_text'
      ? `<textarea name="${attr(str(el.name))}" rows="${typeof el.rows === 'number' ? el.rows : 3}" placeholder="${attr(ph)}"${req}${max}>${escapeHtml(str(el.default_value))}</textarea>`
      : `<input type="text" name="${attr(str(el.name))}" placeholder="${attr(ph)}" value="${attr(str(el.default_value))}"${req}${max}>`;
  return `<label class="input">${label ? `<span>${escapeHtml(label)}</span>` : ''}${field}</label>`;
}

function table(el: El, names: Names): string {
  const cols = arr(el.columns);
  const head = cols.map((c) => `<th>${escapeHtml(str(c.display_name) || str(c.name))}</th>`).join('');
  const cell = (c: El, v: unknown) => {
    const type = str(c.data_type);
    if (type === 'lark_md' || type === 'markdown') return `<td>${markdownHtml(str(v), names)}</td>`;
    if (type === 'number') return `<td class="num">${escapeHtml(str(v))}</td>`;
    if (Array.isArray(v)) return `<td>${v.map((o) => escapeHtml(str(obj(o).text) || str(o))).join('、')}</td>`;
    return `<td>${plainHtml(str(v))}</td>`;
  };
  const rows = arr(el.rows).map((r) => `<tr>${cols.map((c) => cell(c, r[str(c.name)])).join('')}</tr>`);
  return `<div class="table-wrap"><table class="card-table"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function element(el: El, names: Names): string {
  switch (el.tag) {
    case 'markdown':
    case 'lark_md':
      return `<div class="md${el.text_size === 'notation' ? ' small' : ''}">${markdownHtml(str(el.content), names)}</div>`;
    case 'plain_text':
      return `<div class="plain">${plainHtml(str(el.content))}</div>`;
    case 'div': {
      const fields = arr(el.fields).map((f) => `<div class="field${f.is_short ? ' short' : ''}">${textObj(f.text, names)}</div>`);
      return `<div class="div">${el.text ? textObj(el.text, names) : ''}${fields.length ? `<div class="fields">${fields.join('')}</div>` : ''}</div>`;
    }
    case 'hr':
      return '<hr>';
    case 'column_set':
      return `<div class="columns">${arr(el.columns).map((c) => `<div class="column${c.width === 'auto' ? ' auto' : ''}">${elements(arr(c.elements), names)}</div>`).join('')}</div>`;
    case 'action': // card 1.0
      return `<div class="columns">${arr(el.actions).map((b) => `<div class="column auto">${element(b, names)}</div>`).join('')}</div>`;
    case 'note': // card 1.0
      return `<div class="md small">${elements(arr(el.elements), names)}</div>`;
    case 'button':
      return button(el);
    case 'input':
      return input(el);
    case 'form':
      return `<form class="card-form" data-form="${attr(str(el.name))}" onsubmit="return false">${elements(arr(el.elements), names)}</form>`;
    case 'table':
      return table(el, names);
    case 'chart':
      return chartHtml(obj(el.chart_spec));
    case 'collapsible_panel':
      return `<details class="panel"><summary>${textObj(obj(obj(el.header).title), names)}</summary>${elements(arr(el.elements), names)}</details>`;
    case 'img':
    case 'image':
      return '<div class="muted">[图片 / image]</div>';
    default:
      return `<div class="muted">[${escapeHtml(str(el.tag) || 'element')}]</div>`;
  }
}

function elements(list: El[], names: Names): string {
  return list.map((e) => element(e, names)).join('');
}

export function cardHtml(card: unknown, names: Names): string {
  const c = obj(card);
  const header = obj(c.header);
  const template = TEMPLATES.has(str(header.template)) ? str(header.template) : 'default';
  const title = str(obj(header.title).content);
  const subtitle = str(obj(header.subtitle).content);
  const tags = arr(header.text_tag_list).map((t) => `<span class="tag tag-${attr(str(t.color) || 'neutral')}">${escapeHtml(str(obj(t.text).content))}</span>`);
  const body = arr(obj(c.body).elements).length ? arr(obj(c.body).elements) : arr(c.elements);
  const head = title || subtitle ? `<div class="card-header t-${template}"><div class="card-title">${escapeHtml(title)}${tags.join('')}</div>${subtitle ? `<div class="card-subtitle">${escapeHtml(subtitle)}</div>` : ''}</div>` : '';
  return `<div class="card">${head}<div class="card-body">${elements(body, names)}</div></div>`;
}
