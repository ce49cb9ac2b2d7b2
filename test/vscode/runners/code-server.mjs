// Runs the suite inside code-server's real Node extension host; headless chromium only opens the
// workbench page. The web workbench reports the test log and the exit code through
// window.codeAutomationLog / window.codeAutomationExit (the hooks @vscode/test-web uses).
import * as fs from 'node:fs';
import * as util from 'node:util';
import { launchChromium, startCodeServer, workbenchUrl } from '../../../scripts/lib/code-server.mjs';

const QUIET = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore|.*ENOTFOUND open-vsx\.org|.*vsda_bg\.wasm)/;

/** Returns the exit code of the suite: 0 passed, 1 failed, 2 runner broke. `file`: opened in an editor from the start. */
export async function runWithCodeServer({ workspace, extDev, extTests, file, timeoutMs = 180000, log = console.log }) {
  const t0 = Date.now();
  let cs;
  let browser;
  try {
    cs = await startCodeServer({ workspace });
    log(`code-server up at ${cs.url} in ${Date.now() - t0} ms (log: ${cs.log})`);
    const c = await launchChromium();
    browser = c.browser;
    const page = await c.context.newPage();
    let done;
    const finished = new Promise((r) => (done = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(args || []));
      if (!QUIET.test(line)) (type === 'error' ? console.error : console.log)(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => done(code));
    page.on('crash', () => done('page crashed'));
    await page.goto(workbenchUrl(cs, { folder: workspace, extDev, extTests, file }));
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    const code = await finished;
    clearTimeout(timer);
    log(`extension tests finished: exit=${code} after ${Date.now() - t0} ms`);
    if (code !== 0 && code !== 1) {
      const tail = fs.readFileSync(cs.log, 'utf8').split('\n').slice(-40).join('\n');
      console.error(`code-server log (last lines):\n${tail}`);
    }
    return code === 0 ? 0 : code === 1 ? 1 : 2;
  } catch (e) {
    console.error('code-server runner broke:', e);
    return 2;
  } finally {
    await browser?.close().catch(() => {});
    await cs?.stop();
  }
}
