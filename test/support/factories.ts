import type { AppContext } from '../../server/context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { createRootWorkspace } from '../../server/workspaces/workspace.service.js';
import { addMembership } from '../../server/workspaces/member.service.js';

/**
 * A root workspace owned by `ownerId`, with members, made through the real
 * services on the real database (seats are claimed as in production).
 */
export async function createWorkspace(ctx: AppContext, ownerId: string, members: Array<{ userId: string; role: Role }> = [], name = 'Test Workspace') {
  const owner = (await ctx.models.User.findById(ownerId).lean())!;
  const workspace = await createRootWorkspace(ctx, owner, name);
  for (const m of members) {
    const user = (await ctx.models.User.findById(m.userId).lean())!;
    await addMembership(ctx, workspace, user, m.role, null);
  }
  return workspace._id;
}
