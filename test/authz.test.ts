// Who may use which command (DESIGN.md §2 "Chat commands", the "who" column), through the real path: a signed chat
// event per cell of the table below, for one person of every role (test/fixtures/roles.plan.yaml), and the reply the
// real SDK delivered to the fake Open Platform. A refusal names the role it needs and changes nothing in the database;
// an allowed write changes it, an allowed read does not. Every command in commands/index.ts needs a row here.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { ROLE_NAMES } from '../commands/define.js';
import { groups, people, taskRequests, tasks, units, type Role } from '../db/schema.js';
import { addTask, writeOff } from '../src/ledger/tasks.js';
import { addMeeting } from '../src/meetings/store.js';
import { issueNotice } from '../src/notices/store.js';
import { raiseProblem } from '../src/problems/store.js';
import { compileWords, matchCommand } from '../src/router.js';
import { flatten, startHarness, type Harness } from './support/harness.js';
import { fixture } from './support/lark-events.js';

const PLAN = join(import.meta.dirname, 'fixtures', 'roles.plan.yaml');
/** the 维稳保障组 chat: bound to the campaign, so an unregistered person is told whom to ask */
const CHAT = 'oc_roles_weiwen';
/** Wednesday 2026-11-25 10:00 in Shanghai */
const START = Date.parse('2026-11-25T02:00:00Z');

type Who = 'commander' | 'deputy' | 'office' | 'group_lead' | 'lead_liaison' | 'other_liaison' | 'member' | 'unregistered';

const OPEN_ID: Record<Who, string> = {
  commander: 'ou_r_commander',
  deputy: 'ou_r_deputy',
  office: 'ou_r_office',
  /** leads 维稳保障组, from 区信访办 (not the group's lead unit) */
  group_lead: 'ou_r_grouplead',
  /** liaison of 新河街道办事处: the lead unit of 维稳保障组 and of the tasks below */
  lead_liaison: 'ou_r_leadliaison',
  /** liaison of 区公安局: in both groups, lead of nothing */
  other_liaison: 'ou_r_otherliaison',
  /** no role but member, of 区司法局 */
  member: 'ou_r_member',
  unregistered: 'ou_r_nobody',
};
/** the roles of each person in the plan ('member' is everyone's) */
const ROLES_OF: Record<Who, Role[]> = {
  commander: ['commander'],
  deputy: ['deputy'],
  office: ['office'],
  group_lead: ['group_lead'],
  lead_liaison: ['liaison'],
  other_liaison: ['liaison'],
  member: [],
  unregistered: [],
};
const EVERYONE = Object.keys(OPEN_ID) as Who[];
const REGISTERED = EVERYONE.filter((w) => w !== 'unregistered');
const MANAGERS: Who[] = ['office', 'commander', 'deputy'];
const MANAGER_ROLES: Role[] = ['office', 'commander', 'deputy'];

/** Makes the object a row acts on, fresh for every cell, and answers its short id. */
interface Maker {
  /** an open task of 维稳保障组 led by 新河街道办事处, cooperating 大沽街道办事处 (nobody's unit), overdue */
  task(opts?: { cooperating?: string[] }): Promise<string>;
  /** a written-off task */
  doneTask(): Promise<string>;
  /** a meeting of 维稳保障组 (or of 安全保障组, organised by 经开区管委会) tomorrow */
  meeting(group?: '维稳保障组' | '安全保障组'): Promise<string>;
  /** an open problem at group level */
  problem(group?: '维稳保障组' | '安全保障组'): Promise<string>;
  /** an open notice (督办单) to 新河街道办事处, issued by the office */
  notice(): Promise<string>;
  n: number;
}

interface Row {
  /** the command's canonical name in commands/index.ts */
  command: string;
  variant?: string;
  text(mk: Maker): Promise<string> | string;
  allowed: readonly Who[];
  /** an allowed use changes the database; a read changes nothing */
  writes: boolean;
  /** what a refusal must name: the roles (by their Chinese names); and, when the person has the command's role but
   * not for this object (a group they do not lead, a task of another unit), the group or units it depends on */
  needs: { roles: Role[]; also?: string[] };
  /** where DESIGN.md leaves "who" blank or the code differs, the rule and why */
  why?: string;
}

