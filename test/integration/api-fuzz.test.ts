import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestServer } from '../support/server.js';
import { rssAfterGc } from '../support/memory.js';
import { ApiClient } from '../support/client.js';
import { addMember, createUser, createWorkspace } from '../support/factories.js';
import { seedVideo } from '../support/videos.js';
import { rawRequest, type RawReply } from '../support/wire.js';
import { createSession } from '../../server/accounts/session.service.js';
import { ERROR_STATUS } from '../../shared/errors.js';

/**
 * Property-based fuzz of the whole HTTP API, driven by the OpenAPI document
 * the server serves: every operation is called with path parameters that
 * name the caller's own objects, another tenant's or nothing readable, with
 * bodies built from the operation's request schema (right types, random
 * values) or broken on purpose (wrong types, extra and prototype keys, huge
 * strings, deep nesting, bytes that are not JSON, other content types), and
 * random query strings. A fixed seed and a bounded number of requests make
 * every run the same. No answer is a 5xx, and every 4xx is the one error
 * shape with a code of shared/errors.ts that matches its status.
 */

const SEED = 42;
const RUNS = 2500;
/** Requests per set of fixtures: destructive calls (deleting an item, revoking a key) wear a set down; a fresh one keeps real ids real. */
const WORLD_EVERY = 500;
/**
 * Memory still held after the run: the JS heap from the start (a leak shows
 * there first), the resident set from the end of the first set of fixtures,
 * once the allocator has grown to what megabyte bodies take (it keeps that
 * memory afterwards, leak or not).
 */
const HEAP_GROWTH_LIMIT = 50 * 1024 * 1024;
const RSS_GROWTH_LIMIT = 150 * 1024 * 1024;

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}
interface Operation {
  method: string;
  template: string;
  operationId: string;
  params: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  json: JsonSchema | null;
  multipart: string | null;
  auth: 'session' | 'apiKey' | 'none';
}

type Person = Awaited<ReturnType<typeof createUser>>;
/** The caller's own objects and another tenant's, by the name of the path parameter that takes them. */
interface World {
  owner: Person;
  member: Person;
  stranger: Person;
  secret: string;
  real: Record<string, string[]>;
  foreign: string[];
  emails: string[];
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let ops: Operation[] = [];
beforeAll(async () => {
  server = await startTestServer({
    env: {
      LOGIN_MAX_PER_IP: '100000',
      SIGNUP_MAX_PER_IP: '100000',
      JOIN_MAX_PER_HOUR: '100000',
      TOKEN_LOOKUP_MAX_PER_HOUR: '100000',
      ACCESS_REQUESTS_PER_HOUR: '100000',
      VERIFY_MAIL_PER_HOUR: '100000',
      API_RATE_PER_MINUTE: '100000',
      API_WORKSPACE_RATE_PER_MINUTE: '100000',
    },
  });
  const doc = (await new ApiClient(server.url).get('/api/openapi.json')).body as {
    servers: Array<{ url: string }>;
    paths: Record<string, Record<string, { operationId: string; security?: Array<Record<string, unknown>>; parameters?: Array<{ in?: string; name?: string; schema?: JsonSchema }>; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  };
  const base = doc.servers[0]!.url;
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      const multipart = content['multipart/form-data']?.schema as { required?: string[] } | undefined;
      return {
        method: method.toUpperCase(),
        template: base + path,
        operationId: op.operationId,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name!, schema: p.schema! })),
        json: content['application/json']?.schema ?? null,
        multipart: multipart?.required?.[0] ?? null,
        auth: op.security?.length === 0 ? 'none' : op.security?.some((s) => 'apiKey' in s) ? 'apiKey' : 'session',
      } satisfies Operation;
    }),
  );
});
afterAll(() => server?.close());

const ok = (res: { status: number; body: unknown }, status: number, what: string) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as any;
};

