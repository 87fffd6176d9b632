/**
 * Render progress: the parts of a render (speech, then the encoder) each own
 * a share of 0–100, and what the caller sees only ever goes up, in whole
 * percents, ending at 100 when the files are ready.
 */
export function progressReporter(onProgress: (percent: number) => void) {
  let last = -1;
  const report = (percent: number) => {
    const p = Math.max(0, Math.min(100, Math.floor(percent)));
    if (p <= last) return;
    last = p;
    onProgress(p);
  };
  return {
    /** `fraction` (0–1) of the phase that spans `from`–`to` percent. */
    phase: (from: number, to: number) => (fraction: number) => report(from + (to - from) * Math.max(0, Math.min(1, fraction))),
    done: () => report(100),
  };
}

/**
 * Reads ffmpeg's `-progress` stream (key=value lines): the encoded time in
 * seconds for each block (`out_time_us`, or `out_time_ms` which ffmpeg 4.1
 * prints in microseconds too). Chunks may split lines anywhere.
 */
export function progressParser(onTime: (seconds: number) => void) {
  let pending = '';
  return (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^out_time_(?:us|ms)=(\d+)\s*$/.exec(line);
      if (m) onTime(Number(m[1]) / 1e6);
    }
  };
}
