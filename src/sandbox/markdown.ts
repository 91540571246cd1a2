// Safe HTML for the sandbox page from card markdown and text messages: HTML is escaped first, then the few things
// Lark renders (bold, italic, strike, links, lists, grey notes, @mentions) are turned back on, then numeric entities
// (how esc() hides user text from markdown) are decoded, still escaped. Nothing a user typed can become markup.

export type Names = (openId: string) => string | undefined;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const mention = (id: string, names: Names) => `<span class="at">@${escapeHtml(names(id) ?? (id === 'all' ? '所有人' : id))}</span>`;

/** Numeric entities (&#42;) that esc() wrote, shown as their characters, escaped for HTML. */
function decodeEntities(html: string): string {
  return html.replace(/&amp;#(\d{1,6});/g, (_, n: string) => {
    const code = Number(n);
    return code > 0 && code <= 0x10ffff ? escapeHtml(String.fromCodePoint(code)) : '';
  });
}

const COLORS = new Set(['grey', 'gray', 'red', 'green', 'blue', 'orange', 'yellow', 'purple', 'violet', 'carmine', 'turquoise', 'wathet', 'indigo']);

/** Inline markdown on an already escaped line. */
function inline(line: string, names: Names): string {
  return (
    line
      // <at id=ou_x></at> (card) and <at user_id="ou_x">name</at> (text), as escaped above
      .replace(/&lt;at (?:id|user_id)=(?:&quot;|&#39;)?([A-Za-z0-9_-]+)(?:&quot;|&#39;)?&gt;(.*?)&lt;\/at&gt;/g, (_, id: string) => mention(id, names))
      .replace(/&lt;font color=(?:&#39;|&quot;)?([a-z-]+)(?:&#39;|&quot;)?&gt;(.*?)&lt;\/font&gt;/g, (_, c: string, body: string) => `<span class="c-${COLORS.has(c) ? c : 'grey'}">${body}</span>`)
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/~~(.+?)~~/g, '<del>$1</del>')
      .replace(/(^|[^*])\*([^*\s][^*]*?)\*/g, '$1<em>$2</em>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s"]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>')
  );
}

/** Card markdown (a `markdown` element or a `lark_md` text) as HTML. */
export function markdownHtml(source: string, names: Names): string {
  const lines = escapeHtml(source).split(/\r?\n/);
  const out: string[] = [];
  let list: 'ul' | 'ol' | undefined;
  const close = () => {
    if (list) out.push(`</${list}>`);
    list = undefined;
  };
  for (const line of lines) {
    const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.、]\s+(.*)$/.exec(line);
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      if (list !== kind) {
        close();
        out.push(`<${kind}>`);
        list = kind;
      }
      out.push(`<li>${inline((bullet ?? numbered)![1]!, names)}</li>`);
      continue;
    }
    close();
    if (heading) out.push(`<div class="h${heading[1]!.length}">${inline(heading[2]!, names)}</div>`);
    else if (/^\s*-{3,}\s*$/.test(line)) out.push('<hr>');
    else out.push(line ? `<div>${inline(line, names)}</div>` : '<div class="blank"></div>');
  }
  close();
  return decodeEntities(out.join(''));
}

/** A text message's text as HTML: line breaks kept, `<at user_id="…">` shown as @name, nothing else interpreted. */
export function textHtml(text: string, names: Names): string {
  const escaped = escapeHtml(text).replace(/&lt;at (?:id|user_id)=(?:&quot;)?([A-Za-z0-9_-]+)(?:&quot;)?&gt;(.*?)&lt;\/at&gt;/g, (_, id: string) => mention(id, names));
  return escaped.replace(/\r?\n/g, '<br>');
}

/** Plain text (a plain_text element) as HTML. */
export function plainHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}
