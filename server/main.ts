import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { defaultFerretBinary } from './db/ferretdb.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { startServer, type RunningServer } from './server.js';
import { seedDemo } from './seed/demo.js';

/** The longest a shutdown may take (a Kubernetes pod's default grace period is 30 s). */
const FORCE_EXIT_MS = 28_000;

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  // Readable lines under `npm start` in development; JSON (one object a line) everywhere else.
  const log =
    config.NODE_ENV === 'development'
      ? pino({ level: config.LOG_LEVEL, transport: { target: 'pino-pretty', options: { colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } })
      : pino({ level: config.LOG_LEVEL });

  let embedded: EmbeddedDatabase | null = null;
  let server: RunningServer | null = null;
  let stopping = false;
  // SIGTERM (an orchestrator, a deploy) drains: readiness fails, work in flight finishes, sockets move to other nodes.
  // SIGINT (Ctrl-C) stops at once. Either way the process is gone within FORCE_EXIT_MS.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, signal === 'SIGTERM' ? 'draining, then shutting down' : 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took too long: exiting');
      process.exit(1);
    }, FORCE_EXIT_MS);
    force.unref();
    try {
      await (signal === 'SIGTERM' ? server?.drain() : server?.close());
      await embedded?.stop();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  let mongoUri = config.MONGODB_URI;
  if (!mongoUri) {
    const started = Date.now();
    embedded = await startEmbeddedDatabase({
      backend: config.EMBEDDED_DB,
      ferretBinary: config.FERRETDB_BIN ?? defaultFerretBinary(),
      dataDir: config.DATA_DIR,
      log: (line) => log.warn({ embeddedDb: line }),
      onStateChange: (message, level) => log[level](message),
    });
    mongoUri = embedded.uri;
    log.info({ dataDir: config.DATA_DIR, backend: config.EMBEDDED_DB, ms: Date.now() - started }, 'embedded database started');
  }

  if (stopping) return;
  server = await startServer(config, { mongoUri, embedded, log });
  const demo = config.SEED_DEMO ? await seedDemo(server.ctx) : null;

  const url = server.ctx.publicUrl();
  console.log(`\n  Workspace Console is running at ${url}\n`);
  if (demo) {
    console.log('  First run: a demo workspace was created. Sign in with');
    console.log(`    email:    ${demo.email}`);
    console.log(`    password: ${demo.password}`);
    console.log('  (other demo people: dev@, creator@, viewer@, ana@, sam@demo.example, same password)');
    if (demo.videoUrl) console.log(`  A published demo video (no sign-in needed): ${demo.videoUrl}`);
    console.log('');
  }
}

main().catch((err: Error) => {
  console.error(`Workspace Console could not start: ${err.message}`);
  process.exit(1);
});
