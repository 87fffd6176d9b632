import { spawn, spawnSync } from 'node:child_process';
import { freePort, waitForPort } from '../../server/db/free-port.js';

/** Whether a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** A throw-away Redis on a free loopback port (or `port`, to bring one back): no persistence, files in `dir`. */
export async function startRedis(dir: string, port?: number) {
  port ??= await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  await waitForPort('127.0.0.1', port, 10_000, () => !exited);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
