#!/usr/bin/env node
// `npm start`: set up what is missing, then run the console with embedded defaults.
import { spawn } from 'node:child_process';
import { ensureDependencies, ensureFerretDb, ensureFfmpegRunBit, ensurePostgresLinks, ensureWebBuild, ROOT } from './setup.mjs';

try {
  ensureDependencies();
  if (!process.env.MONGODB_URI) {
    ensureFerretDb();
    ensurePostgresLinks();
    ensureFfmpegRunBit();
  }
  ensureWebBuild();
} catch (err) {
  console.error(`Workspace Console could not start: ${err.message}`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
