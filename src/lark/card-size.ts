// Every message is measured before it is queued, so none exceeds what Lark accepts: a card's content at most 30 KB
// (error 230025, "The length of the message content reaches its limit"), a text message 150 KB
// (https://open.feishu.cn/document/server-docs/im-v1/message/create). A card over the limit is split into several
// cards "(1/3)", "(2/3)"… with the same header, a table into row chunks, markdown at its lines; one element too big on its own has its longest
// texts cut. A patch edits one message in place, so it keeps what fits and says the rest was cut. Nothing a person
// stored is changed: this is only the view sent to Lark.
import type { Card, Element } from './cards.js';

/** Lark's card limit is 30 KB; a margin for the request envelope and our "(2/3)" suffixes. */
export const MAX_CARD_BYTES = 28 * 1024;
/** Lark's text message limit is 150 KB. */
export const MAX_TEXT_BYTES = 120 * 1024;

const size = (v: unknown) => Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');

/** Cuts text to at most `n` characters without leaving half an entity (&#38;) or half a tag (<at id=…>). */
function cut(s: string, n: number): string {
  const chars = [...s];
  if (chars.length <= n) return s;
  return chars.slice(0, n).join('').replace(/&#?\w*$|<[^>]*$/, '') + '…';
}

/** The element with its longest strings halved until it fits `budget` bytes (or every string is short). */
function clipElement(el: Element, budget: number): Element {
  let out = structuredClone(el);
  for (let round = 0; round < 40 && size(out) > budget; round++) {
    let longest = 0;
    const measure = (v: unknown): void => {
      if (typeof v === 'string') longest = Math.max(longest, [...v].length);
      else if (Array.isArray(v)) v.forEach(measure);
      else if (v && typeof v === 'object') Object.values(v).forEach(measure);
    };
    measure(out);
    if (longest <= 20) break;
    const to = Math.max(20, Math.floor(longest / 2));
    const shorten = (v: unknown): unknown => {
      if (typeof v === 'string') return [...v].length > to ? cut(v, to) : v;
      if (Array.isArray(v)) return v.map(shorten);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x)]));
      return v;
    };
    out = shorten(out) as Element;
  }
  return out;
}

/** An element as pieces that each fit `budget`: a table as chunks of its rows, anything else clipped. */
function pieces(el: Element, budget: number): Element[] {
  if (size(el) <= budget) return [el];
  if (el.tag === 'table' && Array.isArray(el.rows) && el.rows.length > 1) {
    const shell = size({ ...el, rows: [] });
    const out: Element[] = [];
    let rows: unknown[] = [];
    let used = shell;
    for (const row of el.rows as unknown[]) {
      const r = size(row) + 1 > budget - shell ? clipElement(row as Element, budget - shell - 1) : row;
      if (rows.length && used + size(r) + 1 > budget) {
        out.push({ ...el, rows });
        (rows = []), (used = shell);
      }
      rows.push(r);
      used += size(r) + 1;
    }
    if (rows.length) out.push({ ...el, rows });
    return out;
  }
  if (el.tag === 'markdown' && typeof el.content === 'string' && el.content.includes('\n')) {
    // Lines that start a list item or paragraph begin a block; indented lines continue the block above.
    const blocks: string[] = [];
    for (const line of el.content.split('\n')) {
      if (blocks.length && /^\s/.test(line)) blocks[blocks.length - 1] += `\n${line}`;
      else blocks.push(line);
    }
    if (blocks.length > 1) {
      const shell = size({ ...el, content: '' });
      const out: Element[] = [];
      let part: string[] = [];
      let used = shell;
      for (const b of blocks) {
        const s = size(b) + 2;
        if (part.length && used + s > budget) out.push({ ...el, content: part.join('\n') }), (part = []), (used = shell);
        part.push(b);
        used += s;
      }
      if (part.length) out.push({ ...el, content: part.join('\n') });
      return out.map((x) => (size(x) > budget ? clipElement(x, budget) : x));
    }
  }
  return [clipElement(el, budget)];
}

function titled(card: Card, suffix: string): Card['header'] {
  const title = card.header.title as { tag: string; content: string } | undefined;
  return title ? { ...card.header, title: { ...title, content: `${title.content}${suffix}` } } : card.header;
}