/** The newest mailed link of `kind` to `to`, from the dev outbox. */
async function mailedToken(to: string, kind: 'invite') {
  const { items } = ok(await new ApiClient(server.url).get('/api/dev/outbox?limit=200'), 200, 'outbox') as { items: Array<{ to: string; text: string }> };
  const pattern = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`);
  return pattern.exec(items.find((m) => m.to === to && pattern.test(m.text))!.text)![1]!;
}

/** A workspace with one of everything the API names by id, made through the API where it can be and the factories where not. */
async function buildWorld(): Promise<World> {
  const { ctx, url } = server;
  const owner = await createUser(ctx, url, 'Owner');
  const member = await createUser(ctx, url, 'Member');
  const stranger = await createUser(ctx, url, 'Stranger');
  const ws = await createWorkspace(ctx, owner.user._id, [{ userId: member.user._id, role: 'viewer' }]);
  const foreignWs = await createWorkspace(ctx, stranger.user._id, [], 'Foreign');
  const c = owner.client;
  const sub = ok(await c.post(`/api/workspaces/${ws}/subworkspaces`, { name: 'Sub' }), 201, 'sub-workspace').id as string;
  const invitee = `invitee.${owner.user._id}@example.com`;
  const sent = ok(await c.post(`/api/workspaces/${ws}/invitations`, { invites: [{ email: invitee, role: 'viewer' }] }), 201, 'invitation');
  const received = ok(await stranger.client.post(`/api/workspaces/${foreignWs}/invitations`, { invites: [{ email: owner.email, role: 'viewer' }] }), 201, 'invitation to the owner');
  const link = ok(await c.request('PUT', `/api/workspaces/${ws}/invite-link`, { role: 'viewer' }), 200, 'invite link');
  const asset = ok(await c.post(`/api/workspaces/${ws}/assets`, { kind: 'brand_kit', name: 'Kit' }), 201, 'asset').id as string;
  ok(await c.request('PATCH', `/api/workspaces/${ws}`, { settings: { apiAccess: true } }), 200, 'API access');
  const key = ok(await c.post(`/api/workspaces/${ws}/api-keys`, { name: 'Fuzz' }), 201, 'API key');
  const item = ok(await c.post(`/api/workspaces/${ws}/items`, { kind: 'draft', name: 'Doc' }), 201, 'item').id as string;
  const folder = ok(await c.post(`/api/workspaces/${ws}/items`, { kind: 'folder', name: 'Folder' }), 201, 'folder').id as string;
  const request = ok(await member.client.post(`/api/workspaces/${ws}/items/${item}/access-requests`, { role: 'edit' }), 201, 'access request').id as string;
  const video = (await seedVideo(ctx, { workspaceId: ws, ownerId: owner.user._id })).id;
  const share = ok(await c.request('PUT', `/api/workspaces/${ws}/videos/${video}/share`, { published: true }), 200, 'video share');
  const strangerItem = ok(await stranger.client.post(`/api/workspaces/${foreignWs}/items`, { kind: 'draft', name: 'Theirs' }), 201, 'foreign item').id as string;
  const inviteToken = await mailedToken(invitee, 'invite');
  await addMember(ctx, sub, member.user, 'creator');
  return {
    owner,
    member,
    stranger,
    secret: key.secret,
    real: {
      id: [ws, sub],
      userId: [member.user._id, owner.user._id],
      invitationId: [pickId(sent), pickId(received)],
      token: [inviteToken, link.token, (share.publicUrl as string).split('/').pop()!],
      requestId: [request],
      assetId: [asset],
      targetWorkspaceId: [sub, foreignWs],
      keyId: [key.key.id],
      itemId: [item, folder, video],
      videoId: [video],
      lang: ['en', 'fr'],
    },
    foreign: [foreignWs, stranger.user._id, strangerItem, 'aaaaaaaaaaaaaaaaaaaaaaaa'],
    emails: [member.email, owner.email, stranger.email, invitee, 'someone.new@example.com'],
  };
}
const pickId = (sent: { created: Array<{ id: string }> }) => {
  if (!sent.created[0]?.id) throw new Error(`no invitation made: ${JSON.stringify(sent)}`);
  return sent.created[0].id;
};

/** Path segments no route can resolve: escapes, operators, traversal, sizes, prototype names. */
const MALFORMED = ['x', '$ne', '%00', '..%2F..', 'ffffffffffffffffffffffff', 'A'.repeat(300), '%E0%A4%A', '__proto__', 'constructor', '%20', '-', '0', '1e9', '%F0%9F%92%A9', '%27%22', '*', '..', 'null', 'undefined', '%2e%2e', 'a'.repeat(65)];

/** A value that stands for a fixture and is resolved at request time, so that the same case names the set in use. */
type Ref = { ref: 'real' | 'foreign' | 'email'; pool: string; n: number };
const isRef = (v: unknown): v is Ref => typeof v === 'object' && v !== null && 'ref' in v && 'n' in v && Object.keys(v).length === 3;

/** Which fixtures a body field takes, by its name. */
const FIELD_POOLS: Record<string, string> = {
  userId: 'userId',
  workspaceIds: 'id',
  workspaceId: 'id',
  parentId: 'itemId',
  folderId: 'itemId',
  avatarId: 'assetId',
  voiceId: 'assetId',
  brandKitId: 'assetId',
  actorId: 'userId',
  token: 'token',
};

const realOrForeign = (pool: string) =>
  fc.oneof({ weight: 3, arbitrary: fc.nat(9).map((n): Ref => ({ ref: 'real', pool, n })) }, { weight: 1, arbitrary: fc.nat(9).map((n): Ref => ({ ref: 'foreign', pool, n })) });

const timestamp = fc
  .tuple(fc.nat(120), fc.nat(99), fc.nat(99), fc.nat(1999), fc.constantFrom('.', ',', ':'))
  .map(([h, m, sec, ms, sep]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}${sep}${String(ms).padStart(3, '0')}`);
