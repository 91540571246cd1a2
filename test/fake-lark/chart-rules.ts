// The chart component's rules the fake Open Platform checks (图表组件, feishu-cards/card-json-v2-components/
// content-components/chart): chart_spec is a VChart spec of one of the types the card docs show.
import { isObj, Refused, type Json } from './card-rules.js';

/** 图表组件: the chart types the card docs show (VChart spec `type`); 环图 is a pie with an inner radius. */
const CHART_TYPES = new Set(['line', 'area', 'bar', 'pie', 'common', 'funnel', 'scatter', 'radar', 'linearProgress', 'circularProgress', 'wordCloud']);
/** Charts drawn on x/y fields: their spec names both, and each data row carries them. */
const XY_CHARTS = new Set(['line', 'area', 'bar', 'scatter']);

/**
 * 图表组件: chart_spec is a VChart spec of one of the card's chart types. A line, area, bar or scatter chart names its
 * xField and yField, and its data (`data: {values: [...]}` or a list of such) holds rows that carry them; a combined
 * (common) chart's series are checked the same way. Lark answers 200550 for a spec it cannot draw.
 */
export function checkChartSpec(spec: unknown, path: string) {
  const invalid = (why: string) => new Refused(230099, 200550, `chart spec is invalid (${why})`, JSON.stringify(spec).slice(0, 200), path);
  if (!isObj(spec)) throw invalid('chart_spec must be an object');
  const type = String(spec['type'] ?? '');
  if (!CHART_TYPES.has(type)) throw invalid(`unknown chart type ${type || '(none)'}`);
  const rowsOf = (data: unknown): Json[] => {
    const sets = Array.isArray(data) ? data : data === undefined ? [] : [data];
    return sets.flatMap((d) => {
      if (!isObj(d) || !Array.isArray(d['values'])) throw invalid('data is {values: [...]} or a list of those');
      return d['values'] as Json[];
    });
  };
  const xy = (s: Json, rows: Json[]) => {
    for (const f of ['xField', 'yField']) {
      const v = s[f];
      const fields = Array.isArray(v) ? v : [v];
      if (!fields.length || fields.some((x) => typeof x !== 'string' || !x)) throw invalid(`${String(s['type'])} needs ${f}`);
      for (const r of rows) if (!isObj(r) || fields.some((x) => !((x as string) in r))) throw invalid(`a data row lacks ${f} ${JSON.stringify(v)}`);
    }
  };
  if (type === 'common') {
    const series = spec['series'];
    if (!Array.isArray(series) || !series.length) throw invalid('a common chart needs series');
    const shared = spec['data'] === undefined ? [] : rowsOf(spec['data']);
    for (const s of series) {
      if (!isObj(s) || !XY_CHARTS.has(String(s['type']))) throw invalid('a series is a line, area, bar or scatter');
      xy(s, s['data'] === undefined ? shared : rowsOf(s['data']));
    }
    return;
  }
  const rows = rowsOf(spec['data']);
  if (XY_CHARTS.has(type)) xy(spec, rows);
}
