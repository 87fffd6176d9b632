/** One line of the chart: an endpoint's p50 (ms) at each size of foreign rows. */
export interface Series {
  label: string;
  points: Array<{ size: number; ms: number }>;
}

export interface Panel {
  title: string;
  series: Series[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#843c39', '#7b4173', '#3182bd'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmtSize = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** Ticks 1, 2, 5, 10, 20, 50… between lo and hi (a log axis). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p++) for (const m of [1, 2, 5]) ticks.push(m * 10 ** p);
  return ticks.filter((t) => t >= lo && t <= hi);
}

/**
 * Latency against foreign rows, one panel per backend, both axes
 * logarithmic (sizes grow tenfold; latencies differ by orders between
 * backends): a flat line is a list whose cost does not grow with others'
 * data. Plain SVG, no library.
 */
export function renderChart(panels: Panel[], caption: string): string {
  const W = 560;
  const H = 380;
  const m = { left: 60, right: 20, top: 40, bottom: 50 };
  const legendW = 320;
  const width = panels.length * W + legendW;
  const height = H + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="${height - 10}" fill="#444">${esc(caption)}</text>`,
  ];
  const labels = [...new Set(panels.flatMap((p) => p.series.map((s) => s.label)))];
  const colorOf = (label: string) => COLORS[labels.indexOf(label) % COLORS.length]!;
  // One size axis for every panel, so that a backend measured to fewer sizes stops short on it.
  const sizes = [...new Set(panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.size))))].sort((a, b) => a - b);
  panels.forEach((panel, i) => {
    const x0 = i * W;
    const pts = panel.series.flatMap((s) => s.points).filter((p) => p.ms > 0 && Number.isFinite(p.ms));
    if (pts.length === 0) return;
    const [sLo, sHi] = [sizes[0]!, sizes[sizes.length - 1]!];
    const msLo = 10 ** Math.floor(Math.log10(Math.min(...pts.map((p) => p.ms))));
    const msHi = 10 ** Math.ceil(Math.log10(Math.max(...pts.map((p) => p.ms))));
    const span = (v: number, lo: number, hi: number) => (hi === lo ? 0.5 : (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
    const X = (size: number) => x0 + m.left + span(size, sLo, sHi) * (W - m.left - m.right);
    const Y = (ms: number) => m.top + (1 - span(ms, msLo, msHi)) * (H - m.top - m.bottom);
    out.push(`<text x="${x0 + m.left}" y="22" font-size="14" font-weight="bold">${esc(panel.title)}</text>`);
    for (const t of logTicks(msLo, msHi)) {
      out.push(`<line x1="${x0 + m.left}" x2="${x0 + W - m.right}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${x0 + m.left - 6}" y="${Y(t) + 4}" text-anchor="end" fill="#444">${t}</text>`);
    }
    for (const s of sizes) {
      out.push(`<line x1="${X(s)}" x2="${X(s)}" y1="${m.top}" y2="${H - m.bottom}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${X(s)}" y="${H - m.bottom + 16}" text-anchor="middle" fill="#444">${fmtSize(s)}</text>`);
    }
    out.push(`<rect x="${x0 + m.left}" y="${m.top}" width="${W - m.left - m.right}" height="${H - m.top - m.bottom}" fill="none" stroke="#999"/>`);
    out.push(`<text x="${x0 + (W + m.left - m.right) / 2}" y="${H - 12}" text-anchor="middle">rows of other tenants, per collection (log)</text>`);
    out.push(`<text transform="translate(${x0 + 16} ${(H + m.top - m.bottom) / 2}) rotate(-90)" text-anchor="middle">p50 ms (log)</text>`);
    for (const s of panel.series) {
      const ps = s.points.filter((p) => p.ms > 0 && Number.isFinite(p.ms)).sort((a, b) => a.size - b.size);
      const c = colorOf(s.label);
      out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${ps.map((p) => `${X(p.size).toFixed(1)},${Y(p.ms).toFixed(1)}`).join(' ')}"/>`);
      for (const p of ps) out.push(`<circle cx="${X(p.size).toFixed(1)}" cy="${Y(p.ms).toFixed(1)}" r="3" fill="${c}"><title>${esc(`${s.label}: ${p.ms.toFixed(2)} ms at ${fmtSize(p.size)}`)}</title></circle>`);
    }
  });
  labels.forEach((label, i) => {
    const y = m.top + i * 18;
    const x = panels.length * W + 10;
    out.push(`<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${colorOf(label)}" stroke-width="3"/>`);
    out.push(`<text x="${x + 28}" y="${y + 4}">${esc(label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