/** Caption files line by line, WebVTT or SRT, well-formed or not: signatures, timings in any order, tags, blocks. */
const captionArb = fc
  .array(
    fc.oneof(
      fc.constantFrom('WEBVTT', 'WEBVTT - title', '', 'NOTE a note', 'STYLE', '::cue { background: url(https://evil.example/x) }', '1', '-->', '<script>alert(1)</script>', '<v Bob>hi</v>', '<b><i>x</u>', '<00:00:01.000>', '\u0000', 'REGION', 'id:fred width:40%'),
      fc.tuple(timestamp, timestamp, fc.constantFrom('', ' align:start', ' position:200%', ' line:-1')).map(([a, b, settings]) => `${a} --> ${b}${settings}`),
      fc.string({ maxLength: 40 }),
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.join(pickSeparator(lines.length)));
const pickSeparator = (n: number) => ['\n', '\r\n', '\r'][n % 3]!;

function stringArb(schema: JsonSchema, field: string): fc.Arbitrary<unknown> {
  if (field === 'vtt') return fc.oneof(captionArb, fc.string({ maxLength: 200 }));
  const max = Math.min(schema.maxLength ?? 40, 40);
  const min = Math.min(schema.minLength ?? 0, max);
  let base: fc.Arbitrary<unknown>;
  if (schema.format === 'date-time') base = fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  else if (schema.pattern) {
    try {
      base = fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, schema.maxLength ?? 200));
    } catch {
      base = fc.string({ minLength: min, maxLength: max });
    }
  } else base = fc.string({ minLength: min, maxLength: max, unit: fc.oneof(fc.constantFrom('a', 'b', 'Z', '0', ' ', '-', '@', '.', '\u0000', '\u202e'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })) });
  if (/email/i.test(field)) return fc.oneof(fc.nat(9).map((n): Ref => ({ ref: 'email', pool: 'email', n })), base);
  const pool = FIELD_POOLS[field];
  return pool ? fc.oneof({ weight: 2, arbitrary: realOrForeign(pool) }, { weight: 1, arbitrary: base }) : base;
}

/** Values of the right types for a JSON schema, with random content. */
function valueArb(schema: JsonSchema, field = '', depth = 0): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((s) => valueArb(s, field, depth)));
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valueArb(s, k, depth + 1)])), { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'array': {
      const min = schema.minItems ?? 0;
      return fc.array(valueArb(schema.items ?? {}, field, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(schema.maxItems ?? 4, 4)) });
    }
    case 'string':
      return stringArb(schema, field);
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1e6, Number.MIN_SAFE_INTEGER), max: Math.min(schema.maximum ?? 1e6, Number.MAX_SAFE_INTEGER) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

