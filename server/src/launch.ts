// The Node options the language server runs with, wherever it is started: the
// VS Code client passes them (client/src/extension.ts), bin/hcron-language-server
// has them on its #! line, and the tests and the bench start it with them
// (test/lsp/helpers.mjs reads that line; test/unit/launch.test.mjs checks the two agree).
//
// --max-semi-space-size=4: V8's young generation held at 4 MB a semi-space (it
// grows to 16 by default). The load allocates at full speed and keeps much of it;
// a young generation that stays in the caches made it faster: initialized -> the
// hover that knows every caller at 100,000 events, 6 interleaved sessions each,
// median 3,295 -> 2,734 ms, peak RSS 362-377 -> 333-339 MB (docs/performance.md,
// fifteenth round). 2 MB was slower (3,055-4,307 ms), 8 MB about the same as 4.
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=4'];
