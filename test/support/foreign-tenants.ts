import { randomBytes } from 'node:crypto';
import type { Models } from '../../server/db/models.js';
import { newId } from '../../server/db/ids.js';
import { auditBucket } from '../../server/audit/audit.model.js';
import { eventBucket, eventId } from '../../server/realtime/event.model.js';
import { notificationBucket } from '../../server/notifications/notification.model.js';

/** Foreign workspaces the rows are spread over (each gets rows / FOREIGN_WORKSPACES of each kind). */
export const FOREIGN_WORKSPACES = 500;

export interface ForeignFill {
  /** Rows of each kind written so far (the next fill goes on from there). */
  rows: number;
  tag: string;
  workspaceIds: string[];
}

/** Foreign tenants with nothing in them yet: the workspaces the rows will belong to. */
export async function startForeignTenants(models: Models, workspaces = FOREIGN_WORKSPACES): Promise<ForeignFill> {
  const tag = randomBytes(3).toString('hex');
  const workspaceIds = Array.from({ length: workspaces }, () => newId());
  const now = new Date();
  await insertInBatches(
    models.Workspace,
    workspaceIds.map((_id, i) => ({
      _id,
      name: `Foreign ${tag} ${i}`,
      imageUrl: null,
      parentId: null,
      rootId: _id,
      poolId: _id,
      ownerId: newId(),
      settings: { requireApproval: true, companyDomains: [], apiAccess: false, billingMode: 'independent' },
      seats: { limit: 1_000_000 },
      avatarSlots: 3,
      createdAt: now,
    })),
  );
  return { rows: 0, tag, workspaceIds };
}

async function insertInBatches(model: { collection: { insertMany(docs: object[], opts: object): Promise<unknown> } }, docs: object[], batch = 1000) {
  for (let i = 0; i < docs.length; i += batch) await model.collection.insertMany(docs.slice(i, i + batch), { ordered: false });
}

/**
 * Grows the foreign tenants to `rows` rows of each kind a list reads —
 * people with a session and a membership, audit entries, events,
 * notifications, assets, asset shares, invitations, join requests, seats —
 * written straight to the collections in batches (no services, no events),
 * shaped like what the services write, and with what a careless query
 * would also match: pending invitations and requests, unread notifications,
 * verified addresses.
 */
