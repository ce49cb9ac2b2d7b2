// The Event Status view and the status bar item.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StatusSnapshot } from '../../../client/src/statusView';
import { hcron, open, SEED, waitFor } from './helpers';

const child = (n: StatusSnapshot | undefined, label: string) => n?.children?.find((c) => c.label === label);
const labels = (n: StatusSnapshot | undefined) => (n?.children ?? []).map((c) => c.label);
const dump = (ns: StatusSnapshot[], ind = ''): string =>
  ns.map((n) => `${ind}${n.label}${n.description ? ` (${n.description})` : ''}\n${dump(n.children ?? [], ind + '  ')}`).join('');

async function tree(server: string): Promise<StatusSnapshot> {
  const api = await hcron();
  let last: StatusSnapshot[] = [];
  try {
    return await waitFor(`the ${server} tree in the status view`, async () => (last = await api.getStatusTree()).find((t) => t.label === server));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${dump(last)}`);
  }
}

describe('Event Status view', () => {
  it('groups the seed tree as hcron reports it: Accepted, Templates', async () => {
    const t = await tree('hcron.example.com');
    const msg = dump([t]);
    assert.deepEqual(labels(t), ['Accepted', 'Templates'], msg);
    assert.deepEqual(labels(child(t, 'Accepted')), ['/failover/bob@abc.xyz', '/failover/pager@abc.xyz', '/failover/webmaster@abc.xyz', '/regular_bob', '/regular_common', '/simple'], msg);
    assert.deepEqual(labels(child(t, 'Templates')), ['/failover/common', '/failover/email_target_template', '/failover_simple'], msg);
    assert.equal(t.description, '6 accepted · 3 rejected');
  });

  it('in the fixed seed the links are templates too', async () => {
    const t = await tree('fixed.example.com');
    assert.deepEqual(labels(child(t, 'Accepted')), ['/regular_bob', '/regular_common', '/simple'], dump([t]));
    assert.equal(child(t, 'Templates')?.children?.length, 6, dump([t]));
  });

  it('shows rejected events by reason, dropped links and ignored names', async () => {
    const t = await tree('test.example.com');
    const msg = dump([t]);
    const rejected = child(t, 'Rejected');
    assert.deepEqual(labels(rejected), ['bad when_* setting', 'not fully specified, missing field (host)'], msg);
    assert.deepEqual(labels(child(rejected, 'bad when_* setting')), ['/bad_when'], msg);
    assert.deepEqual(labels(child(rejected, 'not fully specified, missing field (host)')), ['/partial'], msg);
    const dropped = child(t, 'Dropped');
    assert.deepEqual(labels(dropped), ['dangling symlink'], msg);
    assert.deepEqual(labels(child(dropped, 'dangling symlink')), ['/gone'], msg);
    assert.ok(labels(child(t, 'Ignored')).includes('/nightly~'), msg);
  });

  it('each event item opens its file', async () => {
    const t = await tree('hcron.example.com');
    const bob = child(child(t, 'Accepted'), '/failover/bob@abc.xyz');
    assert.ok(bob?.uri, 'the item has a URI');
    const uri = vscode.Uri.parse(bob.uri);
    assert.ok(uri.path.endsWith('/hcron.example.com/events/failover/bob@abc.xyz') || uri.path.endsWith('/email_target_template'), uri.toString());
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.equal(vscode.window.activeTextEditor?.document.uri.path, uri.path);
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'hcron');
  });

  it('the status bar shows the active tree', async () => {
    const api = await hcron();
    const doc = await open(`${SEED}/simple`, true);
    assert.ok(doc);
    await waitFor('status bar text', () => api.getStatusBarText() === 'hcron: 6 accepted · 3 rejected');
  });
});
