import type { AppContext } from '../context.js';
import { WorkspaceSubscribeSchema, WorkspaceUnsubscribeSchema, type CountedAudience, type EventAudience } from '../../shared/events.js';
import { can } from '../../shared/permissions.js';
import { parse } from '../http/validate.js';
import { AppError, notFound } from '../http/errors.js';
import { loadWorkspace } from '../workspaces/access.js';
import { rooms } from './publisher.js';
import { handle } from './socket-handler.js';
import type { AppSocket } from './socket-types.js';

/**
 * `workspace:subscribe`: a member joins the rooms of a workspace the server
 * picks for its role, then gets what it missed since its last event id. The
 * rooms are joined before the replay, so nothing falls between the two; the
 * client drops an event it already has by id.
 */
export function workspaceHandlers(ctx: AppContext, socket: AppSocket) {
  socket.on(
    'workspace:subscribe',
    handle(ctx, async (payload) => {
      const { workspaceId, since } = parse(WorkspaceSubscribeSchema, payload);
      // The same access as over REST: members, and Super Admins of a workspace above.
      const access = await loadWorkspace(ctx, workspaceId, socket.data.userId);
      const admin = can(access.role, 'workspace.admin_feed');
      const keys = can(access.role, 'apiKeys.manage');
      const joined = [rooms.workspace(workspaceId), ...(admin ? [rooms.workspaceAdmins(workspaceId)] : []), ...(keys ? [rooms.workspaceApiKeys(workspaceId)] : [])];
      await socket.join(joined);
      if (!admin) await socket.leave(rooms.workspaceAdmins(workspaceId));
      if (!keys) await socket.leave(rooms.workspaceApiKeys(workspaceId));
      // A removal or demotion that landed while joining must not leave the socket in a room it lost.
      const now = await loadWorkspace(ctx, workspaceId, socket.data.userId).catch(() => null);
      if (!now || (admin && !can(now.role, 'workspace.admin_feed')) || (keys && !can(now.role, 'apiKeys.manage'))) {
        await socket.leave(rooms.workspace(workspaceId));
        await socket.leave(rooms.workspaceAdmins(workspaceId));
        await socket.leave(rooms.workspaceApiKeys(workspaceId));
        if (!now) throw notFound('Workspace not found');
        throw new AppError('conflict', 'Your role changed while subscribing. Subscribe again.');
      }
      const stream = rooms.workspace(workspaceId);
      const cursor = await ctx.publisher.cursorOf(stream);
      const audiences: CountedAudience[] = ['members', ...(admin ? (['admins'] as const) : []), ...(keys ? (['apiKeys'] as const) : [])];
      // Where a subscriber starting at the cursor stands in the stream (shared/event-order.ts).
      const start = async () => ({ missed: [], resync: !!since, cursor, audiences, position: await ctx.publisher.positionAt(stream, cursor) });
      if (!since) return { ...(await start()), resync: false };
      const maySee = (audience: EventAudience) => audiences.includes(audience as CountedAudience);
      const replayed = await ctx.publisher.replay(stream, since, maySee, socket.data.userId);
      return replayed.resync ? await start() : { ...replayed, cursor, audiences, position: null };
    }),
  );

  socket.on(
    'workspace:unsubscribe',
    handle(ctx, async (payload) => {
      const { workspaceId } = parse(WorkspaceUnsubscribeSchema, payload);
      await socket.leave(rooms.workspace(workspaceId));
      await socket.leave(rooms.workspaceAdmins(workspaceId));
      await socket.leave(rooms.workspaceApiKeys(workspaceId));
      return {};
    }),
  );
}
