/**
 * The web console in a real browser (headless Chromium, the Debian package; .ci/run installs it):
 * `hooklake serve` as its own process, its printed console URL opened as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BIN, ROOT } from '../support/cli-process';

const CHROMIUM = process.env.HOOKLAKE_CHROMIUM ?? '/usr/bin/chromium';
/** Long enough for a loaded machine; the waits end as soon as the page shows what they wait for. */
const WAIT_MS = 30_000;

jest.setTimeout(120_000);

let dataDir: string;
let server: ChildProcess;
let baseUrl: string;
let consoleUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Where a script ran that must not have: a value the console showed was run as markup (XSS). */
const scriptsRun: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set HOOKLAKE_CHROMIUM).`);
  dataDir = mkdtempSync(join(tmpdir(), 'hooklake-console-'));
  server = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  consoleUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const found = /(http:\/\/\S+\/console\/login\?key=\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    server.on('exit', (code) => reject(new Error(`hooklake serve exited (${code}): ${out}`)));
  });
  baseUrl = new URL(consoleUrl).origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  page = await context.newPage();
  // A script that runs where it must not: XSS through any value the console shows.
  await page.exposeFunction('reportXss', (where: string) => scriptsRun.push(where));
  page.on('dialog', (dialog) => void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss()));
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('web console', () => {
  it('stays closed without the printed key', async () => {
    expect((await fetch(`${baseUrl}/console/`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/console/login?key=wrong`, { redirect: 'manual' })).status).toBe(401);
    const body = await (await fetch(`${baseUrl}/console/`)).text();
    expect(body).not.toContain('Create an integration');
  });

  it('signs in with the printed URL, then drops the key from the address bar', async () => {
    await page.goto(consoleUrl);
    expect(page.url()).toBe(`${baseUrl}/console/`);
    expect(await page.textContent('h1')).toBe('Integrations');
    const cookies = await context.cookies(`${baseUrl}/console/`);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
  });

  let webhookUrl: string;

  it('creates an integration and shows its URL once, with a copy button that copies it', async () => {
    await page.fill('#create-integration input[name=name]', 'Browser Shop');
    await page.selectOption('#create-integration select[name=type]', 'webhooks');
    await page.fill('#create-integration input[name=primary_key]', 'order_id');
    await Promise.all([page.waitForNavigation(), page.click('#create-integration button[type=submit]')]);
    webhookUrl = (await page.textContent('#webhook-url'))!.trim();
    expect(webhookUrl).toMatch(new RegExp(`^${baseUrl}/v1/hooks/hlk_[A-Za-z0-9_-]{43}$`));
    await page.click('#copy-url');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(webhookUrl);
    // Post/Redirect/Get: the address holds no token, and a reload neither creates again nor shows the URL again.
    expect(page.url()).toMatch(new RegExp(`^${baseUrl}/console/new-url/[A-Za-z0-9_-]+$`));
    expect(page.url()).not.toContain(webhookUrl.split('/').pop()!);
    await page.reload();
    expect(await page.textContent('h1')).toBe('Shown once');
    expect(await page.content()).not.toContain(webhookUrl.split('/').pop()!);
    // Shown once: the integration's page lists token ids, never the token.
    await page.goto(`${baseUrl}/console/i/browser_shop`);
    expect(await page.content()).not.toContain(webhookUrl.split('/').pop()!);
    expect(await page.textContent('#tokens')).toContain('active');
  });

  it('counts events as they arrive, and shows recent and rejected rows', async () => {
    expect(await page.textContent('#events-today')).toBe('0');
    const stored = await post(webhookUrl, [{ order_id: 'o-1', total: 12.5 }, { order_id: 'o-2', note: '<img src=x onerror="reportXss(\'row\')">' }, { total: 3 }]);
    expect(await stored.json()).toEqual({ status: 'OK', records: 2, rejected: 1 });
    // The live counts refresh by themselves.
    await page.locator('#events-today', { hasText: /^2$/ }).waitFor({ timeout: WAIT_MS });
    expect(await page.textContent('#rejected-today')).toBe('1');
    expect(await page.textContent('#last-event')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await page.reload();
    expect(await page.textContent('#recent-rows')).toContain('o-2');
    // A value from a webhook is shown as text, never run as markup.
    expect(await page.textContent('#recent-rows')).toContain('<img src=x onerror=');
    expect(await page.$('#recent-rows img')).toBeNull();
    expect(await page.textContent('#rejected-rows')).toMatch(/order_id/);
    expect(await page.textContent('#rejected-rows')).toContain('{"total":3}');
    // The list shows the integration as receiving.
    await page.goto(`${baseUrl}/console/`);
    const row = await page.textContent('#integrations tr[data-schema=browser_shop]');
    expect(row).toContain('receiving');
    expect(row).toContain('order_id');
  });

  it('says so when its live counts cannot refresh: signed out by a restart, or the server unreachable', async () => {
    await page.goto(`${baseUrl}/console/i/browser_shop`);
    expect(await page.textContent('#rows-read-at')).toMatch(/^\(as of \d\d:\d\d:\d\d UTC; reload for newer\)$/);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route('**/console/i/browser_shop/activity', (route) => route.abort('connectionrefused'));
    await page.locator('#live-notice', { hasText: 'Server not reachable; retrying.' }).waitFor({ timeout: WAIT_MS });
    await page.unroute('**/console/i/browser_shop/activity');
    const cookies = await context.cookies(`${baseUrl}/console/`);
    await context.clearCookies();
    await page.locator('#live-notice', { hasText: 'Signed out: the server restarted. Open the new console link it printed.' }).waitFor({ timeout: WAIT_MS });
    await context.addCookies(cookies);
    await page.locator('#live-notice').waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(errors).toEqual([]);
  });

  it('fits a phone screen: wide tables scroll inside the page, the chart says which bar is which', async () => {
    const failed: string[] = [];
    const onResponse = (response: { status(): number; url(): string }) => void (response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`));
    page.on('response', onResponse);
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const path of ['/console/', '/console/i/browser_shop', '/console/sql']) {
        await page.goto(`${baseUrl}${path}`);
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      }
      await page.goto(`${baseUrl}/console/i/browser_shop`);
      expect(await page.textContent('#activity svg .legend')).toMatch(/events\s*rejected/);
      expect(await page.evaluate("document.getElementById('daily-counts').scrollWidth > document.getElementById('daily-counts').clientWidth")).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
      page.off('response', onResponse);
    }
    // Not even the icon is missing.
    expect(failed).toEqual([]);
  });

  it('generates a second URL, refuses a third, and a revoked URL answers 401', async () => {
    await page.goto(`${baseUrl}/console/i/browser_shop`);
    await Promise.all([page.waitForNavigation(), page.click('#generate-url button')]);
    const second = (await page.textContent('#webhook-url'))!.trim();
    expect(second).not.toBe(webhookUrl);
    expect((await post(second, { order_id: 'o-3' })).status).toBe(200);
    await page.goto(`${baseUrl}/console/i/browser_shop`);
    expect(await page.isDisabled('#generate-url button')).toBe(true);
    expect(await page.$$('#tokens form')).toHaveLength(2);

    await Promise.all([page.waitForNavigation(), page.click('#tokens tbody tr:first-child form button')]);
    expect(await page.textContent('[role=status]')).toMatch(/^Revoked tok_/);
    expect((await post(webhookUrl, { order_id: 'o-4' })).status).toBe(401);
    expect((await post(second, { order_id: 'o-5' })).status).toBe(200);
    expect(await page.isDisabled('#generate-url button')).toBe(false);
  });

  it('runs read-only SQL over the lake, shows results as a table and errors as errors', async () => {
    await page.goto(`${baseUrl}/console/sql`);
    await page.fill('#sql', "SELECT order_id, '<b>bold</b>' AS markup FROM browser_shop.data ORDER BY order_id");
    await Promise.all([page.waitForNavigation(), page.click('#sql-form button')]);
    expect(await page.$$eval('#sql-result tbody tr td:first-child', (cells) => cells.map((c) => c.textContent))).toEqual(['o-1', 'o-2', 'o-3', 'o-5']);
    expect(await page.$('#sql-result b')).toBeNull();

    await page.fill('#sql', 'SELECT nope FROM browser_shop.data');
    await Promise.all([page.waitForNavigation(), page.click('#sql-form button')]);
    expect(await page.textContent('[role=alert]')).toContain('nope');

    await page.fill('#sql', "COPY (SELECT 1) TO '/tmp/x.csv'");
    await Promise.all([page.waitForNavigation(), page.click('#sql-form button')]);
    expect(await page.textContent('[role=alert]')).toMatch(/Only statements that read/);

    await page.fill('#sql', 'SELEC * FROM browser_shop.data');
    await Promise.all([page.waitForNavigation(), page.click('#sql-form button')]);
    expect(await page.textContent('[role=alert]')).toMatch(/^Syntax error: "SELEC"/);

    await page.fill('#sql', "SELECT NULL AS nothing, '' AS empty");
    await Promise.all([page.waitForNavigation(), page.click('#sql-form button')]);
    expect(await page.textContent('#row-count')).toBe('1 row');
    expect(await page.textContent('#sql-result td:first-child .null')).toBe('null');
    expect(await page.$('#sql-result td:nth-child(2) .null')).toBeNull();
  });

  it('shows at most 1,000 rows of a large result, and says it was cut', async () => {
    await page.goto(`${baseUrl}/console/sql`);
    await page.fill('#sql', 'SELECT * FROM range(3000000) t(i)');
    await Promise.all([page.waitForNavigation(), page.click('#sql-form button')]);
    expect(await page.$$eval('#sql-result tbody tr', (rows) => rows.length)).toBe(1000);
    expect(await page.textContent('#row-count')).toMatch(/^The first 1,000 rows; the result has more/);
  });

  it('escapes a hostile integration name and refuses forms from elsewhere', async () => {
    await page.goto(`${baseUrl}/console/`);
    await page.fill('#create-integration input[name=name]', 'Evil <script>reportXss("name")</script>');
    await Promise.all([page.waitForNavigation(), page.click('#create-integration button[type=submit]')]);
    await page.goto(`${baseUrl}/console/`);
    expect(await page.textContent('#integrations')).toContain('Evil <script>reportXss("name")</script>');

    // The session cookie alone is not enough: a POST needs this run's form token and this origin.
    const cookie = (await context.cookies(`${baseUrl}/console/`)).map((c) => `${c.name}=${c.value}`).join('; ');
    const form = (fields: Record<string, string>, origin = baseUrl) =>
      fetch(`${baseUrl}/console/integrations`, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
    const token = await page.getAttribute('input[name=form_token]', 'value');
    expect((await form({ name: 'No Token' })).status).toBe(403);
    expect((await form({ name: 'Elsewhere', form_token: token! }, 'http://evil.example')).status).toBe(403);
    expect((await form({ name: 'Same Origin', form_token: token! })).status).toBe(303);
  });

  it('ran no script from any value it showed', async () => {
    // The detector works: a call from the page is recorded.
    await page.evaluate("reportXss('probe')");
    expect(scriptsRun).toEqual(['probe']);
  });
});
