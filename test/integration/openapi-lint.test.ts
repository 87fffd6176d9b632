import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { ApiClient } from '../support/client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REDOCLY = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

let server: Awaited<ReturnType<typeof startTestServer>>;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(path.join(tmpdir(), 'openapi-lint-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; severity: string; message: string }>;
}

/** `redocly lint` with the project's redocly.yaml (the recommended rules), offline: no usage data is sent. */
async function lint(document: unknown, name: string): Promise<LintReport> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(document));
  const run = promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json', '--max-problems', '10000'], {
    cwd: ROOT,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  // Problems found make the command fail; its report is on stdout either way.
  const { stdout } = await run.catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return JSON.parse(stdout) as LintReport;
}

const summary = (r: LintReport) => r.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`);

describe('the served OpenAPI document, for client generators', () => {
  it('passes redocly lint with the recommended rules: 0 errors, 0 warnings', async () => {
    const doc = (await new ApiClient(server.url).get('/api/openapi.json')).body;
    const report = await lint(doc, 'openapi.json');
    expect(summary(report)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('the lint does check: without servers, an operationId and a 4xx response it counts each', async () => {
    const doc = (await new ApiClient(server.url).get('/api/openapi.json')).body;
    delete doc.servers;
    delete doc.paths['/me'].get.operationId;
    const responses = doc.paths['/workspaces'].get.responses;
    for (const status of Object.keys(responses)) if (status.startsWith('4')) delete responses[status];
    const report = await lint(doc, 'broken.json');
    expect(report.problems.map((p) => p.ruleId).sort()).toEqual(['no-empty-servers', 'operation-4xx-response', 'operation-operationId']);
    expect(report.totals).toEqual({ errors: 1, warnings: 2, ignored: 0 });
  });
});
