// npm run bench:phases — where an event's CPU goes on the server's one thread, phase by phase, in this process: the
// answer's store (check + inbox row, without HTTP and the signature checks, which `bench:floor` measures), the handling
// (pipeline, card, commit) and the send (the SDK's call over undici, the sent mark; the reply was committed already
// claimed). The fake Open Platform runs in a child process, so its CPU is not counted. N events (default 3,000) of
// `帮助` in private chats, three rounds.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../db/client.js';
import { configSchema } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { createCore } from '../src/create-core.js';
import type { HandedRow } from '../src/outbox.js';
import { createLarkClient, LarkMessenger } from '../src/lark/sdk-messenger.js';
import { undiciHttp } from '../src/lark/undici-http.js';
import { createLog } from '../src/log.js';
import { startFakeLark } from '../test/fake-lark/server.js';
import { messageEvent } from '../test/support/lark-events.js';
import { seed } from './seed.js';

if (process.argv[2] === '--fake') {
  // the child: the fake Open Platform, its URL sent to the parent
  const fake = await startFakeLark({ botOpenId: 'ou_bot', knows: (id) => /^ou_(bench|fan)_/.test(id) });
  process.send!(fake.url);
} else {
  const n = Number(process.env.N ?? 3000);
  const child = fork(fileURLToPath(import.meta.url), ['--fake'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const url = await new Promise<string>((r) => child.once('message', (m) => r(String(m))));
  const dir = mkdtempSync(join(tmpdir(), 'duban-phases-'));
  const dbPath = join(dir, 'bench.db');
  const dbh = openSqlite(dbPath);
  await seed(dbh, new Date());
  dbh.close();
  const config = configSchema.parse({ PORT: '0', DATABASE_PATH: dbPath, LARK_APP_ID: 'cli_bench', LARK_APP_SECRET: 'secret', LARK_DOMAIN: url, LOG_LEVEL: 'silent', SEND_PER_SECOND: '5000', SEND_PER_MINUTE: '1000000' });
  // The server's core, built as src/runtime.ts builds it, except that nothing runs on its own: handling is called
  // here (two at a time, as the work queue runs it) and the sender drains when asked, so each phase is counted alone.
  // The replies are committed already claimed, as on the server (Sender.handOver), and held here until the send phase.
  const log = createLog({}, undefined, 'silent');
  const db = openSqlite(dbPath, { backgroundCheckpoint: true });
  const http = undiciHttp();
  const messenger = new LarkMessenger(createLarkClient({ appId: 'cli_bench', appSecret: 'secret', domain: url, httpInstance: http }), log);
  const core = createCore({ config, dbh: db, clock: systemClock, log, messenger, defer: () => {}, deliverEagerly: true });
  const handOver = core.sender.handOver.bind(core.sender);
  const held: HandedRow[] = [];
  core.sender.handOver = (rows) => void held.push(...rows);
  const cpuUs = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let round = 0; round < 3; round++) {
    const events = Array.from({ length: n }, (_, i) => messageEvent({ from: `ou_bench_${(i % 200) + 1}`, chat: `oc_p2p_phases${round}_${i}`, chatType: 'p2p', text: '帮助' }));
    // the answer's part after the signature checks: the event checked and its inbox row stored (core.accept)
    let c = cpuUs();
    await Promise.all(events.map((e) => core.accept(e)));
    const stored = (cpuUs() - c) / n;
    c = cpuUs();
    let next = 0;
    const handleNext = async () => {
      while (next < n) await core.handle(events[next++]);
    };
    await Promise.all([handleNext(), handleNext()]);
    const handled = (cpuUs() - c) / n;
    c = cpuUs();
    handOver(held.splice(0));
    await core.sender.drain();
    const sent = (cpuUs() - c) / n;
    process.stdout.write(`round ${round + 1}: CPU per event: store ${stored.toFixed(0)} µs, handle ${handled.toFixed(0)} µs, send ${sent.toFixed(0)} µs\n`);
  }
  await http.close();
  db.close();
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