/** What a request carries: bytes and their content type, or nothing. */
interface Body {
  label: string;
  value?: unknown;
  raw?: string | Buffer;
  contentType?: string;
}

const json = (value: unknown, label = 'valid-looking'): Body => ({ label, value, contentType: 'application/json' });
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const WRONG_TYPED = [0, -1, 1e308, true, null, '', 'x'.repeat(300), [], [[[]]], {}, { $gt: '' }, { $ne: null }, '2026-13-45T99:99:99Z', '\u0000\u202e'];
const NOT_JSON = ['{', 'nul', "{'a':1}", '\u0000', '[1,2', '{"a":1}}', '"str"', '123', 'true', 'null', '\ufeff{"a":1}', '{"a":1e99999}', '{"a":"\\ud800"}'];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/xml', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/merge-patch+json', 'application/json; charset=nope', ''];
/**
 * Made once: the arbitraries of every operation share them. JSON bodies may
 * be 100 kB (450 kB for a caption track): a huge string and deep nesting
 * stay under that, to reach the parser and the schemas; one body is over both.
 */
const HUGE = 'x'.repeat(60_000);
const OVER_LIMIT_BODY = `{"a":"${'x'.repeat(500_000)}"}`;
const NESTED = new Map([1_000, 10_000, 40_000].map((d) => [d, nested(d)]));
const EXTRA_KEYS = ['extra', '$where', 'constructor', 'toString', 'hasOwnProperty', '', 'a'.repeat(1000)];

/** Bodies broken on purpose, around a valid-looking one. */
function invalidBodyArb(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const asObject = valid.map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v }));
  return fc.oneof(
    asObject.chain((v) => fc.tuple(fc.constantFrom(...Object.keys(v), 'name'), fc.constantFrom(...WRONG_TYPED)).map(([k, bad]) => json({ ...v, [k]: bad }, `wrong type for ${k}`))),
    asObject.chain((v) => fc.tuple(fc.constantFrom(...EXTRA_KEYS), fc.jsonValue({ maxDepth: 2 })).map(([k, extra]) => json({ ...v, [k]: extra }, `extra key ${k.slice(0, 20)}`))),
    asObject.chain((v) => fc.constantFrom(...Object.keys(v), 'name').map((k) => json({ ...v, [k]: HUGE }, `huge string in ${k}`))),
    asObject.map((v) => ({ label: 'prototype keys', raw: `{"__proto__":{"role":"super_admin","admin":true},"constructor":{"prototype":{"admin":true}}${JSON.stringify(v).replace(/^\{/, ',').replace(/^,\}$/, '}')}`, contentType: 'application/json' })),
    fc.constantFrom(...NESTED.keys()).map((d) => ({ label: `nested ${d} deep`, raw: NESTED.get(d)!, contentType: 'application/json' })),
    asObject.chain((v) => fc.constantFrom(...Object.keys(v), 'name').map((k) => ({ label: `nested value in ${k}`, raw: JSON.stringify({ ...v, [k]: '@@' }).replace('"@@"', NESTED.get(10_000)!), contentType: 'application/json' }))),
    fc.constantFrom(...NOT_JSON).map((raw) => ({ label: 'not JSON', raw, contentType: 'application/json' })),
    fc.constant<Body>({ label: 'invalid UTF-8', raw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), contentType: 'application/json' }),
    fc.constant<Body>({ label: 'over the body limit', raw: OVER_LIMIT_BODY, contentType: 'application/json' }),
    fc.tuple(valid, fc.constantFrom(...CONTENT_TYPES)).map(([v, contentType]) => ({ label: `content type ${contentType || '(none)'}`, raw: JSON.stringify(v) ?? 'null', contentType })),
    fc.jsonValue({ maxDepth: 3 }).map((v) => json(v, 'random JSON')),
  );
}