export async function growForeignTenants(models: Models, fill: ForeignFill, rows: number, opts: { parallel?: boolean } = {}) {
  const from = fill.rows;
  if (rows <= from) return;
  const W = fill.workspaceIds.length;
  const now = Date.now();
  const at = new Date(now);
  const later = new Date(now + 30 * 86_400_000);
  const ids = Array.from({ length: rows - from }, (_, k) => from + k);
  const wsOf = (i: number) => fill.workspaceIds[i % W]!;
  const seqOf = (i: number) => Math.floor(i / W) + 1;
  const userIds = ids.map(() => newId());
  const userOf = (i: number) => userIds[i - from]!;
  const emailOf = (i: number) => `p${i}.${fill.tag}@foreign${i % 50}.example`;
  const assetIds = ids.map(() => newId());
  // One stream of batches per collection; side by side on PostgreSQL, one after the other on SQLite (a single writer).
  const writes: Array<() => Promise<void>> = [];

  writes.push(() => insertInBatches(
    models.User,
    ids.map((i) => ({ _id: userOf(i), email: emailOf(i), emailDomain: `foreign${i % 50}.example`, emailVerifiedAt: at, name: `Foreign ${i}`, passwordHash: 'x', locale: null, createdAt: at })),
  ));
  writes.push(() => insertInBatches(
    models.Session,
    ids.map((i) => ({ _id: randomBytes(32).toString('hex'), userId: userOf(i), createdAt: at, expiresAt: later, lastSeenAt: at, ip: null, userAgent: null })),
  ));
  writes.push(() => insertInBatches(
    models.Membership,
    ids.map((i) => ({ _id: `${wsOf(i)}:${userOf(i)}`, workspaceId: wsOf(i), userId: userOf(i), poolId: wsOf(i), role: 'creator', name: `Foreign ${i}`, email: emailOf(i), search: `foreign ${i} ${emailOf(i)}`, joinedAt: at })),
  ));
  writes.push(() => insertInBatches(
    models.Seat,
    ids.map((i) => ({ _id: `${wsOf(i)}:${seqOf(i)}`, poolId: wsOf(i), n: seqOf(i), holder: `u:${userOf(i)}`, kind: 'member', at })),
  ));
  writes.push(() => insertInBatches(
    models.Audit,
    ids.map((i) => ({
      _id: newId(),
      workspaceId: wsOf(i),
      type: 'member.updated',
      actorId: userOf(i),
      target: { kind: 'member', id: userOf(i), label: emailOf(i) },
      before: { role: 'viewer' },
      after: { role: 'creator' },
      at,
      seq: seqOf(i),
      bucket: auditBucket(wsOf(i), seqOf(i)),
    })),
  ));
  writes.push(() => insertInBatches(
    models.Event,
    ids.map((i) => {
      const stream = `workspace:${wsOf(i)}`;
      return { _id: eventId(stream, seqOf(i)), stream, seq: seqOf(i), type: 'member.updated', workspaceId: wsOf(i), actorId: userOf(i), audience: 'members', at, data: { n: i }, bucket: eventBucket(stream, seqOf(i)) };
    }),
  ));
  writes.push(() => insertInBatches(
    models.Notification,
    ids.map((i) => ({
      _id: newId(),
      userId: userOf(i),
      type: 'member.roleChanged',
      workspaceId: wsOf(i),
      data: { workspaceName: 'Foreign', role: 'creator' },
      ref: null,
      createdAt: at,
      readAt: null,
      unread: true,
      seq: 1,
      bucket: notificationBucket(userOf(i), 1),
    })),
  ));
  writes.push(() => insertInBatches(
    models.Asset,
    ids.map((i) => ({ _id: assetIds[i - from]!, workspaceId: wsOf(i), rootId: wsOf(i), kind: 'voice', name: `Voice ${i}`, data: {}, logo: null, createdBy: userOf(i), createdAt: at })),
  ));
  writes.push(() => insertInBatches(
    models.AssetShare,
    ids.map((i) => ({ _id: `${assetIds[i - from]}:${wsOf(i + 1)}`, assetId: assetIds[i - from]!, ownerWorkspaceId: wsOf(i), targetWorkspaceId: wsOf(i + 1), kind: 'voice', sharedBy: userOf(i), at })),
  ));
  writes.push(() => insertInBatches(
    models.Invitation,
    ids.map((i) => {
      const email = `invitee${i}.${fill.tag}@foreign${i % 50}.example`;
      return {
        _id: newId(),
        workspaceId: wsOf(i),
        poolId: wsOf(i),
        email,
        role: 'viewer',
        status: 'sent',
        pendingKey: `${wsOf(i)}|${email}`,
        tokenHash: randomBytes(32).toString('hex'),
        invitedBy: userOf(i),
        createdAt: at,
        expiresAt: later,
        decidedAt: null,
        acceptedBy: null,
        round: 0,
      };
    }),
  ));
  writes.push(() => insertInBatches(
    models.JoinRequest,
    ids.map((i) => ({
      _id: newId(),
      workspaceId: wsOf(i),
      userId: userOf(i),
      status: 'pending',
      pendingKey: `${wsOf(i)}|${userOf(i)}`,
      via: 'link',
      role: 'viewer',
      createdAt: at,
      decidedBy: null,
      decidedAt: null,
      linkUseId: null,
    })),
  ));
  if (opts.parallel) await Promise.all(writes.map((w) => w()));
  else for (const w of writes) await w();
  fill.rows = rows;
}
