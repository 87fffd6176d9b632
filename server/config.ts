import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (entry: string) => {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * Which reverse proxies to believe about the client's address and scheme:
 * none (`false`), the nearest `n` hops, or a list of proxy addresses and
 * subnets (`10.0.0.1, 192.168.0.0/16, loopback`), as Express reads them.
 * `true` would believe any client that sends `X-Forwarded-For`, so it is refused.
 */
const TrustProxySchema = z
  .string()
  .trim()
  .transform((v, ctx): false | number | string[] => {
    if (v === 'false' || v === '0' || v === 'no') return false;
    if (/^\d+$/.test(v)) return Number(v);
    if (v === 'true' || v === 'yes') {
      ctx.addIssue({ code: 'custom', message: 'true would trust any client that sends X-Forwarded-For; set the number of proxies in front (e.g. 1) or their addresses' });
      return z.NEVER;
    }
    const list = v.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = list.filter((e) => !isProxyAddress(e));
    if (list.length === 0 || bad.length) {
      ctx.addIssue({ code: 'custom', message: `use false, a hop count, or proxy addresses/subnets (not: ${bad.join(', ') || 'empty'})` });
      return z.NEVER;
    }
    return list;
  });

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Where rendered videos and posters are kept (default `<DATA_DIR>/blobs`); several nodes must share it. */
  BLOB_DIR: z.string().min(1).optional(),
  /** Renders one workspace runs at once; the rest wait in order. */
  RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
  /** Renders one node runs at once, whatever their workspace (each uses about one core). */
  RENDER_NODE_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(2),
  /** `ffmpeg` renders for real; `fake` writes a tiny prepared clip with paced progress (tests, demos without CPU to spare). */
  RENDER_ENGINE: z.enum(['ffmpeg', 'fake']).default('ffmpeg'),
  /** How long a node's claim on a running render lasts unless renewed (it renews every quarter of it); past it, another node takes the render over. */
  RENDER_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(20_000),
  /** How often a node looks for renders to start, take over or finish. */
  RENDER_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(750),
  FERRETDB_BIN: z.string().min(1).optional(),
  /** The embedded database's storage when MONGODB_URI is not set: PostgreSQL (indexed) or SQLite (unindexed; tiny data only). */
  EMBEDDED_DB: z.enum(['postgresql', 'sqlite']).default('postgresql'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: bool.default(true),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Consecutive failed sign-ins to one account from one address before that address waits out the window. */
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /** Sign-in attempts from one address per day, whatever the account. */
  LOGIN_MAX_PER_IP: z.coerce.number().int().min(1).default(500),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Failed sign-ins to one account (from every address) in the window after which its attempts are slowed down, never refused. */
  LOGIN_SLOWDOWN_AFTER: z.coerce.number().int().min(1).default(20),
  SIGNUP_MAX_PER_IP: z.coerce.number().int().min(1).default(20),
  HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** After SIGTERM: how long the node keeps serving with readiness failing, so the load balancer stops sending it work. */
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(5_000),
  /** After the delay: how long the requests in flight get to finish before the node closes anyway. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(15_000).default(15_000),
  TRUST_PROXY: TrustProxySchema.default(false),
  DEFAULT_SEATS: z.coerce.number().int().min(1).max(100_000).default(10),
  /** The credits a new account starts with, recorded in its ledger as a grant. */
  DEFAULT_GENERATIVE_CREDITS: z.coerce.number().int().min(0).max(1_000_000).default(60),
  DEFAULT_API_CREDITS: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  /** How long a purchase's or an allocation's Idempotency-Key is remembered (at least a day). */
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).max(720).default(48),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Workspace Console <no-reply@localhost>'),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  INVITE_MAIL_PER_DAY: z.coerce.number().int().min(1).default(500),
  JOIN_MAX_PER_HOUR: z.coerce.number().int().min(1).default(30),
  /** Requests for access to items one person may make per hour. */
  ACCESS_REQUESTS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  TOKEN_LOOKUP_MAX_PER_HOUR: z.coerce.number().int().min(1).default(120),
  VERIFICATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  VERIFY_MAIL_PER_HOUR: z.coerce.number().int().min(1).default(5),
  /** Calls to the public API (`/api/v1`) per minute for one API key. */
  API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Calls to the public API per minute for one workspace, whichever of its keys makes them. */
  API_WORKSPACE_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/**
 * Reads the configuration from environment variables. A bad value stops
 * start-up with a message that names the variable and what it must be.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.shape);
  const picked = Object.fromEntries(
    known.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]),
  );
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(picked[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
