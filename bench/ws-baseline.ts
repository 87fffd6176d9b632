import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { mapLimit } from './limit.js';
import { DeliveryRecorder, runRounds, type Measurement } from './rounds.js';

/**
 * The floor to compare against: a bare `ws` server on a loopback port that
 * broadcasts one JSON string by looping over N plain `ws` clients. Nothing
 * is stored, nothing is authenticated, no rooms.
 */
export async function measureWsBroadcast(opts: { n: number; rounds: number; warmup: number; envelope: (seq: number) => object }): Promise<Measurement> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as { port: number };
  const recorder = new DeliveryRecorder([opts.n]);
  const clients: WebSocket[] = [];
  try {
    await mapLimit(Array.from({ length: opts.n }), 50, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      clients.push(ws);
      ws.on('message', (data: WebSocket.RawData) => {
        const envelope = JSON.parse(data.toString()) as { data: { seq: number } };
        recorder.deliver(envelope.data.seq, 0);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
    });
    await runRounds(recorder, {
      rounds: opts.rounds,
      warmup: opts.warmup,
      publish: (seq) => {
        const json = JSON.stringify(opts.envelope(seq));
        recorder.mark('ws:send-start');
        for (const client of wss.clients) client.send(json);
        recorder.mark('ws:send-end', performance.now());
      },
    });
    if (recorder.unexpected) throw new Error(`ws baseline: ${recorder.unexpected} unexpected deliveries`);
    return recorder.measurement('raw ws broadcast', 0, 'ws');
  } finally {
    for (const ws of clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