const BOUNDARY = 'fuzzboundary';
const multipart = (field: string, filename: string, type: string, data: Buffer) =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function multipartArb(field: string): fc.Arbitrary<Body> {
  const type = `multipart/form-data; boundary=${BOUNDARY}`;
  return fc.oneof(
    fc.constant<Body>({ label: 'png upload', raw: multipart(field, 'logo.png', 'image/png', PNG), contentType: type }),
    fc.uint8Array({ maxLength: 200 }).map((b): Body => ({ label: 'random bytes as a png', raw: multipart(field, 'x.png', 'image/png', Buffer.from(b)), contentType: type })),
    fc.constantFrom('other', '', '__proto__').map((f): Body => ({ label: `upload under field ${f || '(empty)'}`, raw: multipart(f, 'logo.png', 'image/png', PNG), contentType: type })),
    fc.constant<Body>({ label: 'truncated multipart', raw: multipart(field, 'logo.png', 'image/png', PNG).subarray(0, 60), contentType: type }),
    fc.constant<Body>({ label: 'multipart without boundary', raw: multipart(field, 'logo.png', 'image/png', PNG), contentType: 'multipart/form-data' }),
    fc.constant<Body>({ label: 'svg upload', raw: multipart(field, 'x.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), contentType: type }),
  );
}

function bodyArb(op: Operation): fc.Arbitrary<Body> {
  if (op.multipart) return fc.oneof({ weight: 3, arbitrary: multipartArb(op.multipart) }, { weight: 1, arbitrary: invalidBodyArb(fc.constant({})) });
  if (op.json) {
    const valid = valueArb(op.json);
    return fc.oneof({ weight: 1, arbitrary: valid.map((v) => json(v)) }, { weight: 1, arbitrary: invalidBodyArb(valid) });
  }
  if (op.method === 'GET') return fc.constant({ label: 'none' });
  return fc.oneof({ weight: 3, arbitrary: fc.constant<Body>({ label: 'none' }) }, { weight: 1, arbitrary: invalidBodyArb(fc.constant({})) });
}

const JUNK_QUERIES = ['limit=-1', 'limit=abc', 'limit=1e3', 'cursor[$gt]=', 'q[$ne]=1', 'limit=1&limit=2', `cursor=${'A'.repeat(5000)}`, 'from=never&to=2020-01-01', '%E0%A4%A=1', 'a[__proto__][x]=1', '__proto__[admin]=1', 'constructor[prototype][admin]=1', 'cursor=eyJ4IjoxfQ', 'cursor=%00', 'kind=video&kind=folder', 'sort[]=name'];

function queryArb(op: Operation): fc.Arbitrary<string> {
  const valid = op.query.length
    ? fc
        .record(Object.fromEntries(op.query.map((q) => [q.name, valueArb(q.schema, q.name)])), { requiredKeys: [] })
        .map((r) => Object.entries(r).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&'))
    : fc.constant('');
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...JUNK_QUERIES) });
}

type Caller = 'owner' | 'member' | 'stranger' | 'none' | 'bogus' | 'bearer' | 'bogusBearer';
function callerArb(op: Operation): fc.Arbitrary<Caller> {
  if (op.auth === 'apiKey') return fc.oneof({ weight: 6, arbitrary: fc.constant<Caller>('bearer') }, { weight: 1, arbitrary: fc.constantFrom<Caller>('bogusBearer', 'none', 'owner') });
  return fc.oneof({ weight: 6, arbitrary: fc.constant<Caller>('owner') }, { weight: 1, arbitrary: fc.constantFrom<Caller>('member', 'stranger', 'none', 'bogus', 'bearer') });
}

const headersArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'idempotency-key': 'k'.repeat(300) }, { 'idempotency-key': '' }, { 'idempotency-key': 'fuzz-key-1' }, { 'idempotency-key': '\u00e9' }) },
);

type ParamChoice = { ref: 'real' | 'foreign'; n: number } | { ref: 'malformed'; n: number };
const paramArb: fc.Arbitrary<ParamChoice> = fc.oneof(
  { weight: 7, arbitrary: fc.nat(9).map((n) => ({ ref: 'real' as const, n })) },
  { weight: 1, arbitrary: fc.nat(9).map((n) => ({ ref: 'foreign' as const, n })) },
  { weight: 2, arbitrary: fc.nat(MALFORMED.length - 1).map((n) => ({ ref: 'malformed' as const, n })) },
);

