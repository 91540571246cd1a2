// A card's chart element drawn as inline SVG from its chart_spec (a VChart spec): bar charts, with series as grouped
// bars and a legend, and line charts (a trend over months or periods, one line per series). Bars run horizontally so long unit names stay readable in a chat column; other chart types are
// shown as a small table of their values, so nothing a card says is lost.
import { escapeHtml } from './markdown.js';

type Row = Record<string, unknown>;

interface Spec {
  type?: string;
  title?: { text?: string };
  data?: { values?: Row[] } | Array<{ values?: Row[] }>;
  xField?: string | string[];
  yField?: string | string[];
  seriesField?: string;
  direction?: string;
  axes?: Array<{ orient?: string; max?: number }>;
}

const PALETTE = ['#3370ff', '#ff8800', '#34c724', '#7f3bf5', '#f54a45', '#14c0ff', '#ffc60a', '#8f959e'];

function values(spec: Spec): Row[] {
  const d = spec.data;
  if (Array.isArray(d)) return d.flatMap((x) => x.values ?? []);
  return d?.values ?? [];
}

const field = (f: string | string[] | undefined, fallback: string) => (Array.isArray(f) ? f[0] : f) ?? fallback;

export function chartHtml(spec: Spec): string {
  const rows = values(spec);
  const title = spec.title?.text ? `<div class="chart-title">${escapeHtml(spec.title.text)}</div>` : '';
  if (!rows.length) return `<div class="chart">${title}<div class="muted">（无数据 / no data）</div></div>`;
  // VChart's horizontal bar puts the category on yField; ours puts it on xField.
  const horizontal = spec.direction === 'horizontal';
  const cat = field(horizontal ? spec.yField : spec.xField, 'x');
  const val = field(horizontal ? spec.xField : spec.yField, 'y');
  const ser = spec.seriesField;
  if (spec.type === 'line') return lineHtml(spec, rows, cat, val, ser, title);
  if (spec.type !== 'bar') {
    const cells = rows.map((r) => `<tr><td>${escapeHtml(String(r[cat] ?? ''))}</td>${ser ? `<td>${escapeHtml(String(r[ser] ?? ''))}</td>` : ''}<td class="num">${escapeHtml(String(r[val] ?? ''))}</td></tr>`);
    return `<div class="chart">${title}<table class="card-table">${cells.join('')}</table></div>`;
  }
  const cats = [...new Set(rows.map((r) => String(r[cat] ?? '')))];
  const series = ser ? [...new Set(rows.map((r) => String(r[ser] ?? '')))] : [''];
  const num = (r: Row) => (typeof r[val] === 'number' ? (r[val] as number) : Number(r[val]) || 0);
  const axisMax = spec.axes?.find((a) => a.orient === 'left' || a.orient === 'bottom')?.max;
  const max = Math.max(axisMax ?? 0, ...rows.map(num), 1);

  const W = 520;
  const labelW = 190;
  const barH = series.length > 1 ? 12 : 16;
  const gap = 8;
  const groupH = barH * series.length + gap;
  const legendH = series.length > 1 ? 22 : 0;
  const H = legendH + cats.length * groupH + 6;
  const plotW = W - labelW - 50;
  const parts: string[] = [];
  if (series.length > 1) {
    series.forEach((s, i) => {
      const x = labelW + i * 110;
      parts.push(`<rect x="${x}" y="4" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="13" class="legend">${escapeHtml(s)}</text>`);
    });
  }
  cats.forEach((c, ci) => {
    const y0 = legendH + ci * groupH;
    const label = c.length > 14 ? c.slice(0, 13) + '…' : c;
    parts.push(`<text x="${labelW - 6}" y="${y0 + (barH * series.length) / 2 + 4}" text-anchor="end" class="cat"><title>${escapeHtml(c)}</title>${escapeHtml(label)}</text>`);
    series.forEach((s, si) => {
      const row = rows.find((r) => String(r[cat] ?? '') === c && (!ser || String(r[ser] ?? '') === s));
      if (!row) return;
      const v = num(row);
      const w = Math.max((Math.max(v, 0) / max) * plotW, v > 0 ? 1 : 0);
      const y = y0 + si * barH;
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" rx="2" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeHtml(`${c}${s ? ' · ' + s : ''}: ${v}`)}</title></rect>`);
      parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 4}" class="val">${escapeHtml(String(v))}</text>`);
    });
  });
  parts.push(`<line x1="${labelW}" y1="${legendH}" x2="${labelW}" y2="${H - 4}" class="axis"/>`);
  return `<div class="chart">${title}<svg class="bar-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(spec.title?.text ?? 'chart')}">${parts.join('')}</svg></div>`;
}

/** A line chart: categories along the bottom in the order met, one polyline per series, a dot with its value per point. */
function lineHtml(spec: Spec, rows: Row[], cat: string, val: string, ser: string | undefined, title: string): string {
  const cats = [...new Set(rows.map((r) => String(r[cat] ?? '')))];
  const series = ser ? [...new Set(rows.map((r) => String(r[ser] ?? '')))] : [''];
  const num = (r: Row) => (typeof r[val] === 'number' ? (r[val] as number) : Number(r[val]) || 0);
  const axis = spec.axes?.find((a) => a.orient === 'left');
  const max = Math.max(axis?.max ?? 0, ...rows.map(num), 1);
  const W = 520;
  const legendH = series.length > 1 ? 22 * Math.ceil(series.length / 4) : 0;
  const top = legendH + 8;
  const plotH = 150;
  const left = 36;
  const H = top + plotH + 24;
  const step = cats.length > 1 ? (W - left - 20) / (cats.length - 1) : 0;
  const xOf = (c: string) => left + cats.indexOf(c) * step + (cats.length > 1 ? 0 : (W - left) / 2);
  const yOf = (v: number) => top + plotH - (Math.max(v, 0) / max) * plotH;
  const parts: string[] = [];
  series.forEach((s, i) => {
    const x = 8 + (i % 4) * 128;
    const y = 4 + Math.floor(i / 4) * 22;
    if (series.length > 1) parts.push(`<rect x="${x}" y="${y}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="${y + 9}" class="legend">${escapeHtml(s)}</text>`);
  });
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${W - 10}" y2="${top + plotH}" class="axis"/>`, `<text x="${left - 4}" y="${top + 4}" text-anchor="end" class="val">${max}</text>`);
  cats.forEach((c) => parts.push(`<text x="${xOf(c).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" class="cat">${escapeHtml(c)}</text>`));
  series.forEach((s, si) => {
    const pts = rows.filter((r) => !ser || String(r[ser] ?? '') === s).map((r) => ({ c: String(r[cat] ?? ''), v: num(r) }));
    const colour = PALETTE[si % PALETTE.length];
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${xOf(p.c).toFixed(1)},${yOf(p.v).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${xOf(p.c).toFixed(1)}" cy="${yOf(p.v).toFixed(1)}" r="3" fill="${colour}"><title>${escapeHtml(`${s ? s + ' · ' : ''}${p.c}: ${p.v}`)}</title></circle>`);
  });
  return `<div class="chart">${title}<svg class="bar-chart line-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(spec.title?.text ?? 'chart')}">${parts.join('')}</svg></div>`;
}
