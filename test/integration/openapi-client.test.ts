import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient } from '../support/client.js';
import { API_TYPES_PATH, renderApiTypes } from '../../scripts/gen-api-client.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('the typed client generated from the served OpenAPI document', () => {
  it('is the checked-in test/support/generated/api.d.ts (run `npm run gen:api-client` after changing an endpoint)', async () => {
    const doc = (await new ApiClient(server.url).get('/api/openapi.json')).body;
    const generated = await renderApiTypes(doc);
    expect(generated).toContain('"/v1/workspace": {');
    expect(generated).toContain('v1GetWorkspace: {');
    // A line-by-line comparison: a drift shows as the lines that differ.
    expect(generated.split('\n')).toEqual((await readFile(API_TYPES_PATH, 'utf8')).split('\n'));
  });
});
