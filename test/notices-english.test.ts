// An English campaign (locale `en`) gets its 督办单 in English everywhere: the card in the unit's chats and privately,
// the reply the issuer and the office hear, the list, the daily chase and the lagging reason.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplePlan } from '../src/runtime.js';
import { flatten, startHarness, type Harness } from './support/harness.js';

const OFFICE = 'oc_xinhe_office';
let h: Harness;

async function say(from: string, text: string, at: string) {
  h.clock.set(at);
  const said = await h.say({ from, chat: `oc_p2p_${from}`, text });
  return flatten(h.fake.messages.find((m) => m.reply_to === said.messageId)!.content);
}
const lastIn = (chat: string) => flatten(h.fake.messagesIn(chat).at(-1)!.content);

beforeAll(async () => {
  const plan = join(mkdtempSync(join(tmpdir(), 'duban-en-notices-')), 'plan.yaml');
  writeFileSync(plan, readFileSync(examplePlan, 'utf8').replace('locale: zh', 'locale: en'));
  h = await startHarness({ plan, env: { SEND_PER_CHAT_PER_SECOND: '100' } }); // Monday 23 November 2026, 10:00
});
afterAll(() => h.close());

describe('notices in an English campaign', () => {
  it('issue, reply, list, chase and the lagging list all speak English', async () => {
    const issued = await say('ou_chenbo', 'notice 区公安局 check the fire exits of block 3 due:2026-11-24', '2026-11-23T02:00:00Z');
    expect(issued).toContain('Notice D1 issued to 区公安局');
    const card = lastIn('oc_xinhe_weiwen');
    expect(card).toContain('Notice D1 · 区公安局');
    expect(card).toContain('please reply by');
    expect(card).not.toMatch(/督办事项|办理时限|回复办理情况/);
    expect(lastIn('ou_zhangli')).toContain('Notice D1');

    // Wednesday: overdue without a reply: the chase and the lagging list, in English.
    h.clock.set('2026-11-25T01:30:00Z');
    await h.server.runtime.runner.runNow('notice-chase', new Date('2026-11-25T01:30:00Z'));
    await h.settle();
    expect(lastIn(OFFICE)).toContain('Chase: notices overdue without a reply');
    expect(lastIn('oc_xinhe_weiwen')).toContain('Chase: please reply to these notices');
    expect(await say('ou_zhangli', 'notice list', '2026-11-25T02:00:00Z')).toContain('overdue');
    expect(await say('ou_zhangli', 'lagging', '2026-11-25T02:00:00Z')).toContain('1 notice(s) overdue without a reply');

    expect(await say('ou_zhangli', 'notice reply D1 all exits cleared', '2026-11-25T03:00:00Z')).toContain("Recorded 区公安局's reply to notice D1");
    expect(lastIn(OFFICE)).toContain('Notice D1 replied · 区公安局');
    expect(lastIn('ou_chenbo')).toContain('all exits cleared');
    expect(lastIn(OFFICE)).not.toMatch(/回复人|办理情况/);
  });
});
