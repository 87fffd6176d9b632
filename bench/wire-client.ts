import WebSocket from 'ws';

/**
 * A Socket.IO client as thin as the raw `ws` baseline's: a plain `ws`
 * connection speaking Engine.IO 4 / Socket.IO 5 text frames itself
 * (`0` open, `40` connect, `2`/`3` ping/pong, `42[…]` event, `42<id>[…]`
 * with `43<id>[…]` ack). The server side is the real one; only the client's
 * per-message cost drops to one `JSON.parse`, the same as the baseline's
 * clients pay, so the rows compare servers, not client libraries.
 */
export class WireClient {
  private readonly ws: WebSocket;
  private nextAck = 0;
  private readonly acks = new Map<number, (args: unknown[]) => void>();
  private connected!: Promise<void>;

  constructor(url: string, cookie: string, onEvent: (name: string, data: unknown) => void) {
    const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.ws = new WebSocket(wsUrl, { headers: { cookie } });
    this.connected = new Promise<void>((resolve, reject) => {
      this.ws.once('error', reject);
      this.ws.on('message', (raw: WebSocket.RawData) => {
        const frame = raw.toString();
        switch (frame[0]) {
          case '0':
            this.ws.send('40');
            return;
          case '2':
            this.ws.send('3');
            return;
          case '4':
            this.onPacket(frame.slice(1), resolve, reject);
            return;
        }
      });
    });
    this.onEvent = onEvent;
  }

  private readonly onEvent: (name: string, data: unknown) => void;

  private onPacket(packet: string, resolve: () => void, reject: (err: Error) => void) {
    const type = packet[0];
    if (type === '0') return resolve();
    if (type === '4') return reject(new Error(`connect refused: ${packet.slice(1)}`));
    const start = packet.indexOf('[');
    const id = packet.slice(1, start);
    const args = JSON.parse(packet.slice(start)) as unknown[];
    if (type === '2') this.onEvent(args[0] as string, args[1]);
    else if (type === '3') {
      this.acks.get(Number(id))?.(args);
      this.acks.delete(Number(id));
    }
  }

  open(): Promise<void> {
    return this.connected;
  }

  emitWithAck(name: string, data: unknown, timeoutMs = 10_000): Promise<unknown> {
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`${name}: no ack within ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, (args) => {
        clearTimeout(timer);
        resolve(args[0]);
      });
      this.ws.send(`42${id}${JSON.stringify([name, data])}`);
    });
  }

  close() {
    this.ws.terminate();
  }
}
