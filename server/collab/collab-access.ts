import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { loadItem, type ItemAccess } from '../content/access-loader.js';
import { loadWorkspace, type WorkspaceAccess } from '../workspaces/access.js';

/** A person's access to an item for co-editing, from the one resolver (through the one loader). */
export interface CollabAccess {
  workspace: WorkspaceAccess;
  item: ItemAccess;
}

const isNotFound = (err: unknown) => err instanceof AppError && err.code === 'not_found';

/**
 * The item's workspace comes from the item itself; then the same loaders
 * every route uses. Null when the person cannot see the item (missing,
 * another tenant's, no access): co-editing refuses it like a missing one.
 * A database failure is thrown, not taken for "no access".
 */
export async function collabAccessOf(ctx: AppContext, itemId: string, userId: string): Promise<CollabAccess | null> {
  const found = await ctx.models.Item.findById(itemId, { workspaceId: 1 }).lean();
  if (!found) return null;
  try {
    const workspace = await loadWorkspace(ctx, found.workspaceId, userId);
    const item = await loadItem(ctx, workspace, itemId, userId);
    return { workspace, item };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Whether a session is still signed in (not ended, not expired). */
export async function sessionAlive(ctx: AppContext, sessionId: string): Promise<boolean> {
  const session = await ctx.models.Session.findById(sessionId, { expiresAt: 1 }).lean();
  return session !== null && session.expiresAt.getTime() > Date.now();
}
