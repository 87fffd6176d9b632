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

let userCounter = 0;

/**
 * An account made straight in the database, signed in with a real session
 * (no password hashing: fast enough to make dozens per test).
 */
export async function createUser(ctx: AppContext, baseUrl: string, name = 'Member') {
  const { ApiClient } = await import('./client.js');
  const { createSession } = await import('../../server/accounts/session.service.js');
  const n = ++userCounter;
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now().toString(36)}.${n}@example.com`;
  const user = (await ctx.models.User.create({ email, name: `${name} ${n}`, passwordHash: 'not-used' })).toObject();
  const { token } = await createSession(ctx, user._id, {});
  const client = new ApiClient(baseUrl);
  client.cookie = `sid=${token}`;
  return { user, client, email };
}