interface Case {
  op: Operation;
  params: ParamChoice[];
  body: Body;
  query: string;
  caller: Caller;
  headers: Record<string, string>;
}

const caseArbs = new Map<Operation, fc.Arbitrary<Case>>();
function caseArb(op: Operation): fc.Arbitrary<Case> {
  let arb = caseArbs.get(op);
  if (!arb) {
    arb = fc.record({
      op: fc.constant(op),
      params: fc.array(paramArb, { minLength: op.params.length, maxLength: op.params.length }),
      body: bodyArb(op),
      query: queryArb(op),
      caller: callerArb(op),
      headers: headersArb,
    });
    caseArbs.set(op, arb);
  }
  return arb;
}

const at = <T>(xs: T[], n: number) => xs[n % xs.length]!;
function resolveRef(world: World, r: Ref): string {
  if (r.ref === 'email') return at(world.emails, r.n);
  return r.ref === 'foreign' ? at(world.foreign, r.n) : at(world.real[r.pool] ?? world.foreign, r.n);
}
const resolveValue = (world: World, v: unknown): unknown =>
  isRef(v) ? resolveRef(world, v) : Array.isArray(v) ? v.map((x) => resolveValue(world, x)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveValue(world, x)])) : v;

/** Calls that end the caller's session or give away the workspace run on a throwaway owner and workspace. */
const DISPOSABLE = new Set(['logOut', 'deleteWorkspace', 'leaveWorkspace', 'transferOwnership']);

