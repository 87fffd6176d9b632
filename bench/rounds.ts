import { performance } from 'node:perf_hooks';
import { summarize, type LatencySummary } from './stats.js';

/** The figures of one measured setup (one row of the results table). */
export interface Measurement {
  label: string;
  clients: number;
  /** Every delivery: receive time − publish call start. */
  deliveries: LatencySummary;
  /** Per round: when the last client of the group had it. */
  lastClient: LatencySummary;
  /** Per round: when the adapter was handed the broadcast (for the publisher: after its database writes). */
  stored?: LatencySummary;
  /** Per round: when the server began writing to this group's sockets. */
  sendStart?: LatencySummary;
  /** Per round: how long the (synchronous) write loop over this group's sockets took. */
  sendLoop?: LatencySummary;
}

interface OpenRound {
  seq: number;
  start: number;
  pending: number;
  pendingPerGroup: number[];
  lastPerGroup: number[];
  stages: Map<string, number>;
  resolve: () => void;
}

/**
 * Collects delivery times of numbered rounds. Clients are split into groups
 * (e.g. the clients of node A and of node B); every figure is kept per group.
 * A round is open from `begin` (taken just before the publish call) until
 * every expected client has reported it.
 */
export class DeliveryRecorder {
  private open: OpenRound | null = null;
  private latencies: number[][];
  private lastPerRound: number[][];
  private stageTimes = new Map<string, number[]>();
  /** Deliveries of a round that was not open: duplicates or stragglers. A sound run has none. */
  unexpected = 0;

  constructor(private readonly expectedPerGroup: readonly number[]) {
    this.latencies = expectedPerGroup.map(() => []);
    this.lastPerRound = expectedPerGroup.map(() => []);
  }

  /** Forgets everything recorded so far (after the warm-up rounds). */
  reset() {
    this.latencies = this.expectedPerGroup.map(() => []);
    this.lastPerRound = this.expectedPerGroup.map(() => []);
    this.stageTimes.clear();
    this.unexpected = 0;
  }

  /** Opens round `seq` now; the promise settles when every client has it, or fails after `timeoutMs`. */
  begin(seq: number, timeoutMs: number): Promise<void> {
    if (this.open) throw new Error(`round ${this.open.seq} is still open`);
    const total = this.expectedPerGroup.reduce((a, b) => a + b, 0);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const round = this.open;
        this.open = null;
        reject(new Error(`round ${seq}: ${round ? total - round.pending : '?'} of ${total} clients received it within ${timeoutMs} ms`));
      }, timeoutMs);
      this.open = {
        seq,
        pending: total,
        pendingPerGroup: [...this.expectedPerGroup],
        lastPerGroup: this.expectedPerGroup.map(() => 0),
        stages: new Map(),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        start: performance.now(),
      };
    });
  }

  /** A client of `group` received round `seq` at `at`. */
  deliver(seq: number, group: number, at = performance.now()) {
    const round = this.open;
    if (!round || round.seq !== seq || round.pendingPerGroup[group]! <= 0) {
      this.unexpected++;
      return;
    }
    const latency = at - round.start;
    this.latencies[group]!.push(latency);
    round.lastPerGroup[group] = Math.max(round.lastPerGroup[group]!, latency);
    round.pendingPerGroup[group]!--;
    if (--round.pending > 0) return;
    round.lastPerGroup.forEach((last, g) => this.lastPerRound[g]!.push(last));
    if (process.env.BENCH_TRACE) traceRound(round);
    for (const [name, t] of round.stages) {
      const list = this.stageTimes.get(name) ?? [];
      list.push(t);
      this.stageTimes.set(name, list);
    }
    this.open = null;
    round.resolve();
  }

  /** Notes when a server-side stage of the open round happened (first occurrence per round counts). */
  mark(stage: string, at = performance.now()) {
    const round = this.open;
    if (round && !round.stages.has(stage)) round.stages.set(stage, at - round.start);
  }

  stage(name: string): number[] {
    return this.stageTimes.get(name) ?? [];
  }

  /**
   * The row of one group; `stagePrefix` names its `<prefix>:send-start` /
   * `<prefix>:send-end` marks, `storedStage` the mark taken when the
   * broadcast left the publisher.
   */
  measurement(label: string, group: number, stagePrefix?: string, storedStage?: string): Measurement {
    const result: Measurement = {
      label,
      clients: this.expectedPerGroup[group]!,
      deliveries: summarize(this.latencies[group]!),
      lastClient: summarize(this.lastPerRound[group]!),
    };
    if (stagePrefix) {
      const starts = this.stage(`${stagePrefix}:send-start`);
      const ends = this.stage(`${stagePrefix}:send-end`);
      result.sendStart = summarize(starts);
      result.sendLoop = summarize(ends.map((end, i) => end - starts[i]!));
    }
    if (storedStage) result.stored = summarize(this.stage(storedStage));
    return result;
  }
}

/** With BENCH_TRACE set, one stderr line per round: where its time went. */
function traceRound(round: OpenRound) {
  const last = round.lastPerGroup.map((l) => l.toFixed(1)).join(' / ');
  const stages = [...round.stages].map(([name, t]) => `${name} ${t.toFixed(1)}`).join(', ');
  process.stderr.write(`round ${round.seq}: last client ${last} ms; ${stages}\n`);
}

/**
 * Runs `warmup` unrecorded rounds, then `rounds` recorded ones. Each round
 * opens, calls `publish(seq)` once and waits until every client has the
 * message before the next one starts.
 */
export async function runRounds(
  recorder: DeliveryRecorder,
  opts: { rounds: number; warmup: number; timeoutMs?: number; publish: (seq: number) => unknown },
) {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  for (let i = 0; i < opts.warmup + opts.rounds; i++) {
    if (i === opts.warmup) recorder.reset();
    const delivered = recorder.begin(i + 1, timeoutMs);
    await Promise.all([opts.publish(i + 1), delivered]);
    // Let the publisher's trailing work (promise settlement, GC hints) finish outside the next round.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
