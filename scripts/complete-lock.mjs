#!/usr/bin/env node
// Re-adds to package-lock.json the platform-specific optional packages that
// `npm install` left out because the registry reachable here does not serve
// them at the locked version (e.g. rollup's darwin/windows builds). Without
// them `npm ci` refuses the lockfile as out of sync. Each added entry is
// guarded by `os`/`cpu` (and `libc`), so `npm ci` skips it on other machines
// without fetching it. Run after `npm install` changes the lockfile.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = path.join(root, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

function platformOf(name, version) {
  for (const spec of [`${name}@${version}`, name]) {
    try {
      const out = execFileSync('npm', ['view', spec, 'os', 'cpu', 'libc', 'license', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const info = JSON.parse(out || '{}');
      if (info.os || info.cpu) return info;
    } catch {
      /* not served at this version: try the newest one, whose platform is the same */
    }
  }
  return null;
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `${key ? key + '/' : ''}node_modules/${dep}`;
    if (lock.packages[depKey] || lock.packages[`node_modules/${dep}`]) continue;
    const info = platformOf(dep, version);
    if (!info) {
      console.warn(`skipped ${dep}@${version}: no platform information`);
      continue;
    }
    lock.packages[`node_modules/${dep}`] = {
      version,
      ...(info.cpu ? { cpu: [].concat(info.cpu) } : {}),
      ...(entry.dev ? { dev: true } : {}),
      ...(info.libc ? { libc: [].concat(info.libc) } : {}),
      ...(info.license ? { license: info.license } : {}),
      optional: true,
      ...(info.os ? { os: [].concat(info.os) } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} platform-specific optional entries to package-lock.json`);
