// A finding as an LSP Diagnostic. Only vscode-languageserver-types: the VS Code
// extension makes its early diagnostics with it before the server has started.

import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Range } from 'vscode-languageserver-types';
import type { Finding, Severity } from './engine/lint';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Where a finding's pieces are: ranges in a file's text, the file's URI (openAtStart.ts has its own, before any tree is loaded). */
export interface FindingPlaces {
  range(file: string, start: number, end: number): Range;
  uriOf(file: string): string;
}

export function toDiagnostic(at: FindingPlaces, f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: at.range(f.file, f.start, f.end),
    severity: SEVERITY[f.severity],
    source: 'hcron',
    code: f.code,
    message: f.message,
  };
  if (f.related?.length)
    d.relatedInformation = f.related.map(
      (r): DiagnosticRelatedInformation => ({ location: { uri: at.uriOf(r.file), range: at.range(r.file, r.start, r.end) }, message: r.message || f.code }),
    );
  if (f.code === 'ignored' || f.code === 'dropped') d.tags = [DiagnosticTag.Unnecessary];
  if (f.data || f.event) d.data = { ...(f.data ?? {}), event: f.event };
  return d;
}
