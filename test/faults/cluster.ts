import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { defaultFerretBinary } from '../../server/db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { freePort, waitForPort } from '../../server/db/free-port.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { startRedis } from '../support/redis-server.js';

/**
 * The fault harness's world: one embedded database (FerretDB over
 * PostgreSQL, restarted 5 s after it dies), one Redis, three console nodes
 * as child processes of `server/main.ts`, and a round-robin HTTP proxy in
 * front of the nodes that are ready. WebSockets go to the nodes directly.
 */

/** What every node runs with: renders slow enough to be killed mid-way, short leases, limits out of the way of the load. */
export const NODE_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  SEED_DEMO: 'false',
  RENDER_ENGINE: 'fake',
  RENDER_FAKE_MS: '2500',
  RENDER_LEASE_MS: '3000',
  RENDER_POLL_MS: '250',
  RENDER_NODE_CONCURRENCY: '2',
  RENDER_CONCURRENCY: '4',
  DEFAULT_SEATS: '100000',
  DEFAULT_GENERATIVE_CREDITS: '1000000',
  LOGIN_MAX_PER_IP: '1000000',
  SIGNUP_MAX_PER_IP: '1000000',
  JOIN_MAX_PER_HOUR: '1000000',
  TOKEN_LOOKUP_MAX_PER_HOUR: '1000000',
  INVITE_MAIL_PER_DAY: '1000000',
  ACCESS_REQUESTS_PER_HOUR: '1000000',
  DRAIN_DELAY_MS: '1500',
};

export interface Node {
  name: string;
  port: number;
  url: string;
  child: ChildProcess | null;
  /** Whether the proxy routes to it (its `/readyz` answered 200 lately). */
  ready: boolean;
  output: string;
  exited: Promise<number | null> | null;
}

export class Cluster {
  readonly nodes: Node[] = [];
  db!: EmbeddedDatabase;
  redis!: Awaited<ReturnType<typeof startRedis>>;
  redisPort = 0;
  mongoUri = '';
  /** A node inside this process (it serves nobody, runs no renders): fixtures, and the database reads of the checks. */
  observer!: RunningServer;
  proxyUrl = '';
  private proxy!: http.Server;
  private next = 0;
  private health: NodeJS.Timeout | null = null;
  private dir = '';
  private blobDir = '';
  /** Answers the proxy gave itself (no node could take the request), and node answers ≥ 500, by status. */
  readonly proxyErrors: { at: number; status: number; path: string; reason: string }[] = [];
  readonly serverErrors: { at: number; status: number; path: string; node: string; detail?: string }[] = [];

