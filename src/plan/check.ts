// Every problem of a plan in one answer: the shape (zod, with an unknown key named with the nearest known key) and
// the cross-references zod cannot see (unknown unit or group, duplicate name, chat bound twice), checked together on
// the plan as written, so an unknown unit and a bad date are both listed. A plan with any problem writes nothing.
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { planSchema, type Problem } from './schema.js';

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const texts = (v: unknown): string[] => (typeof v === 'string' ? [v] : list(v)).map(text).filter((s): s is string => Boolean(s));

export function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k ? '.' : ''}${String(p)}`)).join('') || '(file)';
}

/** The keys an object schema at `path` knows (descending arrays, defaults, optionals and pipes). */
function knownKeys(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let s: unknown = schema;
  const unwrap = () => {
    for (let i = 0; i < 10; i++) {
      const def = (s as { _zod?: { def?: { type?: string; innerType?: unknown; in?: unknown } } })._zod?.def;
      if (def?.type === 'default' || def?.type === 'optional' || def?.type === 'nullable' || def?.type === 'prefault') s = def.innerType;
      else if (def?.type === 'pipe') s = def.in;
      else return;
    }
  };
  for (const p of path) {
    unwrap();
    const def = (s as { _zod: { def: { type: string; element?: unknown; shape?: Record<string, unknown> } } })._zod.def;
    if (typeof p === 'number' && def.type === 'array') s = def.element;
    else if (def.type === 'object' && def.shape && typeof p === 'string') s = def.shape[p];
    else return [];
  }
  unwrap();
  const def = (s as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } })._zod?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** "unknown key; did you mean remind_before?" when a known key is near enough to be a slip, else the known keys. */
export function unknownKeyMessage(key: string, known: string[]): string {
  if (!known.length) return 'unknown key';
  const near = closest(key, known);
  const close = distance(key, near) <= Math.max(2, Math.floor(near.length / 3));
  return close ? `unknown key; did you mean ${near}?` : `unknown key; known keys here: ${known.join(', ')}`;
}

/**
 * A union's problems as those of the branch the plan meant: the one whose problems lie deepest (a list of lead units
 * with a bad entry is about that entry, `groups[5].lead[0]`, not "Invalid input" at the list).
 */
function unionIssues(i: z.core.$ZodIssue & { code: 'invalid_union' }): z.core.$ZodIssue[] | undefined {
  const branches = (i.errors ?? []).filter((b) => b.length);
  if (!branches.length) return undefined;
  const depth = (b: z.core.$ZodIssue[]) => Math.min(...b.map((x) => (x.code === 'invalid_type' && !x.path.length ? -1 : x.path.length)));
  const best = [...branches].sort((a, b) => depth(b) - depth(a))[0]!;
  return depth(best) < 0 ? undefined : best.map((x) => ({ ...x, path: [...i.path, ...x.path] }));
}

/** The shape problems, one per path (an unknown key is one problem at its own path). */
export function shapeProblems(issues: z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const i of issues) {
    const inner = i.code === 'invalid_union' ? unionIssues(i) : undefined;
    if (inner) {
      out.push(...shapeProblems(inner));
      continue;
    }
    if (i.code === 'unrecognized_keys') {
      const known = knownKeys(planSchema, i.path);
      // The jobs section words its own unknown keys (it lists the jobs).
      if (i.path[0] === 'jobs') out.push({ path: pathOf(i.path), message: i.message });
      else for (const key of i.keys) out.push({ path: pathOf([...i.path, key]), message: unknownKeyMessage(key, known) });
    } else out.push({ path: pathOf(i.path), message: i.message });
  }
  return out;
}

/** Cross-references, on the plan as written: every name used is declared once, every chat bound once. */
export function checkPlan(doc: unknown): Problem[] {
  const plan = obj(doc);
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const unitNames = new Map<string, number>();
  list(plan['units']).forEach((raw, i) => {
    const u = obj(raw);
    const main = text(u['name']);
    for (const n of [main, ...texts(u['aliases'])]) {
      if (!n) continue;
      if (unitNames.has(n)) add(`units[${i}]${n === main ? '.name' : '.aliases'}`, `duplicate unit name or alias "${n}"`);
      else unitNames.set(n, i);
    }
  });
  const isUnit = (n: string) => unitNames.has(n);
  const unit = (v: unknown, path: string) => {
    const n = text(v);
    if (n && !isUnit(n)) add(path, `unknown unit "${n}"`);
  };
  const units = (v: unknown, path: string) => list(v).forEach((u, j) => unit(u, `${path}[${j}]`));
  const groupNames = new Set<string>();
  list(plan['groups']).forEach((raw, i) => {
    const g = obj(raw);
    const n = text(g['name']);
    if (n && groupNames.has(n)) add(`groups[${i}].name`, `duplicate group "${n}"`);
    if (n) groupNames.add(n);
    // One lead unit or several (seeds/000's 搬迁安置组); a lone lead in a list is named by the key alone.
    const leads = Array.isArray(g['lead']) ? g['lead'] : [g['lead']];
    leads.forEach((u, j) => unit(u, leads.length > 1 ? `groups[${i}].lead[${j}]` : `groups[${i}].lead`));
    units(g['units'], `groups[${i}].units`);
  });
  const group = (v: unknown, path: string) => {
    const n = text(v);
    if (n && !groupNames.has(n)) add(path, `unknown group "${n}"`);
  };
  const campaign = obj(plan['campaign']);
  unit(campaign['office_unit'], 'campaign.office_unit');
  const openIds = new Set<string>();
  list(plan['people']).forEach((raw, i) => {
    const p = obj(raw);
    const id = text(p['open_id']);
    if (id && openIds.has(id)) add(`people[${i}].open_id`, `duplicate open_id "${id}"`);
    if (id) openIds.add(id);
    unit(p['unit'], `people[${i}].unit`);
    list(p['groups']).forEach((g, j) => group(g, `people[${i}].groups[${j}]`));
    if (list(p['groups']).length && !texts(p['roles']).includes('group_lead')) add(`people[${i}].groups`, 'groups are given only with the group_lead role');
  });
  const chatIds = new Map<string, string>();
  const bindChat = (v: unknown, path: string) => {
    const id = text(v);
    if (!id) return;
    if (chatIds.has(id)) add(path, `chat "${id}" is already bound at ${chatIds.get(id)}`);
    else chatIds.set(id, path);
  };
  bindChat(campaign['office_chat'], 'campaign.office_chat');
  bindChat(campaign['leaders_chat'], 'campaign.leaders_chat');
  list(plan['groups']).forEach((g, i) => bindChat(obj(g)['chat_id'], `groups[${i}].chat_id`));
  const ruleNames = new Set<string>();
  list(plan['reporting']).forEach((raw, i) => {
    const r = obj(raw);
    const n = text(r['name']);
    if (n && ruleNames.has(n)) add(`reporting[${i}].name`, `duplicate reporting rule "${n}"`);
    if (n) ruleNames.add(n);
    const d = obj(r['due']);
    const cadence = r['cadence'];
    if (cadence === 'weekly' && d['weekday'] === undefined) add(`reporting[${i}].due.weekday`, 'a weekly rule needs due.weekday');
    if (cadence === 'twice_weekly' && list(d['weekdays']).length !== 2) add(`reporting[${i}].due.weekdays`, 'a twice_weekly rule needs two due.weekdays');
    if ((cadence === 'monthly' || cadence === 'quarterly') && d['day'] === undefined) add(`reporting[${i}].due.day`, `a ${cadence} rule needs due.day (1–31 or "last")`);
    if (Array.isArray(r['who'])) units(r['who'], `reporting[${i}].who`);
    // each metric is one input of the private form, named by it: a name twice would be two inputs for one number
    const metricNames = new Set<string>();
    list(r['metrics']).forEach((m, j) => {
      const mn = text(m);
      if (mn && metricNames.has(mn)) add(`reporting[${i}].metrics[${j}]`, `duplicate metric "${mn}"`);
      if (mn && /[=:：，,；;、]/.test(mn)) add(`reporting[${i}].metrics[${j}]`, 'a metric name cannot hold = : , ; or 、 (they separate metrics in a report)');
      if (mn && [...mn].length > 20) add(`reporting[${i}].metrics[${j}]`, 'a metric name takes at most 20 characters (it labels a form box)');
      if (mn) metricNames.add(mn);
    });
    // the form's submit button carries the names (Lark's callback value is small: 500 characters here, src/lark/inbound.ts)
    if (list(r['metrics']).length > 10) add(`reporting[${i}].metrics`, 'at most 10 metrics per rule (one form box each)');
    list(r['chats']).forEach((c, j) => {
      const id = text(c);
      if (id && !['groups', 'office', 'leaders'].includes(id) && !/^oc_/.test(id)) add(`reporting[${i}].chats[${j}]`, 'must be groups, office, leaders or a chat id (oc_…)');
    });
  });
  const titles = new Set<string>();
  list(plan['meetings']).forEach((raw, i) => {
    const m = obj(raw);
    const t = text(m['title']);
    if (t && titles.has(t)) add(`meetings[${i}].title`, `duplicate meeting "${t}"`);
    if (t) titles.add(t);
    group(m['group'], `meetings[${i}].group`);
    unit(m['organiser'], `meetings[${i}].organiser`);
    units(m['attendees'], `meetings[${i}].attendees`);
  });
  const phaseNames = new Set<string>();
  const spans: Array<{ i: number; name: string; from: string; to: string }> = [];
  list(plan['phases']).forEach((raw, i) => {
    const ph = obj(raw);
    const n = text(ph['name']);
    if (n && phaseNames.has(n)) add(`phases[${i}].name`, `duplicate phase "${n}"`);
    if (n) phaseNames.add(n);
    const [from, to] = [ph['from'], ph['to']].map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : text(v)));
    if (from && to && from > to) add(`phases[${i}].to`, `ends (${to}) before it begins (${from})`);
    // Phases follow one another (seeds/003: 集中攻坚 until 2月25日, 迎接验收 from 2月26日): a day is in one phase only.
    else if (from && to) {
      const other = spans.find((x) => x.from <= to && from <= x.to);
      if (other) add(`phases[${i}].from`, `${from}..${to} overlaps phases[${other.i}] "${other.name}" (${other.from}..${other.to}); a day belongs to one phase`);
      spans.push({ i, name: n ?? '', from, to });
    }
  });
  // The same task for several lead units is normal (seeds/004 gives one task to every community); only the same title,
  // lead unit and deadline twice is a duplicate. An alias names the same unit as its name.
  const taskKeys = new Map<string, number>();
  list(plan['tasks']).forEach((raw, i) => {
    const t = obj(raw);
    const title = text(t['title']);
    const lead = text(t['lead']);
    const deadline = t['deadline'] instanceof Date ? t['deadline'].toISOString().slice(0, 10) : text(t['deadline']);
    const key = JSON.stringify([title, lead === undefined ? lead : (unitNames.get(lead) ?? lead), deadline]);
    if (title && taskKeys.has(key)) add(`tasks[${i}]`, `duplicate task "${title}" (lead ${lead}, deadline ${deadline}) as tasks[${taskKeys.get(key)}]`);
    else if (title) taskKeys.set(key, i);
    unit(t['lead'], `tasks[${i}].lead`);
    group(t['group'], `tasks[${i}].group`);
    units(t['cooperating'], `tasks[${i}].cooperating`);
    const phase = text(t['phase']);
    if (phase && !phaseNames.has(phase)) add(`tasks[${i}].phase`, phaseNames.size ? `unknown phase "${phase}"; the phases are ${[...phaseNames].join(', ')}` : `unknown phase "${phase}"; the plan has no phases: section`);
  });
  const cal = obj(plan['calendar']);
  const holidays = new Set(texts(cal['holidays']));
  texts(cal['workdays']).forEach((d, j) => holidays.has(d) && add(`calendar.workdays[${j}]`, `"${d}" is also listed as a holiday`));
  return problems;
}
