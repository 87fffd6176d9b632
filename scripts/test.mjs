#!/usr/bin/env node
// `npm test`: set up what is missing, then run every suite — type checks,
// integration tests and browser tests — and end with one totals line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureDependencies, ensureFerretDb, ensureFfmpegRunBit, ensurePostgresLinks, ensureWebBuild, ROOT } from './setup.mjs';

try {
  ensureDependencies();
  ensureFerretDb();
  ensurePostgresLinks();
  ensureFfmpegRunBit();
  ensureWebBuild();
} catch (err) {
  console.error(`[test] setup failed: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;

// Type checks count as one test each: server/shared/tests, then the web app.
for (const [name, cmd, args] of [
  ['typecheck (server)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['typecheck (web)', 'npm', ['run', '--silent', 'check:web']],
]) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (res.status === 0) passed++;
  else {
    failed++;
    console.error(`[test] ${name} failed`);
  }
  console.log(`[test] ${name}: ${res.status === 0 ? 'passed' : 'failed'}`);
}

const outDir = path.join(ROOT, 'test-results');
const report = path.join(outDir, 'vitest.json');
mkdirSync(outDir, { recursive: true });
rmSync(report, { force: true });
const extra = process.argv.slice(2);
const vitest = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], {
  cwd: ROOT,
  stdio: 'inherit',
});

if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  failed += result.numFailedTests ?? 0;
  // A file that failed to load has no tests but is a failure all the same.
  for (const file of result.testResults ?? []) if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++;
} else {
  failed++;
  console.error('[test] vitest produced no report');
}
if (vitest.status !== 0 && failed === 0) failed++;

// The fault harness (test/faults), one repetition of each fault, counts as one test: three nodes, Redis and the
// embedded database under load, each fault followed by every invariant check. Not when vitest was given arguments.
if (extra.length === 0) {
  const faults = spawnSync('npx', ['tsx', 'test/faults/run.ts', '--reps', process.env.FAULT_REPS ?? '1', '--no-report'], { cwd: ROOT, stdio: 'inherit' });
  if (faults.status === 0) passed++;
  else {
    failed++;
    console.error('[test] fault harness failed');
  }
  console.log(`[test] fault harness: ${faults.status === 0 ? 'passed' : 'failed'}`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