const ROWS: Row[] = [
  { command: 'help', text: () => '帮助', allowed: REGISTERED, writes: false, needs: { roles: [] } },
  { command: 'bind', text: () => '绑定 维稳保障组', allowed: ['office'], writes: true, needs: { roles: ['office'] } },
  // "liaison or member of a unit": anyone registered reports for their own unit (all_units must report here)
  { command: 'report', text: () => '汇报 进展：完成入户排查 问题：无 下一步：继续推进', allowed: REGISTERED, writes: true, needs: { roles: [] } },
  { command: 'report', variant: '代 another unit', text: () => '汇报 代 大沽街道办事处 进展：完成入户排查 下一步：继续推进', allowed: ['office'], writes: true, needs: { roles: ['office'], also: ['大沽街道办事处'] } },
  // 查看 汇报 (issue 18): the office and the leaders, the lead of the unit's group, and the unit's own people.
  { command: 'report show', text: () => '查看 汇报 新河街道办事处', allowed: [...MANAGERS, 'group_lead', 'lead_liaison'], writes: false, needs: { roles: [], also: ['新河街道办事处'] } },
  { command: 'status', text: () => '进度', allowed: REGISTERED, writes: false, needs: { roles: [] } },
  { command: 'lagging', text: () => '落后', allowed: REGISTERED, writes: false, needs: { roles: [] } },
  { command: 'meeting add', text: (mk) => `会议 安排 排查调度会${mk.n} 时间：明天10:00 地点：三楼会议室`, allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] } },
  // group_lead is a role per group (DESIGN §1), as task add has it: a group lead schedules for their own groups only.
  { command: 'meeting add', variant: 'for a group the lead does not lead', text: (mk) => `会议 安排 道路维修推动会${mk.n} 时间：明天15:00 工作组：安全保障组`, allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES, also: ['安全保障组'] }, why: 'group_lead is per group' },
  // DESIGN leaves "who" blank for meeting list/show: reading the schedule is for anyone in the campaign, like task list.
  { command: 'meeting list', text: () => '会议 列表', allowed: REGISTERED, writes: false, needs: { roles: [] }, why: 'blank in DESIGN: a read, anyone' },
  { command: 'meeting show', text: (mk) => mk.meeting().then((m) => `会议 查看 ${m}`), allowed: REGISTERED, writes: false, needs: { roles: [] }, why: 'blank in DESIGN: a read, anyone' },
  // DESIGN leaves cancel/minutes blank: those who may schedule (meeting add), and a group lead only for meetings of a
  // group they lead or that their unit organised (src/meetings/store.ts mayManage).
  { command: 'meeting cancel', text: (mk) => mk.meeting().then((m) => `会议 取消 ${m}`), allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] }, why: 'blank in DESIGN: as meeting add' },
  { command: 'meeting cancel', variant: "another group's meeting", text: (mk) => mk.meeting('安全保障组').then((m) => `会议 取消 ${m}`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES }, why: 'a group lead manages only the meetings of their own groups' },
  { command: 'meeting minutes', text: (mk) => mk.meeting().then((m) => `会议 纪要 ${m} 会议研究了入户排查，明确了时间节点`), allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] }, why: 'blank in DESIGN: as meeting add' },
  { command: 'meeting minutes', variant: "another group's meeting", text: (mk) => mk.meeting('安全保障组').then((m) => `会议 纪要 ${m} 会议研究了道路维修`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES }, why: 'a group lead manages only the meetings of their own groups' },
  // DESIGN leaves problem * blank. Raising and reading the problem list is for anyone (a unit raises problems in its
  // reports too); resolving and escalating are the ladder's owners: the office and the leaders, or the lead of the
  // problem's group (commands/problem-escalate.ts problemRefusal).
  { command: 'problem add', text: (mk) => `问题 上报 3号楼管线切改需燃气公司配合${mk.n}`, allowed: REGISTERED, writes: true, needs: { roles: [] }, why: 'blank in DESIGN: anyone may raise' },
  { command: 'problem list', text: () => '问题 列表', allowed: REGISTERED, writes: false, needs: { roles: [] }, why: 'blank in DESIGN: a read, anyone' },
  { command: 'problem resolve', text: (mk) => mk.problem().then((p) => `问题 解决 ${p} 已协调燃气公司进场`), allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] }, why: 'blank in DESIGN: the office, the leaders, the group lead' },
  { command: 'problem resolve', variant: "another group's problem", text: (mk) => mk.problem('安全保障组').then((p) => `问题 解决 ${p} 已协调`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES, also: ['安全保障组'] }, why: 'a group lead only for problems of their own groups' },
  { command: 'problem show', text: (mk) => mk.problem().then((p) => `问题 查看 ${p}`), allowed: REGISTERED, writes: false, needs: { roles: [] }, why: 'a read, anyone (like the problem list)' },
  { command: 'problem cancel', text: (mk) => mk.problem().then((p) => `问题 撤销 ${p} 与P1重复`), allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] }, why: 'like resolve: the office, the leaders, the group lead' },
  { command: 'problem cancel', variant: "another group's problem", text: (mk) => mk.problem('安全保障组').then((p) => `问题 撤销 ${p} 误报`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES, also: ['安全保障组'] }, why: 'a group lead only for problems of their own groups' },
  { command: 'problem escalate', text: (mk) => mk.problem().then((p) => `问题 升级 ${p}`), allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] }, why: 'blank in DESIGN: the office, the leaders, the group lead' },
  { command: 'problem escalate', variant: "another group's problem", text: (mk) => mk.problem('安全保障组').then((p) => `问题 升级 ${p}`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES, also: ['安全保障组'] }, why: 'a group lead only for problems of their own groups' },
  { command: 'task add', text: (mk) => `任务 新增 完成入户排查${mk.n} 牵头：新河街道办事处 配合：大沽街道办事处 截止：12月31日 工作组：维稳保障组`, allowed: [...MANAGERS, 'group_lead'], writes: true, needs: { roles: [...MANAGER_ROLES, 'group_lead'] } },
  { command: 'task add', variant: 'into a group the lead does not lead', text: (mk) => `任务 新增 道路维修${mk.n} 牵头：经开区管委会 截止：12月31日 工作组：安全保障组`, allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES, also: ['安全保障组'] }, why: 'a group lead adds only into their own groups' },
  { command: 'task list', text: () => '任务 列表', allowed: REGISTERED, writes: false, needs: { roles: [] } },
  { command: 'task show', text: (mk) => mk.task().then((t) => `任务 查看 ${t}`), allowed: REGISTERED, writes: false, needs: { roles: [] } },
  // "office, or a person of the lead unit": not the commander or a deputy, not the group lead of another unit
  { command: 'task done', text: (mk) => mk.task().then((t) => `任务 销账 ${t} 已完成全部排查`), allowed: ['office', 'lead_liaison'], writes: true, needs: { roles: ['office'], also: ['新河街道办事处'] } },
  { command: 'task extend', text: (mk) => mk.task().then((t) => `任务 延期 ${t} 截止：2027-01-31 原因：住户外出务工`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES } },
  // 申请延期 (issue 18): a person of the lead unit asks; the office and the leaders extend directly (refused, told so).
  { command: 'task request-extension', text: (mk) => mk.task().then((t) => `任务 申请延期 ${t} 截止：2027-01-31 原因：住户外出务工`), allowed: ['lead_liaison'], writes: true, needs: { roles: [], also: ['新河街道办事处'] } },
  // 审批: the office and the leaders decide a pending request (here an extension the lead unit asked for).
  { command: 'task decide', text: (mk) => mk.task().then((t) => pendingExtension(mk, t)).then(({ t, r }) => `任务 审批 ${t} 同意 申请号：${r}`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES } },
  // "lead or cooperating unit"; the code lets the office write a note too (it writes off and reports for units as well).
  { command: 'task note', text: (mk) => mk.task().then((t) => `任务 进展 ${t} 已完成一半`), allowed: ['office', 'lead_liaison'], writes: true, needs: { roles: ['office'], also: ['新河街道办事处', '大沽街道办事处'] }, why: 'DESIGN: lead or cooperating unit; the office too (divergence kept)' },
  { command: 'task note', variant: "by a cooperating unit's person", text: (mk) => mk.task({ cooperating: ['区公安局'] }).then((t) => `任务 进展 ${t} 已配合完成摸排`), allowed: ['office', 'lead_liaison', 'other_liaison'], writes: true, needs: { roles: ['office'], also: ['新河街道办事处', '区公安局'] } },
  // DESIGN gives no "who" for cancel and reopen; they change the ledger like extend: the office and the leaders.
  { command: 'task cancel', text: (mk) => mk.task().then((t) => `任务 取消 ${t} 已并入其他任务`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES }, why: 'not in DESIGN: as task extend' },
  { command: 'task reopen', text: (mk) => mk.doneTask().then((t) => `任务 重开 ${t} 复查发现遗漏`), allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES }, why: 'not in DESIGN: as task extend' },
  { command: 'overdue', text: () => '逾期', allowed: REGISTERED, writes: false, needs: { roles: [] } },
  // Not a chat command in DESIGN (only the CLI's export): the whole ledger as a file is for those who manage it.
  { command: 'export ledger', text: () => '导出 台账', allowed: [...MANAGERS, 'group_lead'], writes: false, needs: { roles: [...MANAGER_ROLES, 'group_lead'] }, why: 'not in DESIGN: those who add tasks' },
  { command: 'bulletin', text: () => '通报', allowed: MANAGERS, writes: false, needs: { roles: MANAGER_ROLES } },
  // 督办单 (DESIGN §5): issued by the office and the leaders; answered by the unit itself (its liaison or any person of
  // it, not the office on its behalf); closed by the issuer, the office or the commander (src/notices/audience.ts).
  { command: 'notice', text: (mk) => `督办 区公安局 排查治安隐患${mk.n} 截止：12月31日`, allowed: MANAGERS, writes: true, needs: { roles: MANAGER_ROLES } },
  { command: 'notice reply', text: (mk) => mk.notice().then((d) => `督办 回复 ${d} 已完成入户排查`), allowed: ['lead_liaison'], writes: true, needs: { roles: [], also: ['新河街道办事处'] }, why: 'the unit answers for itself' },
  { command: 'notice list', text: () => '督办 列表', allowed: REGISTERED, writes: false, needs: { roles: [] }, why: 'a read, anyone' },
  { command: 'notice close', text: (mk) => mk.notice().then((d) => `督办 办结 ${d}`), allowed: ['office', 'commander'], writes: true, needs: { roles: ['office', 'commander'] }, why: 'the issuer (here the office), the office, the commander' },
  // DESIGN §5: office, commander, deputy, group leads (a group lead compiles the units of their groups).
  { command: 'compile', text: () => '汇编 本周', allowed: [...MANAGERS, 'group_lead'], writes: false, needs: { roles: [...MANAGER_ROLES, 'group_lead'] } },
];

