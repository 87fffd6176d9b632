import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

export type ProcessEvents = { down: [reason: string]; up: [] };

/** A child process kept running: started again whenever it dies, until `stop()`. */
export interface SupervisedProcess extends EventEmitter<ProcessEvents> {
  /** False from the moment the process died until it is ready again. */
  readonly running: boolean;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** How log lines name it, e.g. "embedded database". */
  name: string;
  spawn: () => ChildProcess;
  /** Resolves once the fresh process serves; `exited()` turns true if it died meanwhile. */
  ready: (exited: () => boolean) => Promise<void>;
  log?: (line: string) => void;
  /** One line when it dies and when it is back. */
  onStateChange?: (message: string, level: 'error' | 'info') => void;
  /** Waits before each try to start it again, the last repeating. */
  restartDelaysMs?: number[];
  /** The signal that asks it to stop cleanly (SIGKILL follows after 5 s). */
  stopSignal?: NodeJS.Signals;
}

const RESTART_DELAYS_MS = [200, 500, 1000, 2000, 5000];

/**
 * Starts a process and keeps it running: if it dies for any reason it is
 * started again the same way (same port, same data), with growing delays
 * while it keeps failing. It never outlives the Node process that started it.
 * Rejects if the first start fails, with the process's last output.
 */
export async function superviseProcess(opts: SuperviseOptions): Promise<SupervisedProcess> {
  const events = new EventEmitter<ProcessEvents>();
  let child = null as ChildProcess | null;
  let running = false;
  let stopping = false;
  let failures = 0;
  let output = '';

  const spawnOnce = async () => {
    const proc = opts.spawn();
    child = proc;
    let exited = false;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      opts.log?.(text.trimEnd());
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    proc.on('error', (err) => collect(Buffer.from(String(err))));
    proc.on('exit', (code, signal) => {
      exited = true;
      if (child === proc) child = null;
      const wasRunning = running;
      running = false;
      if (stopping) return;
      const reason = signal ? `signal ${signal}` : `exit code ${code}`;
      if (wasRunning) {
        opts.onStateChange?.(`The ${opts.name} stopped unexpectedly (${reason}); restarting it. Requests answer 503 until it is back.`, 'error');
        events.emit('down', reason);
      }
      scheduleRestart();
    });
    await opts.ready(() => exited);
    if (exited) throw new Error(`the ${opts.name} exited while starting`);
    running = true;
    failures = 0;
  };

  const scheduleRestart = () => {
    const delays = opts.restartDelaysMs ?? RESTART_DELAYS_MS;
    const delay = delays[Math.min(failures, delays.length - 1)]!;
    failures++;
    setTimeout(() => {
      if (stopping) return;
      spawnOnce().then(
        () => {
          opts.onStateChange?.(`The ${opts.name} is back.`, 'info');
          events.emit('up');
        },
        () => {
          // Its exit handler schedules the next try; one that hangs without exiting is killed.
          if (!stopping && running === false) child?.kill('SIGKILL');
        },
      );
    }, delay).unref();
  };

  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await spawnOnce();
  } catch (err) {
    stopping = true;
    child?.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw new Error(`The ${opts.name} did not start: ${(err as Error).message}\n${output}`);
  }

  // Getters, not copies: `running` and `pid` follow the process as it dies and comes back.
  return Object.defineProperties(events, {
    running: { get: () => running, enumerable: true },
    pid: { get: () => child?.pid, enumerable: true },
    stop: {
      value: () =>
        new Promise<void>((resolve) => {
          stopping = true;
          running = false;
          process.off('exit', killOnExit);
          const proc = child;
          if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill(opts.stopSignal ?? 'SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
        }),
    },
  }) as SupervisedProcess;
}
