import type { AppContext } from '../context.js';
import { throttled } from '../realtime/throttle.js';

/** `usage.updated` to those who may manage the workspace's keys, so an open usage chart reloads (throttled). */
export function announceUsage(ctx: AppContext, workspaceId: string) {
  throttled(ctx, `usage:${workspaceId}`, () => ctx.publisher.toWorkspace(workspaceId, 'apiKeys', { type: 'usage.updated', actorId: null, data: { workspaceId } }));
}