  async start(nodeCount = 3) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'wsc-faults-'));
    chmodSync(this.dir, 0o711);
    this.blobDir = path.join(this.dir, 'blobs');
    mkdirSync(this.blobDir);
    this.db = await startEmbeddedDatabase({
      backend: 'postgresql',
      ferretBinary: process.env.FERRETDB_BIN ?? defaultFerretBinary(),
      dataDir: path.join(this.dir, 'db'),
      ephemeral: true,
      // "Stop 5 s, start": a killed FerretDB comes back 5 s later.
      restartDelaysMs: [5000],
    });
    this.mongoUri = this.db.uri.replace(/\/[^/]*$/, '/faults');
    this.redisPort = await freePort();
    this.redis = await startRedis(this.dir, this.redisPort);

    const config = loadConfig({
      ...NODE_ENV,
      PORT: '0',
      LOG_LEVEL: 'silent',
      REDIS_URL: this.redis.url,
      BLOB_DIR: this.blobDir,
      RENDER_NODE_CONCURRENCY: '0',
    });
    this.observer = await startServer(config, { mongoUri: this.mongoUri, log: pino({ level: 'silent' }), webHandler: null });

    for (let i = 0; i < nodeCount; i++) {
      const port = await freePort();
      this.nodes.push({ name: `node${i + 1}`, port, url: `http://127.0.0.1:${port}`, child: null, ready: false, output: '', exited: null });
    }
    await Promise.all(this.nodes.map((n) => this.startNode(n)));
    await this.startProxy();
    this.health = setInterval(() => void this.checkHealth(), 100);
  }

  /** Starts (or restarts) a node on its port; resolves once it listens. */
  async startNode(node: Node) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ...NODE_ENV, PORT: String(node.port), MONGODB_URI: this.mongoUri, REDIS_URL: this.redis.url, BLOB_DIR: this.blobDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    node.child = child;
    node.output = '';
    // FAULTS_LOGS=<dir>: every node's whole output is kept there too (<name>.log), for a diagnosis.
    const keep = process.env.FAULTS_LOGS ? path.join(process.env.FAULTS_LOGS, `${node.name}.log`) : null;
    if (keep) mkdirSync(path.dirname(keep), { recursive: true });
    const take = (d: Buffer) => {
      node.output = (node.output + d).slice(-20_000);
      if (keep) appendFileSync(keep, d);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    node.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    await waitForPort('127.0.0.1', node.port, 60_000, () => child.exitCode === null && child.signalCode === null);
  }

  /** Redis stops (no goodbye to its clients) and comes back on the same port `downMs` later. */
  async restartRedis(downMs: number) {
    await this.redis.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.redis = await startRedis(this.dir, this.redisPort);
  }

  /** FerretDB dies; its supervisor brings it back 5 s later. Resolves when it is back. */
  async killDatabase(): Promise<number> {
    const pid = this.db.pid!;
    const back = new Promise<void>((resolve) => this.db.once('up', () => resolve()));
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await back;
    return killedAt;
  }

  readyNodes() {
    return this.nodes.filter((n) => n.ready && n.child && n.child.exitCode === null && n.child.signalCode === null);
  }

  private async checkHealth() {
    await Promise.all(
      this.nodes.map(async (n) => {
        const alive = n.child && n.child.exitCode === null && n.child.signalCode === null;
        if (!alive) return void (n.ready = false);
        try {
          const res = await fetch(`${n.url}/readyz`, { signal: AbortSignal.timeout(1000) });
          n.ready = res.status === 200;
          await res.body?.cancel();
        } catch {
          n.ready = false;
        }
      }),
    );
  }

  /** Picks the next ready node, round robin (any live one when none reports ready, e.g. the database is down). */
  pick(exclude: Set<Node> = new Set()): Node | null {
    const ready = this.readyNodes().filter((n) => !exclude.has(n));
    const pool = ready.length ? ready : this.nodes.filter((n) => !exclude.has(n) && n.child && n.child.exitCode === null && n.child.signalCode === null);
    if (!pool.length) return null;
    return pool[this.next++ % pool.length]!;
  }

  private async startProxy() {
    this.proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.forward(req, res, Buffer.concat(chunks), new Set()));
    });
    const port = await freePort();
    await new Promise<void>((resolve) => this.proxy.listen(port, '127.0.0.1', () => resolve()));
    this.proxyUrl = `http://127.0.0.1:${port}`;
  }

  /**
   * Sends the request to a ready node; a node that refuses the connection
   * never saw the request, so the next one gets it. A connection that breaks
   * after the request left is answered 502: its outcome is unknown.
   */
  private forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tried: Set<Node>) {
    const node = this.pick(tried);
    if (!node) {
      this.proxyErrors.push({ at: Date.now(), status: 503, path: req.url ?? '', reason: 'no node' });
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: 'No node is up' } }));
      return;
    }
    tried.add(node);
    const headers = { ...req.headers, connection: 'close', 'content-length': String(body.length) };
    const upstream = http.request({ host: '127.0.0.1', port: node.port, method: req.method, path: req.url, headers, agent: false }, (up) => {
      if ((up.statusCode ?? 0) >= 500) {
        const error = { at: Date.now(), status: up.statusCode!, path: req.url ?? '', node: node.name, detail: '' };
        this.serverErrors.push(error);
        // What the node logged about it (its error line), for the report.
        const url = JSON.stringify(req.url ?? '');
        setTimeout(() => (error.detail = node.output.split('\n').findLast((l) => l.includes(`"url":${url}`) && l.includes(`"status":${up.statusCode}`))?.slice(0, 1500) ?? ''), 300);
      }
      const out = { ...up.headers };
      delete out.connection;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy();
      if (err.code === 'ECONNREFUSED' && tried.size < this.nodes.length) return this.forward(req, res, body, tried);
      this.proxyErrors.push({ at: Date.now(), status: 502, path: req.url ?? '', reason: `${node.name}: ${err.code ?? err.message}` });
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: `Node lost: ${err.code}` } }));
    });
    upstream.end(body);
  }

  async stop() {
    if (this.health) clearInterval(this.health);
    for (const n of this.nodes) n.child?.kill('SIGKILL');
    await Promise.all(this.nodes.map((n) => n.exited));
    await new Promise<void>((resolve) => this.proxy?.close(() => resolve()));
    await this.observer?.close().catch(() => undefined);
    await this.redis?.stop();
    await this.db?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
