// Once everything written to stdout so far is out. stdout to a pipe is written
// asynchronously: a note written to stderr before then lands, with 2>&1, in the
// middle of an output line, and an exit before then loses the rest.

export function stdoutWritten(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}
