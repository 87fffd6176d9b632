import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { EmbeddedDatabase } from './embedded.js';

/**
 * Whether the database can be used right now, as far as this process knows:
 * the embedded database's process is running, and the driver has not lost
 * its connection. While it is down, requests answer 503 `unavailable` at
 * once instead of waiting for the driver to time out. Losing and regaining
 * the connection are logged, with the driver's view of the server.
 */
export class DatabaseHealth {
  private connectionLost = false;
  private lostAt = 0;

  constructor(
    conn: Connection,
    private readonly embedded: EmbeddedDatabase | null,
    log?: Logger,
  ) {
    conn.on('disconnected', () => {
      if (!this.connectionLost) log?.warn('database connection lost');
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
      if (e.previousDescription.type !== e.newDescription.type) log?.warn({ from: e.previousDescription.type, to: e.newDescription.type, error: e.newDescription.error?.message }, 'database server seen as');
    });
    client.on('topologyClosed', () => log?.warn('database client closed'));
    client.on('serverClosed', (e) => log?.warn({ address: e.address }, 'database server dropped from the topology'));
  }

  get up(): boolean {
    return !this.connectionLost && (this.embedded?.running ?? true);
  }
}
