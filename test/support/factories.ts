import type { AppContext } from '../../server/context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { createAccount } from '../../server/commands/create-account.js';
import { addMembership } from '../../server/workspaces/member.service.js';

/**
 * A root workspace owned by `ownerId`, with members, made through the real
 * services on the real database (seats are claimed and starting credits
 * granted as in production).
 */
export async function createWorkspace(ctx: AppContext, ownerId: string, members: Array<{ userId: string; role: Role }> = [], name = 'Test Workspace') {
  const owner = (await ctx.models.User.findById(ownerId).lean())!;
  const workspace = await createAccount(ctx, owner, name);
  for (const m of members) {
    const user = (await ctx.models.User.findById(m.userId).lean())!;
    await addMembership(ctx, workspace, user, m.role, null);
  }
  return workspace._id;
}

let userCounter = 0;

/**
 * An account made straight in the database, signed in with a real session
 * (no password hashing: fast enough to make dozens per test). Its address
 * counts as verified unless `verified: false`.
 */
export async function createUser(ctx: AppContext, baseUrl: string, name = 'Member', opts: { email?: string; verified?: boolean } = {}) {
  const { ApiClient } = await import('./client.js');
  const { createSession } = await import('../../server/accounts/session.service.js');
  const n = ++userCounter;
  const email = opts.email ?? `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now().toString(36)}.${n}@example.com`;
  const user = (await ctx.models.User.create({ email, name: `${name} ${n}`, passwordHash: 'not-used', emailVerifiedAt: opts.verified === false ? null : new Date() })).toObject();
  const { token } = await createSession(ctx, user._id, {});
  const client = new ApiClient(baseUrl);
  client.cookie = `sid=${token}`;
  return { user, client, email };
}

/** Makes an existing account a member straight away, through the real service (setup for tests about something else). */
export async function addMember(ctx: AppContext, workspaceId: string, user: { _id: string }, role: Role) {
  const [workspace, account] = await Promise.all([ctx.models.Workspace.findById(workspaceId).lean(), ctx.models.User.findById(user._id).lean()]);
  return addMembership(ctx, workspace!, account!, role, null);
}
