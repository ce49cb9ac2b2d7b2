// hcron's verdict as diagnostics: templates, the symlinked template, rejected events, live edits.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, describeDiags, diagnosticsOf, FIXED, hcron, open, replaceLine, revert, SEED, TEST } from './helpers';

const has = (ds: readonly vscode.Diagnostic[], f: (d: vscode.Diagnostic) => boolean) => ds.some(f);

describe('diagnostics', () => {
  before(async () => {
    await hcron();
  });

  it('the seed template failover_simple is reported as a template', async () => {
    const doc = await open(`${SEED}/failover_simple`);
    await diagnosticsOf(doc.uri, (ds) => has(ds, (d) => /template/i.test(codeOf(d) + d.message)), 'a template diagnostic');
  });

  it('the seed template linked by bob/pager/webmaster is flagged: its links are live events', async () => {
    const doc = await open(`${SEED}/failover/email_target_template`);
    const ds = await diagnosticsOf(doc.uri, (ds) => has(ds, (d) => codeOf(d) === 'symlinked-template'), 'a symlinked-template diagnostic');
    const d = ds.find((x) => codeOf(x) === 'symlinked-template')!;
    assert.match(d.message, /bob@abc\.xyz|symlink|link/i);
    assert.ok(d.severity <= vscode.DiagnosticSeverity.Warning, `warning or error, got ${describeDiags([d])}`);
  });

  it('the fixed seed (template_name=$HCRON_EVENT_NAME[-1]) has no symlinked-template finding', async () => {
    const doc = await open(`${FIXED}/failover/email_target_template`);
    const ds = await diagnosticsOf(doc.uri, (ds) => has(ds, (d) => /template/i.test(codeOf(d) + d.message)), 'the template diagnostic of the fixed seed');
    assert.ok(!has(ds, (d) => codeOf(d) === 'symlinked-template'), describeDiags(ds));
  });

  it('rejected events carry hcron\'s reason as an error', async () => {
    const bad = await open(`${TEST}/bad_when`);
    await diagnosticsOf(bad.uri, (ds) => has(ds, (d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes('bad when_* setting')), 'bad when_* setting');
    const partial = await open(`${TEST}/partial`);
    await diagnosticsOf(partial.uri, (ds) => has(ds, (d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes('missing field (host)')), 'missing field (host)');
  });

  it('an accepted event has no error', async () => {
    const doc = await open(`${SEED}/regular_bob`);
    await new Promise((r) => setTimeout(r, 1000));
    const ds = vscode.languages.getDiagnostics(doc.uri);
    assert.ok(!has(ds, (d) => d.severity === vscode.DiagnosticSeverity.Error), describeDiags(ds));
  });

  it('a bad when_minute is flagged while typing and cleared on revert', async () => {
    const doc = await open(`${TEST}/nightly`, true);
    const isBad = (d: vscode.Diagnostic) => d.severity === vscode.DiagnosticSeverity.Error && /when_\*|when_minute/.test(d.message);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!has(vscode.languages.getDiagnostics(doc.uri), isBad), 'clean before the edit');
    await replaceLine(doc, 'when_minute=', 'when_minute=61');
    assert.ok(doc.isDirty);
    const ds = await diagnosticsOf(doc.uri, (ds) => has(ds, isBad), 'the when_minute error while typing');
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('when_minute='));
    assert.ok(ds.some((d) => isBad(d) && d.range.start.line === line), `an error on line ${line + 1}:\n${describeDiags(ds)}`);
    await revert(doc);
    await diagnosticsOf(doc.uri, (ds) => !has(ds, isBad), 'the error to go away after revert');
  });
});
