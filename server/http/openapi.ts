import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors.js';
import { IdempotencyKeySchema } from '../../shared/schemas/credits.js';
import type { Area, Method, Operation } from './openapi/operation.js';
import { accounts } from './openapi/accounts.js';
import { workspaces } from './openapi/workspaces.js';
import { invitations } from './openapi/invitations.js';
import { assets } from './openapi/assets.js';
import { credits } from './openapi/credits.js';
import { apiKeys } from './openapi/api-keys.js';
import { publicApi } from './openapi/public-api.js';
import { content } from './openapi/content.js';
import { sharing } from './openapi/sharing.js';
import { videos } from './openapi/videos.js';
import { videoShare } from './openapi/video-share.js';

/**
 * The HTTP API, described from the very schemas the routes validate with.
 * Every route the app mounts under `/api` has its entry in one of the areas
 * (test/integration/openapi.test.ts holds both lists equal), and the
 * document passes `redocly lint` (recommended rules) without a warning.
 */
const AREAS: Area[] = [accounts, workspaces, invitations, assets, credits, apiKeys, content, sharing, videos, videoShare, publicApi];

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return io === 'output' ? (tidyReply(rest) as Record<string, unknown>) : rest;
};

/**
 * A reply as clients should read it: fields may be added later (no
 * `additionalProperties: false`), and zod's stand-ins for "any integer" and
 * "any ISO time" (±2^53 bounds, the date-time regex) say nothing `format` does not.
 */
function tidyReply(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidyReply);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'pattern' && (node as { format?: string }).format === 'date-time') continue;
    out[key] = tidyReply(value);
  }
  return out;
}

const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** One response component per error status; an operation's entry adds the codes it answers with. */
const ERROR_RESPONSES: Record<number, { name: string; text: string }> = {
  400: { name: 'InvalidInput', text: 'Invalid input' },
  401: { name: 'Unauthenticated', text: 'Not signed in, or refused credentials' },
  402: { name: 'InsufficientCredits', text: 'Not enough credits' },
  403: { name: 'Forbidden', text: 'Not allowed' },
  404: { name: 'NotFound', text: 'Not found (also what exists but the caller may not know of)' },
  409: { name: 'Conflict', text: 'In conflict with the current state' },
  410: { name: 'Gone', text: 'No longer valid' },
  413: { name: 'TooLarge', text: 'Too large' },
  429: { name: 'RateLimited', text: 'Too many requests; wait `Retry-After` seconds' },
  501: { name: 'NotImplemented', text: 'Not built yet' },
  503: { name: 'Unavailable', text: 'The database is not reachable; try again after `Retry-After` seconds' },
};
/** The public API's 429 also says the limit it hit. */
const API_RATE_LIMITED = 'ApiRateLimited';

/** What every operation of its kind can answer, on top of what it does itself. */
function errorsOf(path: string, method: Method, op: Operation): ErrorCode[] {
  const auth = op.auth ?? 'session';
  const codes = new Set<ErrorCode>(op.errors);
  codes.add('unavailable');
  if (auth !== 'none') codes.add('unauthenticated');
  // The Origin rule holds for every state-changing call but those of the public API.
  if (auth !== 'apiKey' && method !== 'get') codes.add('forbidden');
  if (op.body || op.query || op.multipart) codes.add('validation_failed');
  if (op.body || op.multipart) codes.add('too_large');
  if (path.includes('{')) codes.add('not_found');
  // An Idempotency-Key reused with another body, or while its first request is in flight.
  if (op.idempotent) codes.add('conflict');
  if (auth === 'apiKey') {
    codes.add('insufficient_credits');
    codes.add('rate_limited');
  }
  return ERROR_CODES.filter((c) => codes.has(c));
}

const rateLimitHeaders = {
  'RateLimit-Limit': ref('headers', 'RateLimitLimit'),
  'RateLimit-Remaining': ref('headers', 'RateLimitRemaining'),
  'RateLimit-Reset': ref('headers', 'RateLimitReset'),
};

