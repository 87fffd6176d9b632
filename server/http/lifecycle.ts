import type { RequestHandler } from 'express';

/**
 * A node's serving state for a graceful drain (SIGTERM), as a load balancer
 * expects it: readiness fails at once, requests already sent keep being
 * served, every response asks its client to open its next connection
 * elsewhere, and the drain waits for the requests in flight to finish.
 */
export class Lifecycle {
  draining = false;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  get inFlight() {
    return this.#inFlight;
  }

  /** Counts the requests in flight; while draining, asks keep-alive clients to close after their response. */
  middleware(): RequestHandler {
    return (_req, res, next) => {
      this.#inFlight++;
      res.once('close', () => {
        this.#inFlight--;
        if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
      if (this.draining) res.setHeader('Connection', 'close');
      next();
    };
  }

  /** Resolves once no request is in flight, or after `timeoutMs` with how many still were. */
  async settled(timeoutMs: number): Promise<number> {
    if (this.#inFlight === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => this.#idle.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return this.#inFlight;
  }
}