/**
 * The card as one or more cards that each fit Lark's limit. `one` (patches) keeps a single card: what fits, and a
 * note that the rest was cut.
 */
export function fitCard(card: Card, opts: { one?: boolean; maxBytes?: number } = {}): Card[] {
  const max = opts.maxBytes ?? MAX_CARD_BYTES;
  if (size(card) <= max) return [card];
  let header = card.header;
  if (size(header) > max / 4) header = clipElement(header, Math.floor(max / 4)) as Card['header'];
  const shell: Card = { ...card, header, body: { ...card.body, elements: [] } };
  const budget = max - size(shell) - 64;
  const all = card.body.elements.flatMap((el) => pieces(el, budget));
  const groups: Element[][] = [[]];
  let used = 0;
  for (const el of all) {
    const s = size(el) + 1;
    if (groups.at(-1)!.length && used + s > budget) groups.push([]), (used = 0);
    groups.at(-1)!.push(el);
    used += s;
  }
  if (opts.one) {
    const cutNote: Element = { tag: 'markdown', content: "<font color='grey'>…（内容过长，其余未显示 / the rest was cut: too long for one card）</font>", text_size: 'notation' };
    const kept = groups[0]!;
    while (kept.length > 1 && size(kept) + size(cutNote) > budget) kept.pop();
    return [{ ...shell, body: { ...card.body, elements: groups.length > 1 ? [...kept, cutNote] : kept } }];
  }
  if (groups.length === 1) return [{ ...shell, body: { ...card.body, elements: groups[0]! } }];
  return groups.map((elements, i) => ({ ...shell, header: titled(shell, ` (${i + 1}/${groups.length})`), body: { ...card.body, elements } }));
}

/** A text message as one or more that each fit Lark's limit, split at line ends where it can. */
export function fitText(text: string, maxBytes = MAX_TEXT_BYTES): string[] {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return [text];
  // A character is at most 4 bytes in UTF-8: a line longer than that many characters is cut into such runs.
  const run = Math.floor(maxBytes / 4);
  const lines = text.split('\n').flatMap((line) => {
    const chars = [...line];
    if (chars.length <= run) return [line];
    const runs: string[] = [];
    for (let i = 0; i < chars.length; i += run) runs.push(chars.slice(i, i + run).join(''));
    return runs;
  });
  const out: string[] = [];
  let part = '';
  let used = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    if (part && used + bytes > maxBytes) out.push(part), (part = ''), (used = 0);
    part = used ? `${part}\n${line}` : line;
    used += bytes;
  }
  if (part || !out.length) out.push(part);
  return out;
}

interface Queued {
  dedupeKey: string;
  kind: string;
  msgType: string;
  content: unknown;
}

/** One queued message as the messages that carry it within Lark's limits. The first keeps the dedupe key (a redelivered
 * event still finds its reply); the others get "#2", "#3"… A patch edits one message, so it stays one. */
export function fitMessage<T extends Queued>(m: T): T[] {
  const text = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
  const limit = m.msgType === 'interactive' ? MAX_CARD_BYTES : MAX_TEXT_BYTES;
  if (m.msgType === 'file' || Buffer.byteLength(text, 'utf8') <= limit) return [{ ...m, content: text }];
  const content = JSON.parse(text) as { body?: { elements?: unknown }; text?: unknown };
  const key = (i: number) => (i ? `${m.dedupeKey}#${i + 1}` : m.dedupeKey);
  if (m.msgType === 'interactive' && Array.isArray(content.body?.elements)) {
    return fitCard(content as Card, { one: m.kind === 'patch' }).map((c, i) => ({ ...m, dedupeKey: key(i), content: JSON.stringify(c) }));
  }
  if (m.msgType === 'text' && typeof content.text === 'string') {
    const parts = fitText(content.text);
    return (m.kind === 'patch' ? parts.slice(0, 1) : parts).map((t, i) => ({ ...m, dedupeKey: key(i), content: JSON.stringify({ text: t }) }));
  }
  return [{ ...m, content: text }];
}
