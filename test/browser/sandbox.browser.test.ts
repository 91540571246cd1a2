// The sandbox in a real browser (playwright-core driving Debian's chromium; never a downloaded browser): a liaison
// reports in the group chat, sees the confirmation card, moves the clock past Friday's due time, and sees the
// lagging list name the units that did not report. Its screenshot goes to test-results/ (not in git);
// DUBAN_UPDATE_SCREENSHOT=1 also writes docs/sandbox.png, the README's picture.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { projectRoot } from '../../src/runtime.js';
import { startServer, type Server } from '../../src/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const title = haveBrowser
  ? 'the sandbox in a browser'
  : `the sandbox in a browser — SKIPPED: no chromium at ${CHROMIUM} (run .ci/install-browser, or set CHROMIUM_PATH)`;

describe.skipIf(!haveBrowser)(title, () => {
  let dir: string;
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-browser-'));
    // No LARK_APP_ID: sandbox mode, the example plan loads into the empty database.
    const config = configSchema.parse({ PORT: '0', DATABASE_PATH: join(dir, 'duban.db'), LOG_LEVEL: 'silent' });
    server = await startServer({ config, scheduler: false, sandboxStart: '2026-11-27T09:00:00+08:00' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1340 }, locale: 'zh-CN' });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a liaison reports, the clock passes the due time, and the lagging list names the units that did not report', async () => {
    await page.goto(`${server.url}/sandbox`);
    await page.waitForSelector('body[data-ready="1"]');
    await expect.poll(() => page.textContent('#now')).toBe('2026-11-27 周五 09:00');

    // 王敏 of 新河街道办事处, the lead unit of 维稳保障组, reports in its group chat.
    await page.selectOption('#me', 'ou_wangmin');
    await page.click('.chat-item[data-chat="oc_xinhe_weiwen"]');
    await page.fill('#text', '汇报\n进展：完成维稳排查3次，化解矛盾2起\n问题：无\n下一步：继续做好节前值守');
    await page.click('#send');
    const confirmation = page.locator('.msg.bot .card-title', { hasText: '进度专报已收到 · 新河街道办事处' });
    await confirmation.waitFor();
    expect(await page.locator('.msg.mine .bubble').last().textContent()).toContain('@督办 汇报');

    // Past the 17:00 due time that day: the last reminder, the chase and the week's lagging list fire on the way.
    await page.click('#move-friday');
    await expect.poll(() => page.textContent('#now'), { timeout: 15_000 }).toBe('2026-11-27 周五 17:30');
    await expect.poll(() => page.textContent('#clock-status')).toContain('lagging-units');

    await page.click('.chat-item[data-chat="oc_xinhe_leaders"]');
    const lagging = page.locator('.msg.bot .card', { hasText: '落后单位 · 本周 · 第48周（11月23日—27日）' });
    await lagging.waitFor();
    const text = (await lagging.textContent()) ?? '';
    for (const unit of ['经开区管委会', '区住房建设委', '区网信办', '新河周转房办公室']) expect(text).toContain(unit);
    expect(text).not.toContain('新河街道办事处');
    expect(await lagging.locator('svg.bar-chart rect').count()).toBe(4);

    // The group chat: the report, its confirmation, and the lagging list of the group's own units.
    await page.click('.chat-item[data-chat="oc_xinhe_weiwen"]');
    await page.locator('.msg.bot .card-title', { hasText: '落后单位 · 维稳保障组' }).waitFor();
    await confirmation.waitFor();
    await page.locator('.msg.mine').last().evaluate((e) => e.scrollIntoView({ block: 'start' }));

    mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
    const shot = await page.screenshot({ path: join(projectRoot, 'test-results', 'sandbox.png') });
    // The README's picture is this screenshot; `npm run screenshot` refreshes the committed copy (docs/sandbox.png).
    if (process.env.DUBAN_UPDATE_SCREENSHOT) await page.screenshot({ path: join(projectRoot, 'docs', 'sandbox.png') });
    expect(shot.length).toBeGreaterThan(10_000);
  }, 40_000);
});
