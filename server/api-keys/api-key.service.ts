import mongoose from 'mongoose';
import type { AppContext } from '../context.js';
import type { ApiKeyView, CreateApiKey, CreatedApiKey } from '../../shared/schemas/api-keys.js';
import type { Page } from '../../shared/schemas/workspaces.js';
import { forbidden, notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import { findByIds } from '../db/lookups.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import type { ApiKeyDoc } from './api-key.model.js';
import { hashSecret, newSecret, shownPrefix } from './api-key-secret.js';

const DAY_MS = 86_400_000;

const keyTarget = (k: Pick<ApiKeyDoc, '_id' | 'name'>) => ({ kind: 'apiKey', id: k._id, label: k.name });

function present(k: ApiKeyDoc, creator: { id: string; name: string } | null): ApiKeyView {
  return {
    id: k._id,
    name: k.name,
    prefix: k.prefix,
    createdBy: creator,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

async function presentAll(ctx: AppContext, keys: ApiKeyDoc[]): Promise<ApiKeyView[]> {
  const users = await findByIds(ctx.models.User, keys.map((k) => k.createdBy), { name: 1 });
  return keys.map((k) => {
    const u = users.get(k.createdBy);
    return present(k, u ? { id: u._id, name: u.name } : null);
  });
}

/** Keys are made and managed only while the workspace's API access is on. */
export function requireApiAccess(w: WorkspaceDoc) {
  if (!w.settings.apiAccess) throw forbidden('API access is off for this workspace. An admin can turn it on in the workspace settings.');
}

/**
 * A new key. The secret is returned this once and never stored: only its
 * hash is, so no later read (list, event, audit, database) can give it back.
 */
export async function createApiKey(ctx: AppContext, w: WorkspaceDoc, actorId: string, input: CreateApiKey): Promise<CreatedApiKey> {
  requireApiAccess(w);
  const secret = newSecret();
  const now = ctx.now();
  const key: ApiKeyDoc = {
    _id: newId(),
    workspaceId: w._id,
    name: input.name,
    prefix: shownPrefix(secret),
    secretHash: hashSecret(secret),
    createdBy: actorId,
    createdAt: now,
    lastUsedAt: null,
    expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
    revokedAt: null,
  };
  await ctx.models.ApiKey.create(key);
  const [view] = await presentAll(ctx, [key]);
  await ctx.publisher.toWorkspace(w._id, 'apiKeys', {
    type: 'apiKey.created',
    actorId,
    data: { key: view! },
    audit: { target: keyTarget(key), after: { name: key.name, prefix: key.prefix, expiresAt: view!.expiresAt } },
  });
  return { key: view!, secret };
}

/** The workspace's keys, newest first (revoked ones too, marked), one page read. */
export async function listApiKeys(ctx: AppContext, w: WorkspaceDoc, q: { limit: number; cursor?: string }): Promise<Page<ApiKeyView>> {
  const filter: Record<string, unknown> = { workspaceId: w._id };
  if (q.cursor) filter._id = mongoose.trusted({ $lt: q.cursor });
  const keys = await ctx.models.ApiKey.find(filter, { secretHash: 0 }).sort({ _id: -1 }).limit(q.limit + 1).lean<ApiKeyDoc[]>();
  const page = keys.slice(0, q.limit);
  return { items: await presentAll(ctx, page), nextCursor: keys.length > q.limit ? page[page.length - 1]!._id : null };
}

/**
 * Revokes a key of this workspace (another workspace's key is "not found").
 * The write invalidates every node's cached resolution of the key before it
 * returns: the very next call with it, on any node, is refused. Revoking a
 * revoked key changes nothing and says so with 204 all the same. Allowed
 * while API access is off too: taking power away is never refused.
 */
export async function revokeApiKey(ctx: AppContext, w: WorkspaceDoc, keyId: string, actorId: string) {
  const key = await ctx.models.ApiKey.findById(keyId, { secretHash: 0 }).lean<ApiKeyDoc>();
  if (!key || key.workspaceId !== w._id) throw notFound('API key not found');
  if (key.revokedAt) return;
  const revokedAt = ctx.now();
  await ctx.models.ApiKey.updateOne({ _id: key._id }, { $set: { revokedAt } });
  const [view] = await presentAll(ctx, [{ ...key, revokedAt }]);
  await ctx.publisher.toWorkspace(w._id, 'apiKeys', {
    type: 'apiKey.revoked',
    actorId,
    data: { key: view! },
    audit: { target: keyTarget(key), before: { name: key.name, prefix: key.prefix } },
  });
}

/** Before a workspace is deleted: its keys go (every node stops accepting them before this returns), and its usage rollups. */
export async function dropWorkspaceApiKeys(ctx: AppContext, w: Pick<WorkspaceDoc, '_id'>) {
  await ctx.models.ApiKey.deleteMany({ workspaceId: w._id });
  await ctx.models.UsageRollup.deleteMany({ workspaceId: w._id });
}
