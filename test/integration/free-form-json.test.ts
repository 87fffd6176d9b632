import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { createUser, createWorkspace } from '../support/factories.js';
import { checkSafeJson } from '../../shared/schemas/json.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** `{ a: { a: … 1 } }` nested `depth` times, as raw JSON text (built without recursion). */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('free-form JSON (a template layout)', () => {
  it('refuses unsafe keys, NUL, nested lists, hostile depth and size with 400 naming the path, stores nothing, and stays up', async () => {
    const owner = await createUser(server.ctx, server.url, 'Owner');
    const ws = await createWorkspace(server.ctx, owner.user._id);
    const post = (layoutJson: string) =>
      owner.client.request('POST', `/api/workspaces/${ws}/assets`, `{"kind":"template","name":"Hostile","data":{"layout":${layoutJson}}}`, { 'content-type': 'application/json' });
    const cases: Array<[string, string, string]> = [
      ['{"title.text":"x"}', 'data.layout.title.text', 'Keys are 1–60 characters, without “.”, a leading “$” or control characters'],
      ['{"$where":"1"}', 'data.layout.$where', 'Keys are 1–60 characters, without “.”, a leading “$” or control characters'],
      ['{"a\\u0000b":1}', 'data.layout.a\u0000b', 'Keys are 1–60 characters, without “.”, a leading “$” or control characters'],
      ['{"__proto__":{"admin":true}}', 'data.layout.__proto__', 'Keys are 1–60 characters, without “.”, a leading “$” or control characters'],
      ['{"ok":{"text":"nul\\u0000here"}}', 'data.layout.ok.text', 'Text cannot contain the NUL character'],
      ['{"grid":[[1,2],[3,4]]}', 'data.layout.grid.1', 'A list cannot directly contain another list'],
      [nested(7000), `data.layout.${Array.from({ length: 8 }, () => 'a').join('.')}`, 'Nested too deeply (at most 8 levels)'],
      [`{"big":"${'x'.repeat(17_000)}"}`, 'data.layout.big', 'Too large (16 kB at most)'],
    ];
    for (const [layout, path, message] of cases) {
      const res = await post(layout);
      expect(res.status, layout.slice(0, 40)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([{ path, message }]);
    }
    expect(await server.ctx.models.Asset.countDocuments({ workspaceId: ws })).toBe(0);
    // Still up, and a sound layout is stored as given.
    const fine = await post('{"title":{"text":"Hello","size":32,"bold":true},"slots":[{"x":1},{"x":2}],"note":null}');
    expect(fine.status).toBe(201);
    expect(fine.body.data).toEqual({ layout: { title: { text: 'Hello', size: 32, bold: true }, slots: [{ x: 1 }, { x: 2 }], note: null } });
  });

  it('the check itself takes no stack for any depth and names the first bad path', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { k: deep };
    expect(checkSafeJson(deep, { maxDepth: 8, maxBytes: 16_000 })).toEqual({ path: Array.from({ length: 8 }, () => 'k'), message: 'Nested too deeply (at most 8 levels)' });
    expect(checkSafeJson({ a: [1, { b: Number.NaN }] }, { maxDepth: 8, maxBytes: 16_000 })).toEqual({ path: ['a', 1, 'b'], message: 'Numbers must be finite' });
    expect(checkSafeJson({ a: [1, 'x', { b: [true, null] }] }, { maxDepth: 8, maxBytes: 16_000 })).toBeNull();
  });
});
