// The server's messages to the client, in order, except the publications of
// closed files in bulk (a tree's load: up to 5,000 of them). Those are
// handed over only when the client has taken everything handed over before,
// so a reply never waits behind them (measured at 100,000 events: hovers made
// during that publication waited 100-370 ms for the messages ahead of them).
// Over stdio, what waits is joined into one write (two writes a message cost
// more than the publication's own work; docs/performance.md).

import { AbstractMessageWriter, Message, MessageWriter, NotificationMessage } from 'vscode-languageserver/node';

/** At most this many messages are handed over at once (a reply may wait for the ones before it). */
const CHUNK = 24;
const PUBLISH = 'textDocument/publishDiagnostics';

/** Where the messages go: `done` once the system has taken them. */
export interface Sink {
  send(messages: Message[], done: (e?: Error | null) => void): void;
  /** The last messages, the end. */
  end(messages: Message[]): void;
  on(event: 'error' | 'close', f: (e?: Error) => void): void;
}

/**
 * Messages as the base protocol frames them (a header, then the JSON), encoded
 * straight into one buffer: no framed copy of each JSON text (a hover on a
 * template is ~17,000 characters) and no joined copy of them all.
 */
function frames(messages: Message[]): Buffer {
  const jsons = messages.map((m) => JSON.stringify(m));
  const lengths = jsons.map((j) => Buffer.byteLength(j, 'utf8'));
  const heads = lengths.map((n) => `Content-Length: ${n}\r\n\r\n`);
  let size = 0;
  for (let i = 0; i < jsons.length; i++) size += heads[i].length + lengths[i];
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < jsons.length; i++) {
    at += buf.write(heads[i], at, 'latin1');
    at += buf.write(jsons[i], at, 'utf8');
  }
  return buf;
}

/** A byte stream (stdio): one write for what is handed over at once. */
export function streamSink(stream: NodeJS.WritableStream): Sink {
  return {
    send: (messages, done) => void stream.write(frames(messages), done),
    end: (messages) => {
      if (messages.length) stream.write(frames(messages));
      stream.end();
    },
    on: (event, f) => void stream.on(event, f),
  };
}

/** Node's IPC channel (--node-ipc, what the VS Code extension starts): a send each. */
export function ipcSink(proc: NodeJS.Process): Sink {
  const send = (messages: Message[], done?: (e?: Error | null) => void) =>
    messages.forEach((m, i) => proc.send!(m, undefined, undefined, i === messages.length - 1 ? done : undefined));
  return { send, end: (messages) => send(messages), on: (event, f) => void proc.on(event, f) };
}

const uriOf = (m: Message): string | undefined => {
  const n = m as NotificationMessage;
  return n.method === PUBLISH ? (n.params as { uri?: string } | undefined)?.uri : undefined;
};

export class Outbox extends AbstractMessageWriter implements MessageWriter {
  /** Everything but bulk publications, in the order sent (from `head` on). */
  private queue: Message[] = [];
  private head = 0;
  /** Bulk publications by URI: a later publication of a URI replaces the one waiting. */
  private readonly bulk = new Map<string, Message>();
  private bulkDepth = 0;
  private scheduled = false;
  /** Hand-overs the system has not taken yet. */
  private inFlight = 0;
  private ended = false;

  constructor(private readonly sink: Sink) {
    super();
    sink.on('error', (e) => this.fireError(e));
    sink.on('close', () => this.fireClose());
  }

  /** Publications sent while `send` runs are bulk: handed over when nothing else waits. */
  inBulk<T>(send: () => T): T {
    this.bulkDepth++;
    try {
      return send();
    } finally {
      this.bulkDepth--;
    }
  }

  write(msg: Message): Promise<void> {
    if (this.ended) return Promise.resolve();
    const uri = uriOf(msg);
    if (uri !== undefined && this.bulkDepth) this.bulk.set(uri, msg);
    else {
      // a publication sent now is newer than the bulk one waiting for the same URI
      if (uri !== undefined) this.bulk.delete(uri);
      this.queue.push(msg);
    }
    this.schedule();
    return Promise.resolve();
  }

  /** What is sent in this turn goes out together after it (a handler's reply and what it sent before). */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.pump());
  }

  private pump() {
    this.scheduled = false;
    if (this.ended) return;
    const out: Message[] = [];
    while (this.head < this.queue.length && out.length < CHUNK) out.push(this.queue[this.head++]);
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    if (!this.queue.length && !this.inFlight)
      for (const [uri, m] of this.bulk) {
        if (out.length >= CHUNK) break;
        this.bulk.delete(uri);
        out.push(m);
      }
    if (!out.length) return;
    this.inFlight++;
    try {
      this.sink.send(out, (e) => {
        this.inFlight--;
        if (e) this.fireError(e);
        else if (this.queue.length || this.bulk.size) this.schedule();
      });
    } catch (e) {
      this.inFlight--;
      this.fireError(e);
    }
    // more than a chunk waits: the next one now (only bulk publications wait for the system)
    if (this.queue.length) this.schedule();
  }

  /** What waits goes out, then the end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const rest = [...this.queue.slice(this.head), ...this.bulk.values()];
    this.queue = [];
    this.bulk.clear();
    try {
      this.sink.end(rest);
    } catch (e) {
      this.fireError(e);
    }
  }
}
