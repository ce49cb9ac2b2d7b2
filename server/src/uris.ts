// file: URIs <-> paths, for the server and the VS Code extension (no LSP
// import: the extension's early diagnostics use it before the server starts).

import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { encodeSurrogateEscape } from './engine/py';

export function pathOfUri(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? path.resolve(u.fsPath) : undefined;
  } catch {
    return undefined;
  }
}

/** A lone low surrogate: a byte of a name that is not UTF-8 (Python's surrogateescape). */
export const LONE_ESCAPE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/**
 * file: URI of a path. A name that is not UTF-8 reaches the server as lone
 * surrogates (Python's surrogateescape, like hcron); URI.file would throw
 * URIError on them, so its bytes are percent-encoded instead.
 */
export function fileUri(fsPath: string): string {
  if (!LONE_ESCAPE.test(fsPath)) return URI.file(fsPath).toString();
  let out = 'file://';
  for (const b of encodeSurrogateEscape(fsPath)) out += /[A-Za-z0-9\-._~/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  return out;
}
