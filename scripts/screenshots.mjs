// npm run screenshots: README pictures from a real code-server + headless chromium run on a copy
// of examples/: squiggles + Problems panel, the hover's mail preview, the Event Status view, the
// expanded event, a quick fix, the chain graph beside the code lenses.
// Writes docs/images/{squiggles,hover,status-view,expanded,quick-fix,chain-graph}.png. Each step checks what it waits for, so a
// run that passes also is a UI-level check of the extension (like the recipe's ui-check.js).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium, REPO, startCodeServer, workbenchUrl } from './lib/code-server.mjs';

const OUT = path.join(REPO, process.env.SHOTS_DIR || 'docs/images');
const t0 = Date.now();
const ms = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const step = (s) => console.log(`[${ms()}] ${s}`);

const ws = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hcron-shots-')), 'examples');
fs.cpSync(path.join(REPO, 'examples'), ws, { recursive: true, verbatimSymlinks: true });
fs.mkdirSync(OUT, { recursive: true });

const cs = await startCodeServer({
  workspace: ws,
  settings: { 'editor.minimap.enabled': false, 'workbench.tips.enabled': false, 'editor.fontSize': 14, 'window.commandCenter': false, 'workbench.layoutControl.enabled': false, 'chat.commandCenter.enabled': false },
});
const { browser, context } = await launchChromium({ viewport: { width: 1280, height: 760 } });
let failed = false;
try {
  const page = await context.newPage();
  await page.goto(workbenchUrl(cs, { folder: ws, extDev: REPO }));
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForSelector('.explorer-folders-view', { timeout: 60000 });
  step('workbench up');

  async function command(title) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(title);
    await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${title}")`, { timeout: 20000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
  }
  async function openFile(rel) {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(rel);
    const base = rel.split('/').pop();
    await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${base}")`, { timeout: 20000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active:has-text("${base}")`, { timeout: 20000 });
    await page.waitForTimeout(300);
  }
  async function hoverToken(lineText, token) {
    const line = page.locator('.monaco-editor .view-line', { hasText: lineText }).first();
    const span = line.locator('span > span', { hasText: token }).first();
    const box = await span.boundingBox();
    const text = await span.innerText();
    const cw = box.width / Math.max(text.length, 1);
    const at = Math.max(text.indexOf(token), 0) + 1.5;
    await page.mouse.move(box.x + cw * at, box.y + box.height / 2);
  }

  // 1. squiggles: the seed's template, whose symlinks are live events, plus the Problems panel
  await command('View: Close All Editors');
  await openFile('.hcron/hcron.example.com/events/failover/email_target_template');
  await page.waitForSelector('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error', { timeout: 30000 });
  step('squiggle visible');
  await command('View: Focus Problems (Errors, Warnings, Infos)');
  await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20000 });
  // only this file's problems
  const filter = page.locator('.panel .viewpane-filter input').first();
  await filter.click();
  await filter.type('hcron.example.com/events/failover/email_target_template');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
  const firstProblem = await page.locator('.markers-panel .monaco-list-row').nth(1).innerText().catch(() => '');
  step(`problems: ${firstProblem.replace(/\s+/g, ' ').slice(0, 160)}`);
  await page.mouse.move(900, 650);
  await hoverToken('template_name=', 'email_target_template');
  await page.locator('.monaco-hover-content', { hasText: 'symlinks to this template' }).first().waitFor({ timeout: 20000 });
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(OUT, 'squiggles.png') });
  step('squiggles.png');

  // 2. hover: the template's notify_message, as each caller would mail it
  await command('View: Toggle Panel Visibility');
  await page.mouse.move(900, 650);
  await page.waitForTimeout(300);
  await hoverToken('notify_message=', 'Failed');
  const hover = await page.waitForSelector('.monaco-hover-content:has-text("Failed event (/regular_bob)")', { timeout: 20000 });
  step(`hover: ${(await hover.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, 'hover.png') });
  step('hover.png');

  // 3. the Event Status view (and the status bar item)
  await page.mouse.move(900, 650);
  await command('Explorer: Focus on hcron Event Status View');
  await page.waitForSelector('.pane-header:has-text("hcron Event Status")');
  // give the status view the room: collapse the file tree section
  const folders = page.locator('.pane-header:has-text("examples")').first();
  if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
  await page.waitForSelector('.monaco-list-row:has-text("/failover/bob@abc.xyz")', { timeout: 20000 });
  await page.mouse.move(900, 650);
  await page.waitForSelector('.statusbar-item:has-text("hcron:")', { timeout: 20000 });
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(OUT, 'status-view.png') });
  step('status-view.png');

  // 4. the expanded event for one run context, beside the template
  await page.locator('.monaco-editor .view-line', { hasText: 'notify_message=' }).first().click();
  await command('hcron: Show Expanded Event');
  await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("failover after /regular_bob")', { timeout: 20000 });
  await page.keyboard.type('failover after /regular_bob');
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.tab.active:has-text("failover after")', { timeout: 20000 });
  await page.keyboard.press('Control+B'); // hide the side bar: room for both editors
  await page.keyboard.press('Control+End'); // the mail hcron would send is at the end
  await page.waitForSelector('.monaco-editor .view-line:has-text("Failed event (/regular_bob)")', { timeout: 20000 });
  await page.mouse.move(900, 650);
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(OUT, 'expanded.png') });
  step('expanded.png');

  // 5. a quick fix: the symlinked template's links become templates
  await command('View: Close All Editors');
  await openFile('.hcron/hcron.example.com/events/failover/email_target_template');
  await hoverToken('template_name=', 'email_target_template');
  await page.mouse.down();
  await page.mouse.up();
  await page.mouse.move(900, 650);
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+.');
  const fix = await page.waitForSelector('.action-widget:has-text("Make every symlinked name a template too")', { timeout: 20000 });
  step(`quick fix menu: ${(await fix.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, 'quick-fix.png') });
  step('quick-fix.png');
  await page.keyboard.press('Escape');

  // 6. the chain graph around the template, beside its code lenses and inlay hints
  await page.setViewportSize({ width: 1500, height: 760 });
  await openFile('.hcron/hcron.example.com/events/simple');
  await page.waitForSelector('.monaco-editor .codelens-decoration:has-text("next run")', { timeout: 20000 });
  await openFile('.hcron/hcron.example.com/events/failover/email_target_template');
  await page.waitForSelector('.monaco-editor .codelens-decoration:has-text("hcron: rejected: template")', { timeout: 20000 });
  await command('hcron: Show Chain Graph');
  const graph = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  await graph.locator('svg#graph g.node[data-name="/regular_bob"]').waitFor({ timeout: 30000 });
  step(`graph nodes: ${await graph.locator('svg#graph g.node').count()}`);
  await page.mouse.move(700, 700);
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(OUT, 'chain-graph.png') });
  step('chain-graph.png');
} catch (e) {
  failed = true;
  console.error('SCREENSHOTS FAILED:', e.message);
  await context.pages()[0]?.screenshot({ path: path.join(os.tmpdir(), 'hcron-shots-failure.png') }).catch(() => {});
  console.error(`page at failure: ${path.join(os.tmpdir(), 'hcron-shots-failure.png')}; code-server log: ${cs.log}`);
} finally {
  await browser.close();
  await cs.stop();
}
process.exit(failed ? 1 : 0);
