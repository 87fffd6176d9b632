import type { AppContext } from '../context.js';
import { loadWorkspace, type WorkspaceAccess } from '../workspaces/access.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';

/**
 * What an API key may do in its workspace: what the person who made it may
 * do there now (their role, or Super Admin from a workspace above). A key
 * whose maker is no longer in the workspace acts as a Developer — the
 * least role that may make keys — until it is revoked.
 */
export async function keyHolderAccess(ctx: AppContext, workspace: WorkspaceDoc, createdBy: string): Promise<WorkspaceAccess> {
  const access = await loadWorkspace(ctx, workspace._id, createdBy).catch(() => null);
  return access ?? { workspace, role: 'developer', member: false, viaAncestor: false };
}
