import type { AppContext } from '../../server/context.js';
import { newId } from '../../server/db/ids.js';
import { membershipId } from '../../server/workspaces/membership.model.js';
import type { Role } from '../../shared/schemas/auth.js';

/** A root workspace owned by `ownerId`, with members, written straight to the real database. */
export async function createWorkspace(ctx: AppContext, ownerId: string, members: Array<{ userId: string; role: Role }> = [], name = 'Test Workspace') {
  const id = newId();
  await ctx.models.Workspace.create({ _id: id, name, ownerId, rootId: id, seats: { limit: 10, used: members.length + 1, reserved: 0 } });
  await ctx.models.Membership.insertMany(
    [{ userId: ownerId, role: 'super_admin' as Role }, ...members].map((m) => ({ _id: membershipId(id, m.userId), workspaceId: id, userId: m.userId, role: m.role })),
  );
  return id;
}
