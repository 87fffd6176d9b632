#!/usr/bin/env node
// `npm run bench`: set up what is missing (npm dependencies, the FerretDB
// binary — not the web build, which no benchmark needs), then run the fan-out
// benchmark with this script's arguments, e.g. `npm run bench -- --n=200`.
import { spawn } from 'node:child_process';
import { ensureDependencies, ensureFerretDb, ROOT } from './setup.mjs';

try {
  ensureDependencies();
  ensureFerretDb();
} catch (err) {
  console.error(`[bench] setup failed: ${err.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout.ts', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: process.env,
});
// The benchmark stops its own databases and servers on these signals.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
