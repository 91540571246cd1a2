// 问题 上报 / problem add <text>: raise a problem a group cannot solve alone; it starts at group level and climbs the
// ladder (工作组 → 副组长 → 办公室问题清单 → 组长) while unresolved.
import { z } from 'zod';
import { calendarOf } from '../src/core/calendar.js';
import { matchGroup, type Group } from '../src/org.js';
import { LIMIT_WORKDAYS } from '../src/problems/ladder.js';
import { problemCard } from '../src/problems/cards.js';
import { groupForProblem, problemRef, raiseProblem } from '../src/problems/store.js';
import { defineCommand } from './define.js';

export default defineCommand({
  name: 'problem add',
  words: { zh: ['问题 上报', '上报问题', '问题 新增'], en: ['problem add', 'problem raise'] },
  summary: { zh: '上报工作中遇到的困难和问题', en: 'raise a problem' },
  usage: { zh: '问题 上报 <问题描述> [工作组：…]', en: 'problem add <text> [group:…]' },
  examples: ['问题 上报 3号楼管线切改需燃气公司配合，协调未果', 'problem add Gas company has not replied about the pipe work group:工程建设组'],
  roles: 'anyone',
  keys: { group: ['工作组', 'group'] },
  args: z.object({ text: z.string().min(1, { message: '请写明问题内容 / describe the problem' }), group: z.string().optional() }),
  async handle(ctx, { text, group: groupName }) {
    const { t, org, campaign } = ctx;
    let group: Group | undefined;
    if (groupName) {
      const g = matchGroup(org, groupName);
      if (!g.ok) return { text: t(`没有找到工作组「${groupName}」。可选：${(g.candidates.length ? g.candidates : org.groups).map((x) => x.name).join('、')}`, `No group "${groupName}". Groups: ${org.groups.map((x) => x.name).join(', ')}`) };
      group = g.value;
    } else group = groupForProblem(org, ctx.actor, ctx.chat.id);
    const now = ctx.clock.now();
    const p = await raiseProblem(ctx.dbh, campaign.id, { text, unitId: ctx.actor.person.unitId, groupId: group?.id ?? null, raisedBy: ctx.actor.person.id }, now);
    const cal = calendarOf(campaign);
    const hint = t(
      `${group ? `由「${group.name}」组织研究解决；` : ''}${LIMIT_WORKDAYS.group} 个工作日内未解决将提请副组长协调。解决后发送「问题 解决 ${problemRef(p)} 说明」。`,
      `${group ? `${group.name} works on it first; ` : ''}unresolved after ${LIMIT_WORKDAYS.group} workdays it goes to the deputy. When solved send "problem resolve ${problemRef(p)} <note>".`,
    );
    return { card: problemCard(org, p, now, cal, ctx.lang, t('已上报问题', 'Problem raised'), hint) };
  },
});
