// The custom requests and notifications between this client and the hcron language server.
import { NotificationType0, RequestType, RequestType0 } from 'vscode-languageclient/node';

export type EventStatus = 'accepted' | 'rejected' | 'dropped' | 'ignored';

export interface TreeEvent {
  /** hcron's name of the event, always starting with "/" (a symlink has its own name). */
  name: string;
  status: EventStatus;
  /** hcron v1.5 type: normal, template, partial, unknown ("" for dropped/ignored members). */
  type: string;
  /** hcron's reason ("passed", "template", "bad when_* setting", ...), or why a member is absent. */
  reason: string;
  /** URI of the member (a file: URI). */
  uri: string;
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

export type Trigger = 'clock' | 'next' | 'failover' | 'ondemand';

export interface ExpandParams {
  uri: string;
  trigger?: Trigger;
  /** The chain before this event, ":"-joined names (the caller(s)). */
  after?: string;
  /** Run the file under another of its names (a symlink's name). */
  asName?: string;
}

export const TreesRequest = new RequestType0<TreesResult, void>('hcron/trees');
export const StatusTextRequest = new RequestType<{ root: string }, { text: string }, void>('hcron/statusText');
export const ExpandRequest = new RequestType<ExpandParams, { text: string }, void>('hcron/expand');
export const TreesChangedNotification = new NotificationType0('hcron/treesChanged');
