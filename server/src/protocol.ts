// The requests and the notification the VS Code client uses beyond LSP: their
// names and wire shapes, one definition for the server (features/custom.ts)
// and the client (client/src/protocol.ts). Types and names only: no LSP
// library here, so either side can import it.

export const METHODS = {
  /** every tree with every event's status */
  trees: 'hcron/trees',
  /** hcron-info -es text of one tree */
  statusText: 'hcron/statusText',
  /** an event as hcron would run it */
  expand: 'hcron/expand',
  /** server -> client: statuses changed, ask hcron/trees again */
  treesChanged: 'hcron/treesChanged',
} as const;

export type EventStatus = 'accepted' | 'rejected' | 'dropped' | 'ignored';

export interface TreeEvent {
  /** hcron's name of the event, always starting with "/" (a symlink has its own name). */
  name: string;
  status: EventStatus;
  /** hcron v1.5 type: normal, template, partial, unknown ("" for dropped/ignored members). */
  type: string;
  /** hcron's reason ("passed", "template", "bad when_* setting", ...), or why a member is absent. */
  reason: string;
  /**
   * URI of the member (a file: URI). With TreesParams.omitPlainUris, absent
   * where it is the plain one: vscode-uri's URI.file(path.join(root, ...name's
   * components)).
   */
  uri?: string;
}

export interface TreesParams {
  /** Leave out each event's URI where it is the plain one (100,000 URIs are ~11 MB of the answer, and the server's peak memory). */
  omitPlainUris?: boolean;
}

export interface TreeCounts {
  accepted: number;
  rejected: number;
  templates: number;
  dropped: number;
  ignored: number;
}

export interface TreeInfo {
  /** File-system path of the events folder. */
  root: string;
  /** The <server> folder name (or the configured server name). */
  server: string;
  counts: TreeCounts;
  events: TreeEvent[];
}

export interface TreesResult {
  trees: TreeInfo[];
}

/** How the previewed run starts (the client offers these; the server also knows 'immediate'). */
export type ExpandTrigger = 'clock' | 'next' | 'failover' | 'ondemand';

export interface ExpandParams {
  uri: string;
  trigger?: ExpandTrigger;
  /** The chain before this event, ":"-joined names (the caller(s)). */
  after?: string;
  /** Run the file under another of its names (a symlink's name). */
  asName?: string;
}
