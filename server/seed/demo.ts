import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Role } from '../../shared/schemas/auth.js';
import { createRootWorkspace } from '../workspaces/workspace.service.js';
import { addMembership } from '../workspaces/member.service.js';

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
  const [owner, ...others] = users.map((u) => u.toObject());
  const workspace = await createRootWorkspace(ctx, owner!, 'Demo Studio');
  for (const [i, user] of others.entries()) await addMembership(ctx, workspace, user, DEMO_PEOPLE[i + 1]!.role, null);
  return { email: owner!.email, password, workspaceId: workspace._id };
}
