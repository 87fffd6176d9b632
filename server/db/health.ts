import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EmbeddedDatabase } from './embedded.js';
import { isDatabaseReachable } from './connect.js';

/** How often the watchdog looks at the driver's server checks. */
const WATCH_EVERY_MS = 2_000;
/** No server check begun for this long while the connection is lost: the driver has stopped checking. */
const IDLE_STALL_MS = 10_000;
/** A server check under way for this long (past its own connect timeout): it will never end. */
const CHECK_STALL_MS = 20_000;

/**
 * Whether the database can be used right now, as far as this process knows:
 * the embedded database's process is running, and the driver has not lost
 * its connection. While it is down, requests answer 503 `unavailable` at
 * once instead of waiting for the driver to time out. Losing and regaining
 * the connection are logged, with the driver's view of the server.
 *
 * A watchdog keeps the driver honest: after a database restart the driver's
 * server monitor has been seen to stop checking altogether (no socket, no
 * heartbeat), which would leave the node answering 503 for good. While the
 * connection is lost, server checks (heartbeats) must keep beginning and
 * ending; when they stop, the client is closed and connected again.
 */
export class DatabaseHealth {
  private connectionLost = false;
  private lostAt = 0;
  /** When the driver's current server check began (null: none under way), and when the last one ended. */
  private checkSince: number | null = null;
  private lastCheckEnd = Date.now();
  private reviving = false;
  private reconnecting = false;
  private closed = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly conn: Connection,
    private readonly embedded: EmbeddedDatabase | null,
    private readonly log?: Logger,
  ) {
    conn.on('disconnected', () => {
      if (this.connectionLost) return;
      log?.warn('database connection lost');
      this.connectionLost = true;
      this.lostAt = Date.now();
    });
    const back = () => {
      if (this.connectionLost) log?.warn({ afterMs: Date.now() - this.lostAt }, 'database connection back');
      this.connectionLost = false;
    };
    conn.on('connected', back);
    conn.on('reconnected', back);
    const client = conn.getClient();
    client.on('serverDescriptionChanged', (e) => {
      if (e.previousDescription.type !== e.newDescription.type) log?.info({ from: e.previousDescription.type, to: e.newDescription.type, error: e.newDescription.error?.message }, 'database server seen as');
    });
    client.on('topologyClosed', () => {
      if (!this.reconnecting && !this.closed) log?.warn('database client closed');
    });
    client.on('serverHeartbeatStarted', () => (this.checkSince ??= Date.now()));
    const ended = () => {
      this.checkSince = null;
      this.lastCheckEnd = Date.now();
    };
    client.on('serverHeartbeatSucceeded', ended);
    client.on('serverHeartbeatFailed', ended);
    this.watchdog = setInterval(() => void this.watch(), WATCH_EVERY_MS).unref();
  }

  get up(): boolean {
    return !this.connectionLost && (this.embedded?.running ?? true);
  }

  /** Stops the watchdog (the connection is closing). */
  close() {
    this.closed = true;
    clearInterval(this.watchdog);
  }

  private async watch() {
    if (!this.connectionLost || this.reviving) return;
    this.reviving = true;
    try {
      // The driver may be back without mongoose saying so.
      if (await isDatabaseReachable(this.conn)) {
        this.log?.info({ afterMs: Date.now() - this.lostAt }, 'database answers again');
        this.connectionLost = false;
      } else if (checksStalled({ checkSince: this.checkSince, lastCheckEnd: this.lastCheckEnd }, Date.now())) await this.reconnect();
    } finally {
      this.reviving = false;
    }
  }

  private async reconnect() {
    const now = Date.now();
    const client = this.conn.getClient();
    this.reconnecting = true;
    this.log?.warn({ lostMs: now - this.lostAt, checkUnderWayMs: this.checkSince === null ? null : now - this.checkSince, lastCheckEndedMs: now - this.lastCheckEnd }, 'database driver stopped checking the server: connecting it again');
    try {
      // Forced: whatever is stuck is abandoned (its operations fail, and are answered 503).
      await Promise.race([client.close(true), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await client.connect();
    } catch (err) {
      this.log?.warn({ err }, 'database not reachable yet; trying again');
    } finally {
      this.reconnecting = false;
      this.checkSince = null;
      this.lastCheckEnd = Date.now();
    }
  }
}

/**
 * Whether the driver's server checks have stopped: none begun for
 * IDLE_STALL_MS since the last ended, or one under way for CHECK_STALL_MS
 * (past its own connect timeout, so it will never end).
 */
export function checksStalled(checks: { checkSince: number | null; lastCheckEnd: number }, now: number): boolean {
  return checks.checkSince === null ? now - checks.lastCheckEnd > IDLE_STALL_MS : now - checks.checkSince > CHECK_STALL_MS;
}
