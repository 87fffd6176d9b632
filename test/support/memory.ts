import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A full garbage collection, whether or not the process was started with
 * `--expose-gc`: the flag is set at run time and `gc` taken from a fresh
 * context. Memory measured after it is what is still held, not garbage
 * that has not been collected yet.
 */
function forcedGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** The process's resident set size after a full collection, in bytes. */
export function rssAfterGc(): number {
  forcedGc()();
  return process.memoryUsage().rss;
}
