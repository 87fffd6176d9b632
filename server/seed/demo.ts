import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { newId } from '../db/ids.js';
import { membershipId } from '../workspaces/membership.model.js';
import type { Role } from '../../shared/schemas/auth.js';

export interface DemoAccount {
  email: string;
  password: string;
  workspaceId: string;
}

const DEMO_PEOPLE: Array<{ email: string; name: string; role: Role }> = [
  { email: 'owner@demo.example', name: 'Olivia Owner', role: 'super_admin' },
  { email: 'dev@demo.example', name: 'Dev Patel', role: 'developer' },
  { email: 'creator@demo.example', name: 'Chloé Martin', role: 'creator' },
  { email: 'viewer@demo.example', name: 'Victor Viewer', role: 'viewer' },
];

/**
 * On an empty database (no account at all), creates a demo workspace with an
 * owner and a few members, all with one random password, so the product can
 * be tried at once. Never called in production.
 */
export async function seedDemo(ctx: AppContext): Promise<DemoAccount | null> {
  if (ctx.config.NODE_ENV === 'production') return null;
  if ((await ctx.models.User.estimatedDocumentCount()) > 0) return null;
  const password = randomBytes(9).toString('base64url');
  const passwordHash = await ctx.hasher.hash(password);
  const users = await ctx.models.User.insertMany(DEMO_PEOPLE.map((p) => ({ email: p.email, name: p.name, passwordHash, locale: 'en' })));
  const owner = users[0]!;
  const workspaceId = newId();
  const workspace = await ctx.models.Workspace.create({
    _id: workspaceId,
    name: 'Demo Studio',
    ownerId: owner._id,
    rootId: workspaceId,
    settings: { billingMode: 'independent' },
    seats: { limit: 10, used: DEMO_PEOPLE.length, reserved: 0 },
  });
  await ctx.models.Membership.insertMany(
    users.map((u, i) => ({ _id: membershipId(workspace._id, u._id), workspaceId: workspace._id, userId: u._id, role: DEMO_PEOPLE[i]!.role })),
  );
  return { email: owner.email, password, workspaceId: workspace._id };
}