/** What is wrong with an answer, or null: never a 5xx nor a reset, and every 4xx is `{ error: { code, message } }` with a code of its status. */
function problemOf(res: RawReply | null): string | null {
  if (!res) return 'no answer within 15 s';
  if (res.status === 0) return 'connection reset without an answer';
  if (res.status >= 500) return `${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
  if (res.status < 400) return null;
  let body: { error?: { code?: string; message?: unknown } };
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return `${res.status} with a body that is not JSON: ${res.body.toString('utf8').slice(0, 200)}`;
  }
  const code = body?.error?.code;
  const keysOk = Object.keys(body ?? {}).join() === 'error' && Object.keys(body.error ?? {}).every((k) => ['code', 'message', 'details'].includes(k));
  if (!keysOk || typeof code !== 'string' || !(code in ERROR_STATUS) || typeof body.error!.message !== 'string' || !body.error!.message) {
    return `${res.status} without the error shape: ${JSON.stringify(body).slice(0, 300)}`;
  }
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== res.status) return `${res.status} with code ${code} (its status is ${ERROR_STATUS[code as keyof typeof ERROR_STATUS]})`;
  return null;
}

describe('the HTTP API under generated input (OpenAPI-driven, seeded)', () => {
  it(`${RUNS} requests over every documented operation answer 2xx/4xx, never 5xx, and every 4xx has the error shape`, async () => {
    expect(ops.length).toBeGreaterThan(90);
    let world = await buildWorld();
    let runs = 0;
    const offenders: string[] = [];
    const called = new Set<string>();
    const statuses = new Map<number, number>();
    rssAfterGc();
    const heapBefore = process.memoryUsage().heapUsed;
    let rssBefore = 0;

    const send = async (c: Case) => {
      if (runs === WORLD_EVERY) rssBefore = rssAfterGc();
      if (runs > 0 && runs % WORLD_EVERY === 0) world = await buildWorld();
      runs++;
      const { op } = c;
      let caller = world.owner;
      let real = world.real;
      if (DISPOSABLE.has(op.operationId) && c.caller === 'owner') {
        // A throwaway owner (or, for signing out, a second session of the owner) so that the set in use keeps its session and workspace.
        const throwaway = op.operationId === 'logOut' ? null : await createUser(server.ctx, server.url, 'Throwaway');
        if (throwaway) {
          caller = throwaway;
          real = { ...world.real, id: [await createWorkspace(server.ctx, throwaway.user._id, [{ userId: world.member.user._id, role: 'viewer' }])] };
        } else caller = { ...world.owner, client: Object.assign(new ApiClient(server.url), { cookie: `sid=${(await createSession(server.ctx, world.owner.user._id, {})).token}` }) };
      }
      const path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => {
        const choice = c.params[op.params.indexOf(name)]!;
        if (choice.ref === 'malformed') return at(MALFORMED, choice.n);
        return encodeURIComponent(choice.ref === 'real' ? at(real[name] ?? world.foreign, choice.n) : at(world.foreign, choice.n));
      });
      const url = `${path}${c.query ? `?${c.query}` : ''}`;
      const raw = c.body.raw ?? (c.body.value === undefined ? undefined : JSON.stringify(resolveValue(world, c.body.value)));
      const headers: Record<string, string> = { ...c.headers };
      if (c.body.contentType) headers['content-type'] = c.body.contentType;
      const cookies: Partial<Record<Caller, string>> = { owner: caller.client.cookie, member: world.member.client.cookie, stranger: world.stranger.client.cookie, bogus: 'sid=not-a-session' };
      if (cookies[c.caller]) headers.cookie = cookies[c.caller]!;
      if (c.caller === 'bearer') headers.authorization = `Bearer ${world.secret}`;
      if (c.caller === 'bogusBearer') headers.authorization = at(['Bearer wsc_nope', 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer ${'x'.repeat(5000)}`], runs);
      const res = await rawRequest(server.url + url, { method: op.method, headers, body: raw, timeoutMs: 15_000 });
      called.add(op.operationId);
      statuses.set(res?.status ?? -1, (statuses.get(res?.status ?? -1) ?? 0) + 1);
      const problem = problemOf(res);
      if (problem) {
        const body = typeof raw === 'string' ? raw.slice(0, 300) : raw ? `<${raw.length} bytes>` : '';
        offenders.push(`${op.operationId} ${op.method} ${url.slice(0, 300)} as ${c.caller} [${c.body.label}] ${body} → ${problem}`);
      }
    };

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops).chain((op) => caseArb(op)),
        async (c) => {
          await send(c);
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    expect(offenders).toEqual([]);
    expect(runs).toBe(RUNS);
    // Every documented operation was called, and the API did more than refuse.
    expect(ops.filter((o) => !called.has(o.operationId)).map((o) => o.operationId)).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 200 && s < 300).length).toBeGreaterThan(2);
    expect((await new ApiClient(server.url).get('/healthz')).status).toBe(200);
    const rssGrowth = rssAfterGc() - rssBefore;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.log(`api fuzz: ${runs} requests over ${called.size} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}; heap +${Math.round(heapGrowth / 1e6)} MB, RSS +${Math.round(rssGrowth / 1e6)} MB`);
    expect(heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(rssGrowth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 88_000);

  it('refuses text holding U+0000, which the database cannot store or compare, with 400 naming the field, and stores nothing', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const refusal = (path: string) => ({ error: { code: 'validation_failed', message: 'Text cannot contain the NUL character', details: [{ path, message: 'Text cannot contain the NUL character' }] } });
    const workspaces = await server.ctx.models.Workspace.countDocuments();
    const created = await owner.client.post('/api/workspaces', { name: 'a\u0000b' });
    expect({ status: created.status, body: created.body }).toEqual({ status: 400, body: refusal('name') });
    expect(await server.ctx.models.Workspace.countDocuments()).toBe(workspaces);
    const asset = await owner.client.post(`/api/workspaces/${ws}/assets`, { kind: 'avatar', name: 'Look', data: { look: 'x\u0000', style: 'studio' } });
    expect({ status: asset.status, body: asset.body }).toEqual({ status: 400, body: refusal('data.look') });
    const audit = await owner.client.get(`/api/workspaces/${ws}/audit?type=%00`);
    expect({ status: audit.status, body: audit.body }).toEqual({ status: 400, body: refusal('type') });
    // The same text without the NUL is fine.
    expect((await owner.client.post('/api/workspaces', { name: 'a b' })).status).toBe(201);
  });
});
