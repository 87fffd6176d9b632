import mongoose from 'mongoose';

// Client input must never act as a query operator: `{ "$ne": null }` in a
// filter value is wrapped in `$eq`. Our own operators are marked trusted.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/** Opens a dedicated connection; every model of the app is bound to it. */
export async function connectDatabase(uri: string): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    // A lost database is noticed within seconds (`disconnected`), not after the default 10 s heartbeat.
    heartbeatFrequencyMS: 2_000,
    // A server that does not answer a connection attempt is given 10 s, not 30 (the health watchdog allows for it).
    connectTimeoutMS: 10_000,
    // FerretDB and single-node MongoDB alike: no retryable writes needed.
    retryWrites: false,
    autoIndex: true,
  });
  await conn.asPromise();
  return conn;
}

/**
 * Pings the database; an answer slower than `timeoutMs` counts as unreachable.
 * The ping is the truth, not mongoose's `readyState`, which can stay
 * "disconnected" after the driver has reconnected.
 */
export async function isDatabaseReachable(conn: mongoose.Connection, timeoutMs = 2000): Promise<boolean> {
  if (!conn.db) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = conn.db
    .admin()
    .command({ ping: 1 }, { timeoutMS: timeoutMs })
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
