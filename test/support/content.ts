import type { Role } from '../../shared/schemas/auth.js';
import type { AppContext } from '../../server/context.js';
import { createUser, createWorkspace } from './factories.js';

type Person = Awaited<ReturnType<typeof createUser>>;

/**
 * A workspace with an owner (Super Admin) and one member of each role, plus
 * a stranger with a workspace of their own (another tenant): the cast of the
 * content and sharing tests.
 */
export async function contentTeam(server: { ctx: AppContext; url: string }) {
  const owner = await createUser(server.ctx, server.url, 'Owner');
  const people = {} as Record<Role, Person>;
  for (const role of ['super_admin', 'developer', 'creator', 'viewer'] as Role[]) people[role] = await createUser(server.ctx, server.url, role);
  const ws = await createWorkspace(server.ctx, owner.user._id, Object.entries(people).map(([role, p]) => ({ userId: p.user._id, role: role as Role })));
  const stranger = await createUser(server.ctx, server.url, 'Stranger');
  const otherWs = await createWorkspace(server.ctx, stranger.user._id, [], 'Other');
  return { owner, people, ws, base: `/api/workspaces/${ws}/items`, stranger, otherWs };
}
