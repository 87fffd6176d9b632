import mongoose from 'mongoose';

// Client input must never act as a query operator: `{ "$ne": null }` in a
// filter value is wrapped in `$eq`. Our own operators are marked trusted.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/** Opens a dedicated connection; every model of the app is bound to it. */
export async function connectDatabase(uri: string): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    // FerretDB and single-node MongoDB alike: no retryable writes needed.
    retryWrites: false,
    autoIndex: true,
  });
  await conn.asPromise();
  return conn;
}

export async function isDatabaseReachable(conn: mongoose.Connection): Promise<boolean> {
  try {
    if (conn.readyState !== 1 || !conn.db) return false;
    await conn.db.admin().ping();
    return true;
  } catch {
    return false;
  }
}