function errorResponses(codes: ErrorCode[], op: Operation, used: Set<string>) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const responses: Record<string, unknown> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const known = ERROR_RESPONSES[status];
    if (!known) throw new Error(`No response described for ${status} (${group.join(', ')})`);
    const name = status === 429 && op.auth === 'apiKey' ? API_RATE_LIMITED : known.name;
    used.add(name);
    responses[status] = { ...ref('responses', name), description: `${known.text} (${group.map((c) => `\`${c}\``).join(', ')})` };
  }
  return responses;
}

const errorContent = { 'application/json': { schema: ref('schemas', 'Error') } };

/** The response components the operations refer to (an unused one is a lint warning). */
function errorResponseComponents(used: Set<string>) {
  const components: Record<string, unknown> = {};
  for (const [status, { name, text }] of Object.entries(ERROR_RESPONSES)) {
    if (!used.has(name)) continue;
    const retry = status === '429' || status === '503';
    components[name] = { description: text, ...(retry ? { headers: { 'Retry-After': ref('headers', 'RetryAfter') } } : {}), content: errorContent };
  }
  if (used.has(API_RATE_LIMITED)) {
    components[API_RATE_LIMITED] = {
      description: `${ERROR_RESPONSES[429]!.text}; the limit of the key or of its workspace, whichever is reached`,
      headers: { 'Retry-After': ref('headers', 'RetryAfter'), ...rateLimitHeaders },
      content: errorContent,
    };
  }
  components.Unexpected = { description: 'A failure on the server’s side (`internal`)', content: errorContent };
  return components;
}

const SUCCESS_TEXT: Record<number, string> = { 200: 'Success', 201: 'Created', 202: 'Accepted: it goes on in the background, or waits for approval', 204: 'Done, nothing to say' };
const IMAGE = { schema: { type: 'string', format: 'binary' } };

function successResponse(status: number, op: Operation) {
  const content =
    op.reply === 'image'
      ? { 'image/png': IMAGE, 'image/jpeg': IMAGE, 'image/webp': IMAGE }
      : op.reply === 'csv'
        ? { 'text/csv': { schema: { type: 'string' } } }
        : op.reply === 'video'
          ? { 'video/webm': IMAGE, 'video/mp4': IMAGE }
          : op.reply === 'vtt'
            ? { 'text/vtt': { schema: { type: 'string' } } }
        : op.reply
          ? { 'application/json': { schema: jsonSchema(op.reply, 'output') } }
          : undefined;
  return {
    description: SUCCESS_TEXT[status] ?? 'Success',
    ...(op.auth === 'apiKey' ? { headers: rateLimitHeaders } : {}),
    ...(content && status !== 204 ? { content } : {}),
  };
}

function describe(path: string, method: Method, op: Operation, tag: string, used: Set<string>) {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const query = op.query ? jsonSchema(op.query, 'input') : null;
  const queryParams = query
    ? Object.entries((query.properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
        name,
        in: 'query',
        required: ((query.required ?? []) as string[]).includes(name),
        schema,
      }))
    : [];
  const requestBody = op.body
    ? { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } }
    : op.multipart
      ? { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: [op.multipart], properties: { [op.multipart]: { type: 'string', format: 'binary' } } } } } }
      : undefined;
  const auth = op.auth ?? 'session';
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [tag],
    ...(auth === 'none' ? { security: [] } : auth === 'apiKey' ? { security: [{ apiKey: [] }] } : {}),
    parameters: [...params, ...queryParams, ...(op.idempotent ? [ref('parameters', 'IdempotencyKey')] : [])],
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [op.ok]: successResponse(op.ok, op),
      ...(op.alsoOk ? { [op.alsoOk]: successResponse(op.alsoOk, op) } : {}),
      ...errorResponses(errorsOf(path, method, op), op, used),
      default: ref('responses', 'Unexpected'),
    },
  };
}

const DESCRIPTION = `The HTTP API of Workspace Console. Paths are relative to \`/api\` on the console's origin.

- **Console API**: the httpOnly \`sid\` cookie that \`POST /auth/signup\` and \`POST /auth/login\` set. A state-changing call whose \`Origin\` is not the console's own is refused with 403 \`forbidden\`.
- **Public API** (\`/v1\`): \`Authorization: Bearer wsc_…\`, a key of one workspace, created in its API tab. Every call costs 1 API credit and is rate limited per key and per workspace (\`RateLimit-Limit\`, \`RateLimit-Remaining\`; 429 with \`Retry-After\`).
- **Errors**: \`{ "error": { "code", "message", "details"? } }\`; switch on \`code\` (stable), show \`message\` (for people). 400 \`validation_failed\` lists the fields in \`details\`.
- **Lists**: \`?limit=\` (default 50, at most 200) and \`?cursor=\`; the reply is \`{ "items": [...], "nextCursor": string | null }\`.
- **Idempotency**: purchases and allocations take an \`Idempotency-Key\` (≤ 255 characters): the first result is replayed for the same key and body; another body with the same key is 409 \`conflict\`.
- **Live updates**: Socket.IO on the same origin.`;

export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const used = new Set<string>();
  const operationIds = new Set<string>();
  for (const area of AREAS) {
    for (const [path, methods] of Object.entries(area.paths)) {
      if (paths[path]) throw new Error(`${path} is described twice`);
      paths[path] = {};
      for (const [method, op] of Object.entries(methods) as Array<[Method, Operation]>) {
        if (operationIds.has(op.operationId)) throw new Error(`operationId ${op.operationId} is taken`);
        operationIds.add(op.operationId);
        paths[path][method] = describe(path, method, op, area.tag, used);
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Workspace Console API', version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/api', description: 'This console' }],
    tags: AREAS.map((a) => ({ name: a.tag, description: a.description })),
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'The session of a signed-in person (console API)' },
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'wsc_…', description: 'An API key of one workspace (public API, `/v1`)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: {
                code: { type: 'string', enum: ERROR_CODES, description: 'Stable: a client may switch on it' },
                message: { type: 'string', description: 'For people; it may change' },
                details: { description: 'For `validation_failed`, the fields: `[{ path, message }]`; for others, what the error is about' },
              },
            },
          },
        },
      },
      responses: errorResponseComponents(used),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Makes a retry safe: the first result is stored (≥ 24 h, per user) and replayed for the same key',
          schema: jsonSchema(IdempotencyKeySchema, 'input'),
        },
      },
      headers: {
        RetryAfter: { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } },
        RateLimitLimit: { description: 'Calls allowed per window: the tighter of the key’s and its workspace’s limits', schema: { type: 'integer', minimum: 0 } },
        RateLimitRemaining: { description: 'Calls left in the current window', schema: { type: 'integer', minimum: 0 } },
        RateLimitReset: { description: 'Seconds until the current window ends', schema: { type: 'integer', minimum: 0 } },
      },
    },
  };
}
