import mongoose from 'mongoose';
import type { Logger } from 'pino';
import type { Models } from './models.js';
import { isDuplicateKey } from './claims.js';
import { auditBucket } from '../audit/audit.model.js';
import { notificationBucket } from '../notifications/notification.model.js';

interface Migration {
  name: string;
  run(models: Models): Promise<number>;
}

const missing = () => mongoose.trusted({ $exists: false });

/**
 * Fields that lists filter on, given to documents stored before them. Each
 * runs once per database (claimed by insert); a failed one is given back and
 * tried again on the next start. One owner at a time: an `updateMany` on a
 * top-level equality, as every other query here.
 */
const MIGRATIONS: Migration[] = [
  {
    // Older entries than their event's sequence number go first in the workspace's history (bucket 0).
    name: 'audit-buckets',
    async run({ Audit }) {
      const owners = new Set((await Audit.find({ bucket: missing() }, { workspaceId: 1 }).lean()).map((a) => a.workspaceId));
      let n = 0;
      for (const workspaceId of owners) n += (await Audit.updateMany({ workspaceId, bucket: missing() }, { $set: { seq: 0, bucket: auditBucket(workspaceId, 0) } })).modifiedCount;
      return n;
    },
  },
  {
    name: 'notification-buckets',
    async run({ Notification }) {
      const owners = new Set((await Notification.find({ bucket: missing() }, { userId: 1 }).lean()).map((d) => d.userId));
      let n = 0;
      for (const userId of owners) {
        const set = { seq: 0, bucket: notificationBucket(userId, 0) };
        n += (await Notification.updateMany({ userId, bucket: missing(), readAt: null }, { $set: { ...set, unread: true } })).modifiedCount;
        n += (await Notification.updateMany({ userId, bucket: missing() }, { $set: { ...set, unread: false } })).modifiedCount;
      }
      return n;
    },
  },
];

export async function runMigrations(models: Models, log: Logger) {
  for (const m of MIGRATIONS) {
    try {
      await models.Migration.create({ _id: m.name, at: new Date() });
    } catch (err) {
      if (isDuplicateKey(err)) continue;
      throw err;
    }
    try {
      const changed = await m.run(models);
      if (changed) log.info({ migration: m.name, changed }, 'migrated stored documents');
    } catch (err) {
      await models.Migration.deleteOne({ _id: m.name });
      throw err;
    }
  }
}
