import type { AppContext } from '../context.js';
import { findWorkspace } from '../workspaces/access.js';
import type { WorkspaceDoc } from '../workspaces/workspace.model.js';
import { everyOf, tagOf, tagsOf } from '../cache/tags.js';
import type { ApiKeyDoc } from './api-key.model.js';
import { hashSecret, isWellFormedSecret } from './api-key-secret.js';

export interface ApiKeyAuth {
  key: ApiKeyDoc;
  workspace: WorkspaceDoc;
}

/** `lastUsedAt` is written at most once a minute per key: a write per call would cost more than the call. */
const TOUCH_EVERY_MS = 60_000;

/**
 * A key and its workspace by the secret's hash, through the node cache,
 * tagged with both documents: revoking the key (its document), turning API
 * access off or deleting the workspace (its document) invalidates the entry
 * on every node before that write returns. An unknown hash is not kept.
 */
async function findKeyAuth(ctx: AppContext, secretHash: string): Promise<ApiKeyAuth | null> {
  const found = await ctx.cache.read(
    `api-key:${secretHash}`,
    async () => {
      const key = await ctx.models.ApiKey.findOne({ secretHash }).lean<ApiKeyDoc>();
      return key ? { key, workspace: await findWorkspace(ctx, key.workspaceId) } : null;
    },
    (r) => (r ? [everyOf('apiKey'), tagOf('apiKey', r.key._id), ...tagsOf('workspace', r.key.workspaceId)] : null),
  );
  return found?.workspace ? { key: found.key, workspace: found.workspace } : null;
}

/**
 * The key a bearer secret belongs to, or null: malformed (shape or checksum,
 * refused without a database read), unknown, revoked, expired, or its
 * workspace gone or with API access off.
 */
export async function authenticateApiKey(ctx: AppContext, secret: string): Promise<ApiKeyAuth | null> {
  if (!isWellFormedSecret(secret)) return null;
  const found = await findKeyAuth(ctx, hashSecret(secret));
  if (!found) return null;
  const { key, workspace } = found;
  const now = ctx.now();
  if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now.getTime())) return null;
  if (!workspace.settings.apiAccess) return null;
  touchApiKey(ctx, key, now);
  return found;
}

/** Each node's last `lastUsedAt` write per key: with the guard below, one write a minute per key per node at most. */
const touchedOn = new WeakMap<AppContext, Map<string, number>>();

/**
 * Records the key's use, at most once a minute: skipped while the stored
 * (cached) time or this node's last write is recent. The filter's guard is
 * not atomic on FerretDB, so two nodes touching in the same instant may both
 * write: a harmless repeat of nearly the same time, never a write per call.
 */
function touchApiKey(ctx: AppContext, key: ApiKeyDoc, now: Date) {
  const since = now.getTime() - TOUCH_EVERY_MS;
  let touched = touchedOn.get(ctx);
  if (!touched) touchedOn.set(ctx, (touched = new Map()));
  if ((key.lastUsedAt && key.lastUsedAt.getTime() > since) || (touched.get(key._id) ?? 0) > since) return;
  touched.set(key._id, now.getTime());
  if (touched.size > 10_000) for (const [id, at] of touched) if (at <= since) touched.delete(id);
  ctx.models.ApiKey.updateOne({ _id: key._id, lastUsedAt: key.lastUsedAt }, { $set: { lastUsedAt: now } }).catch((err: unknown) =>
    ctx.log.warn({ err, keyId: key._id }, 'could not record the API key use'),
  );
}
