// Which documents are hcron: the manifest's pattern, hcron.eventTrees, content detection.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fileUri, FIXED, hcron, liveDoc, open, SEED, TEST, waitFor } from './helpers';

describe('language detection', () => {
  before(async () => {
    await hcron();
  });

  it('event files under .hcron/<server>/events are hcron (regular files and symlinks)', async () => {
    for (const rel of [`${SEED}/simple`, `${SEED}/failover/email_target_template`, `${SEED}/failover/bob@abc.xyz`, `${FIXED}/regular_bob`, `${TEST}/nightly~`]) {
      const doc = await open(rel);
      assert.equal(doc.languageId, 'hcron', rel);
    }
  });

  it('a TypeScript file in src/events/ stays TypeScript', async () => {
    const doc = await open('src/events/handler.ts');
    await new Promise((r) => setTimeout(r, 500)); // give the detection its chance to get it wrong
    assert.equal(liveDoc(doc.uri)?.languageId ?? doc.languageId, 'typescript');
  });

  it('an extension-less file in an events/ folder becomes hcron when its content is an event', async () => {
    const uri = fileUri('other/events/report');
    await open('other/events/report');
    await waitFor('other/events/report to become hcron', () => liveDoc(uri)?.languageId === 'hcron');
  });

  it('an extension-less file in an events/ folder that is not an event stays plain text', async () => {
    const doc = await open('other/events/notes');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(liveDoc(doc.uri)?.languageId ?? doc.languageId, 'plaintext');
  });

  it('every file under a tree of hcron.eventTrees is hcron, whatever its name', async () => {
    assert.deepEqual(vscode.workspace.getConfiguration('hcron').get('eventTrees'), ['ops/hcron/prod']);
    const uri = fileUri('ops/hcron/prod/cleanup.sh');
    await open('ops/hcron/prod/cleanup.sh');
    await waitFor('ops/hcron/prod/cleanup.sh to become hcron', () => liveDoc(uri)?.languageId === 'hcron');
  });
});
