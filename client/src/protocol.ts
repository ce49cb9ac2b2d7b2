// The custom requests and notifications between this client and the hcron
// language server: the wire shapes are the server's (server/src/protocol.ts).
import { NotificationType0, RequestType } from 'vscode-languageclient/node';
import { ExpandParams, ExpandTrigger, METHODS, TreesParams, TreesResult } from '../../server/src/protocol';

export type { EventStatus, ExpandParams, TreeCounts, TreeEvent, TreeInfo, TreesParams, TreesResult } from '../../server/src/protocol';
export type Trigger = ExpandTrigger;

export const TreesRequest = new RequestType<TreesParams, TreesResult, void>(METHODS.trees);
export const StatusTextRequest = new RequestType<{ root: string }, { text: string }, void>(METHODS.statusText);
export const ExpandRequest = new RequestType<ExpandParams, { text: string }, void>(METHODS.expand);
export const TreesChangedNotification = new NotificationType0(METHODS.treesChanged);
