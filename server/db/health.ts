import type { Connection } from 'mongoose';
import type { EmbeddedDatabase } from './embedded.js';

/**
 * Whether the database can be used right now, as far as this process knows:
 * the embedded database's process is running, and the driver has not lost
 * its connection. While it is down, requests answer 503 `unavailable` at
 * once instead of waiting for the driver to time out.
 */
export class DatabaseHealth {
  private connectionLost = false;

  constructor(
    conn: Connection,
    private readonly embedded: EmbeddedDatabase | null,
  ) {
    conn.on('disconnected', () => (this.connectionLost = true));
    conn.on('connected', () => (this.connectionLost = false));
    conn.on('reconnected', () => (this.connectionLost = false));
  }

  get up(): boolean {
    return !this.connectionLost && (this.embedded?.running ?? true);
  }
}
