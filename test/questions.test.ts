// Questions as an office asks them (src/core/questions.ts) and the three likely commands of a private message that
// matches nothing (src/core/suggest.ts): pure functions, tested without a server; the webhook path is in
// test/report-forms.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { asCommandText, readQuestion } from '../src/core/questions.js';
import { likelyCommands } from '../src/core/suggest.js';
import { compileWords, matchCommand } from '../src/router.js';

const patterns = compileWords(commands);
const isCommand = (text: string) => matchCommand(patterns, text) !== undefined;

describe('questions', () => {
  const table: Array<[string, string]> = [
    ['谁还没报', '进度 未报'], ['谁还没报？', '进度 未报'], ['哪些单位没报', '进度 未报'], ['还有谁没交', '进度 未报'], ['哪些单位还没有报送', '进度 未报'],
    ['没报的有哪些', '进度 未报'], ['还差谁', '进度 未报'], ['维稳保障组谁还没报', '进度 未报 维稳保障组'],
    ['逾期任务有哪些', '逾期'], ['有哪些逾期', '逾期'], ['超期的任务', '逾期'], ['哪些任务逾期了', '逾期'], ['经开区管委会有哪些逾期', '逾期 经开区管委会'],
    ['本周谁落后', '落后 本周'], ['落后单位有哪些', '落后'], ['本月谁落后', '落后 本月'], ['哪些单位落后', '落后'],
    ["who hasn't reported?", 'status missing'], ['what is overdue', 'overdue'], ['who is lagging this month', 'lagging month'],
  ];
  for (const [q, command] of table) it(`${q} → ${command}`, () => expect(asCommandText(q, isCommand)).toBe(command));

  it('commands and reports are not questions', () => {
    for (const text of ['汇报 进展：A项任务已逾期', '任务 列表 逾期', '进度', '逾期 区公安局', '落后 本月', '问题 上报 资金未到位', '进展顺利，超期的任务已完成'])
      expect(asCommandText(text, isCommand), text).toBe(text);
  });

  it('never throws, and answers the text or a command the router knows', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('谁', '还', '没报', '逾期', '落后', '有哪些', '？', ' ').chain((w) => fc.array(fc.constant(w), { maxLength: 8 }).map((xs) => xs.join('')))), (s) => {
        const out = asCommandText(s, isCommand);
        if (out !== s) expect(isCommand(out)).toBe(true);
        expect(readQuestion(s)?.command ?? '').not.toContain('\n');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the three likely commands', () => {
  const first = (text: string) => likelyCommands(commands, text).map((c) => c.words.zh[0]);
  it('answers three, best first', () => {
    expect(first('我想交本周的进展')[0]).toBe('汇报');
    expect(first('任务新建 修路')[0]).toBe('任务 新增');
    expect(first('开会')[0]).toBe('会议 安排');
    expect(first('导出表格')[0]).toBe('导出 台账');
    expect(first('今天天气不错')).toHaveLength(3);
  });
});
