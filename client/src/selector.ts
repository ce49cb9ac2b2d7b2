// The documents the language client syncs with the server: hcron events by language id, and
// any file of an events tree (before its language id is known).
export const documentSelector = [
  { language: 'hcron', scheme: 'file' },
  { language: 'hcron', scheme: 'untitled' },
  { scheme: 'file', pattern: '**/.hcron/*/events/**' },
];