let h: Harness;
let reader: Database.Database;

/** A pending extension request on task `t`, asked by the lead unit's liaison (a stub maker, n 0, stores nothing). */
async function pendingExtension(mk: Maker, t: string): Promise<{ t: string; r: number }> {
  if (mk.n === 0) return { t, r: 1 };
  const db = h.server.runtime.dbh.db;
  const [task] = await db.select().from(tasks).where(eq(tasks.seq, Number(t.slice(1))));
  const [asker] = await db.select().from(people).where(eq(people.openId, OPEN_ID.lead_liaison));
  const [row] = await db
    .insert(taskRequests)
    .values({ campaignId: task!.campaignId, taskId: task!.id, kind: 'extension', askedBy: asker!.id, askedAt: h.clock.now().toISOString(), toDeadline: '2027-01-31', reason: '住户外出务工' })
    .returning();
  return { t, r: row!.id };
}
const ids = { units: new Map<string, number>(), groups: new Map<string, number>(), office: 0, campaign: 0 };
let n = 0;

beforeAll(async () => {
  h = await startHarness({ plan: PLAN, now: new Date(START).toISOString(), env: { SEND_PER_CHAT_PER_SECOND: '1000', SEND_PER_SECOND: '1000', SEND_PER_MINUTE: '100000' } });
  const db = h.server.runtime.dbh.db;
  for (const u of await db.select().from(units)) ids.units.set(u.name, u.id);
  for (const g of await db.select().from(groups)) ids.groups.set(g.name, g.id);
  const [office] = await db.select().from(people).where(eq(people.openId, OPEN_ID.office));
  ids.office = office!.id;
  ids.campaign = office!.campaignId;
  reader = new Database(join(h.dir, 'duban.db'), { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  reader?.close();
  await h?.close();
});

const unit = (name: string) => ids.units.get(name)!;
const group = (name: string) => ids.groups.get(name)!;

function maker(): Maker {
  const dbh = h.server.runtime.dbh;
  const now = () => h.clock.now();
  const by = { by: ids.office, at: now() };
  const newTask = (coop: string[]) =>
    addTask(dbh, ids.campaign, { title: `入户排查${n}`, leadUnitId: unit('新河街道办事处'), cooperatingUnitIds: coop.map(unit), groupId: group('维稳保障组'), deadline: '2026-11-20', source: 'chat' }, by);
  return {
    n,
    async task(opts = {}) {
      return `T${(await newTask(opts.cooperating ?? ['大沽街道办事处'])).seq}`;
    },
    async doneTask() {
      const t = await writeOff(dbh, await newTask([]), { ...by, note: '已完成' });
      return `T${t.seq}`;
    },
    async meeting(g = '维稳保障组') {
      const organiser = g === '维稳保障组' ? '新河街道办事处' : '经开区管委会';
      const m = await addMeeting(dbh, ids.campaign, { title: `${g}调度会${n}`, kind: 'dispatch', startsAt: new Date(now().getTime() + 86_400_000), durationMin: 60, place: '三楼会议室', attendeeUnitIds: [], organiserUnitId: unit(organiser), groupId: group(g) }, now());
      return `M${m.seq}`;
    },
    async problem(g = '维稳保障组') {
      const p = await raiseProblem(dbh, ids.campaign, { text: `管线切改协调未果${n}`, unitId: unit('区公安局'), groupId: group(g), raisedBy: ids.office }, now());
      return `P${p.seq}`;
    },
    async notice() {
      const d = await issueNotice(dbh, ids.campaign, { unitId: unit('新河街道办事处'), text: `入户排查${n}`, due: '2026-12-31', by: ids.office, at: now(), chatId: CHAT });
      return `D${d.seq}`;
    },
  };
}

/** Every table but the inbox (and its claims), the outbox's delivery state and bookkeeping, as text; the outbox by key and content (outbox_content). */
function snapshot(except: string[]): string {
  const tables = (reader.prepare(`select name from sqlite_master where type = 'table' and name not in ('inbox', 'inbox_claims', 'outbox', 'outbox_content', 'meta', 'sqlite_sequence') and name not like '\\_\\_%' escape '\\'`).all() as Array<{ name: string }>).map((r) => r.name).sort();
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = reader.prepare(`select * from "${t}" order by rowid`).all();
  out['outbox'] = (reader.prepare('select o.dedupe_key, o.target, c.content from outbox o left join outbox_content c on c.outbox_id = o.id order by o.id').all() as Array<{ dedupe_key: string }>).filter((r) => !except.includes(r.dedupe_key));
  return JSON.stringify(out);
}

interface Cell {
  outcome: string | null;
  reply: string;
  changed: boolean;
  text: string;
}

async function run(row: Row, who: Who): Promise<Cell> {
  n++;
  // Each cell a second later: an allowed write is seen even when it writes the same values (bind's bound_at).
  h.clock.set(START + n * 1000);
  const text = await row.text(maker());
  const messageId = `om_authz_${n}`;
  const before = snapshot([]);
  const said = await h.say({ from: OPEN_ID[who], chat: CHAT, text, messageId });
  const after = snapshot([`reply:${messageId}`, `file:${messageId}`]);
  const [inbox] = reader.prepare('select outcome from inbox where event_id = ?').all(said.eventId) as Array<{ outcome: string | null }>;
  const reply = h.fake.messages.find((m) => m.reply_to === messageId);
  return { outcome: inbox?.outcome ?? null, reply: reply ? flatten(reply.content) : '', changed: before !== after, text };
}

/** The button a card shows for a command, when a card has one: its action value and the form's inputs. */
function buttonFor(text: string): { value: Record<string, string>; form?: Record<string, string> } | undefined {
  let m: RegExpExecArray | null;
  const simple: Array<[RegExp, string]> = [[/^任务 销账 (T\d+)/, 'task.done'], [/^任务 取消 (T\d+)/, 'task.cancel'], [/^任务 重开 (T\d+)/, 'task.reopen'], [/^问题 解决 (P\d+)/, 'problem.resolve'], [/^督办 办结 (D\d+)/, 'notice.close']];
  for (const [re, a] of simple) if ((m = re.exec(text))) return { value: { a, id: m[1]! } };
  if ((m = /^任务 延期 (T\d+) 截止：(\S+) 原因：(.+)$/.exec(text))) return { value: { a: 'task.extend', id: m[1]! }, form: { due: m[2]!, reason: m[3]! } };
  if ((m = /^任务 进展 (T\d+) (.+)$/.exec(text))) return { value: { a: 'task.note', id: m[1]! }, form: { note: m[2]! } };
  if ((m = /^督办 回复 (D\d+) (.+)$/.exec(text))) return { value: { a: 'notice.reply', id: m[1]! }, form: { reply: m[2]! } };
  if ((m = /^任务 申请延期 (T\d+) 截止：(\S+) 原因：(.+)$/.exec(text))) return { value: { a: 'task.request-extension', id: m[1]! }, form: { due: m[2]!, reason: m[3]! } };
  if ((m = /^任务 审批 (T\d+) 同意 申请号：(\d+)$/.exec(text))) return { value: { a: 'request.approve', id: m[1]!, r: m[2]! } };
  return undefined;
}

/**
 * The same command as a card button's callback (POST /lark/cards): it runs with the clicker's roles. `forged` sends the
 * command text itself as the button's value, which the server refuses (buttons name an action, never command text).
 */
async function click(row: Row, who: Who, forged = false): Promise<Cell & { toast: string }> {
  n++;
  h.clock.set(START + n * 1000);
  const text = await row.text(maker());
  const ev = fixture('card.action.trigger');
  ev.header.event_id = `ev_authz_click_${n}`;
  ev.event.operator.open_id = OPEN_ID[who];
  const button = buttonFor(text);
  ev.event.action.value = forged || !button ? { cmd: text } : button.value;
  if (!forged && button?.form) ev.event.action.form_value = button.form;
  ev.event.context.open_chat_id = CHAT;
  const before = snapshot([]);
  const res = await h.post(ev, { path: '/lark/cards' });
  const body = (await res.json()) as { toast: { type: string; content: string } };
  await h.settle();
  const key = `card:${ev.header.event_id}:0`;
  const after = snapshot([key]);
  const [inbox] = reader.prepare('select outcome from inbox where event_id = ?').all(ev.header.event_id) as Array<{ outcome: string | null }>;
  const posted = (reader.prepare('select c.content from outbox o join outbox_content c on c.outbox_id = o.id where o.dedupe_key = ?').get(key) as { content: string } | undefined)?.content;
  return { outcome: inbox?.outcome ?? null, reply: posted ? flatten(JSON.parse(posted)) : '', changed: before !== after, text, toast: body.toast.type };
}

describe('the table', () => {
  it('has a row for every command in commands/index.ts, and each row’s text reaches the command it names', () => {
    const names = new Set(commands.map((c) => c.name));
    const covered = new Set(ROWS.map((r) => r.command));
    expect([...names].filter((x) => !covered.has(x)), 'commands without a row').toEqual([]);
    expect([...covered].filter((x) => !names.has(x)), 'rows naming no command').toEqual([]);
    const patterns = compileWords(commands);
    const stub: Maker = { n: 0, task: async () => 'T1', doneTask: async () => 'T1', meeting: async () => 'M1', problem: async () => 'P1', notice: async () => 'D1' };
    return Promise.all(
      ROWS.map(async (r) => {
        const text = await r.text(stub);
        expect(matchCommand(patterns, text)?.command.name, text).toBe(r.command);
      }),
    );
  });

  it('every registered role is some row’s actor, and the unregistered person none', () => {
    for (const w of REGISTERED) expect(ROWS.some((r) => r.allowed.includes(w)), w).toBe(true);
    expect(ROWS.some((r) => r.allowed.includes('unregistered'))).toBe(false);
  });
});

describe.each(ROWS.map((r) => [`${r.command}${r.variant ? ` (${r.variant})` : ''}`, r] as const))('%s', (_, row) => {
  it.each(EVERYONE.map((w) => [w, row.allowed.includes(w)] as const))('%s → allowed: %s', async (who, allowed) => {
    const cell = await run(row, who);
    const where = `${who}: ${cell.text}\n→ ${cell.reply}`;
    expect(cell.reply, where).not.toBe('');
    if (allowed) {
      expect(cell.outcome, where).toBe('ok');
      expect(cell.reply, where).not.toMatch(/需要以下角色|只有|只能由|没有登记/);
      expect(cell.changed, `${where}\n(an allowed ${row.writes ? 'write changes' : 'read changes nothing in'} the database)`).toBe(row.writes);
      return;
    }
    expect(cell.changed, `${where}\n(a refusal changed the database)`).toBe(false);
    if (who === 'unregistered') {
      expect(cell.outcome, where).toBe('unregistered');
      // told so, and told whom to ask: the office unit and its people
      expect(cell.reply, where).toContain('没有登记');
      expect(cell.reply, where).toContain('区住房建设委');
      expect(cell.reply, where).toContain('陈波');
      return;
    }
    expect(cell.outcome, where).toBe('refused');
    for (const r of row.needs.roles) expect(cell.reply, `${where}\n(names the role ${r})`).toContain(ROLE_NAMES[r].zh);
    const command = commands.find((c) => c.name === row.command)!;
    const hasRole = command.roles === 'anyone' || command.roles.some((r) => r === 'member' || ROLES_OF[who].includes(r));
    if (hasRole) for (const s of row.needs.also ?? []) expect(cell.reply, `${where}\n(names ${s})`).toContain(s);
    else expect(cell.reply, where).toContain('需要以下角色之一');
  });
});

const STUB: Maker = { n: 0, task: async () => 'T1', doneTask: async () => 'T1', meeting: async () => 'M1', problem: async () => 'P1', notice: async () => 'D1' };
/** The write rows a card has a button for. */
const BUTTONED = (await Promise.all(ROWS.filter((r) => r.writes).map(async (r) => ((buttonFor(await r.text(STUB)) ? r : undefined))))).filter((r): r is Row => Boolean(r));

// A card never grants more than chat: every write a card has a button for, clicked by each person, is allowed or
// refused as typed.
describe('as card buttons', () => {
  it('every button a card shows for a write has a row here', async () => {
    const actions = new Set<string>();
    for (const r of BUTTONED) actions.add(buttonFor(await r.text(STUB))!.value.a!);
    expect([...actions].sort()).toEqual(['notice.close', 'notice.reply', 'problem.resolve', 'request.approve', 'task.cancel', 'task.done', 'task.extend', 'task.note', 'task.reopen', 'task.request-extension']);
  });
  it.each(BUTTONED.map((r) => [`${r.command}${r.variant ? ` (${r.variant})` : ''}`, r] as const))('%s', async (_, row) => {
    for (const who of EVERYONE) {
      const cell = await click(row, who);
      const allowed = row.allowed.includes(who);
      const where = `${who} clicked: ${cell.text}\n→ ${cell.toast} ${cell.reply}`;
      expect(cell.outcome, where).toBe(allowed ? 'ok' : who === 'unregistered' ? 'unregistered' : 'refused');
      expect(cell.toast, where).toBe(allowed ? 'success' : 'error');
      expect(cell.changed, where).toBe(allowed);
      if (!allowed && who !== 'unregistered') for (const r of row.needs.roles) expect(cell.reply, where).toContain(ROLE_NAMES[r].zh);
    }
  });
});

// Issue 16 finding 1: a click carrying free command text (a forged or outdated card) runs nothing, for anyone.
describe('a click carrying command text', () => {
  it.each(ROWS.filter((r) => r.writes).map((r) => [`${r.command}${r.variant ? ` (${r.variant})` : ''}`, r] as const))('%s is refused and changes nothing', async (_, row) => {
    for (const who of ['office', 'commander'] as const) {
      const cell = await click(row, who, true);
      const where = `${who} clicked: ${cell.text}\n→ ${cell.toast} ${cell.reply}`;
      expect(cell.outcome, where).toBe('refused_click');
      expect(cell.toast, where).toBe('error');
      expect(cell.changed, where).toBe(false);
    }
  });
});
