#!/usr/bin/env node
// `npm run bench`: set up what is missing (npm dependencies, the FerretDB
// binary — not the web build, which no benchmark needs), then run the fan-out
// benchmark, then the REST throughput benchmark, then the video render
// benchmark. `--only=fanout|rest|growth|render` runs one; the growth benchmark (lists while other tenants grow to 100k rows,
// about ten minutes) runs only when asked for. Other arguments go to each,
// e.g. `npm run bench -- --n=200 --seconds=5`.
import { spawn } from 'node:child_process';
import { ensureDependencies, ensureFerretDb, ensureFfmpegRunBit, ensurePostgresLinks, ROOT } from './setup.mjs';

try {
  ensureDependencies();
  ensureFerretDb();
  ensurePostgresLinks();
  ensureFfmpegRunBit();
} catch (err) {
  console.error(`[bench] setup failed: ${err.message}`);
  process.exit(1);
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--only='));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const KNOWN = ['fanout', 'rest', 'growth', 'render'];
if (only && !KNOWN.includes(only)) {
  console.error(`[bench] unknown benchmark "${only}" (one of ${KNOWN.join(', ')})`);
  process.exit(1);
}
const benches = only ? [only] : ['fanout', 'rest', 'render'];

let current = null;
// Each benchmark stops its own databases and servers on these signals.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => current?.kill(signal));

for (const bench of benches) {
  const code = await new Promise((resolve) => {
    current = spawn(process.execPath, ['--import', 'tsx', `bench/${bench}.ts`, ...args], { cwd: ROOT, stdio: 'inherit', env: process.env });
    current.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0) process.exit(code);
}
