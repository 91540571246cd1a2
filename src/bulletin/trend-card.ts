// The bulletin's numbers over time as card elements: the on-time rate per unit over six months (a line chart of the
// units most in need of attention, and a table of all), and the metrics' sums for the month and since the start.
import { DateTime } from 'luxon';
import { translate } from '../context.js';
import { lineChart, md, note, table, type Element } from '../lark/cards.js';
import type { Trends } from './trends.js';

/** Lines a chart can still tell apart. */
const CHART_UNITS = 8;

export const monthTitle = (key: string, lang: 'zh' | 'en') => {
  const d = DateTime.fromFormat(key, 'yyyy-MM');
  return lang === 'zh' ? `${d.month}月` : d.setLocale('en-GB').toFormat('LLL');
};

/** 12.5 → "12.5", 3 → "3": sums of decimals without float noise. */
const amount = (n: number) => String(Math.round(n * 1e6) / 1e6);

export function trendElements(tr: Trends, lang: 'zh' | 'en'): Element[] {
  const t = translate(lang);
  const out: Element[] = [];
  const units = tr.units.filter((u) => Object.keys(u.rates).length);
  if (units.length) {
    const last = tr.months.at(-1)!;
    // The units whose latest rate is lowest come first: a chart of 200 lines shows nothing.
    const worst = [...units].sort((a, b) => (a.rates[last] ?? 101) - (b.rates[last] ?? 101)).slice(0, CHART_UNITS);
    const values = worst.flatMap((u) => tr.months.filter((m) => m in u.rates).map((m) => ({ x: monthTitle(m, lang), y: u.rates[m]!, series: u.unit })));
    out.push(md(t('**近六个月按时报送率（%）**', '**On-time reports over six months (%)**')));
    out.push(lineChart(t('各单位按时报送率（%）', 'On-time rate per unit (%)'), values, { percent: true }));
    if (units.length > CHART_UNITS) out.push(note(t(`图中为本月按时率最低的 ${CHART_UNITS} 个单位，下表列出全部 ${units.length} 个。`, `The chart shows the ${CHART_UNITS} units with the lowest rate this month; the table lists all ${units.length}.`)));
    out.push(
      table(
        [{ name: 'unit', title: t('单位', 'Unit') }, ...tr.months.map((m, i) => ({ name: `m${i}`, title: monthTitle(m, lang) }))],
        units.map((u) => ({ unit: u.unit, ...Object.fromEntries(tr.months.map((m, i) => [`m${i}`, m in u.rates ? `${u.rates[m]}%` : '—'])) })),
      ),
    );
  }
  if (tr.metrics.length) {
    out.push(md(t('**指标**', '**Metrics**')));
    out.push(
      table(
        [
          { name: 'metric', title: t('指标', 'Metric') },
          { name: 'month', title: t('本月', 'This month') },
          { name: 'total', title: t('专项开始以来累计', 'Since the start') },
        ],
        tr.metrics.map((m) => ({ metric: m.name, month: amount(m.month), total: amount(m.total) })),
      ),
    );
  }
  return out;
}
