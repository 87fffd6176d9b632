/**
 * The script cut into cues: one sentence at a time, and a long sentence cut
 * at its commas (or between words) into phrases of at most MAX_CUE_WORDS.
 * Every word of the script is in exactly one cue, in order; whitespace
 * (line breaks, tabs) becomes single spaces.
 */
export const MAX_CUE_WORDS = 14;

const words = (s: string) => s.split(/\s+/u).filter(Boolean);

/** Sentences: words up to one that ends with an end mark (. ! ? … with closing quotes or brackets), or a line break. */
function sentencesOf(script: string): string[] {
  const out: string[] = [];
  for (const line of script.split(/\r?\n|\r/u)) {
    let current: string[] = [];
    for (const word of words(line)) {
      current.push(word);
      if (/[.!?…]["'»”’)\]]*$/u.test(word)) out.push(current.join(' ')), (current = []);
    }
    if (current.length) out.push(current.join(' '));
  }
  return out;
}

/** Cuts one sentence into phrases of at most `max` words: at , ; : first, then evenly between words. */
function phrasesOf(sentence: string, max: number): string[] {
  const all = words(sentence);
  if (all.length <= max) return [all.join(' ')];
  const parts = sentence.split(/(?<=[,;:])\s+/u).map(words).filter((p) => p.length);
  const out: string[][] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (last && last.length + part.length <= max) last.push(...part);
    else out.push([...part]);
  }
  return out.flatMap((p) => {
    if (p.length <= max) return [p.join(' ')];
    const pieces = Math.ceil(p.length / max);
    const size = Math.ceil(p.length / pieces);
    const chunks: string[] = [];
    for (let i = 0; i < p.length; i += size) chunks.push(p.slice(i, i + size).join(' '));
    return chunks;
  });
}

export function cuesOf(script: string, max = MAX_CUE_WORDS): string[] {
  return sentencesOf(script.replace(/\t/g, ' ')).flatMap((s) => phrasesOf(s, max));
}

/**
 * Lines of at most `width` characters, cut between words (a longer word is
 * cut where it must); at most `maxLines`, the last ending in … when the
 * text does not fit.
 */
export function wrapLines(text: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of words(text)) {
    while (word.length > width) {
      if (line) lines.push(line), (line = '');
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!word) continue;
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else lines.push(line), (line = word);
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  kept[maxLines - 1] = `${last.length >= width ? last.slice(0, width - 1) : last}…`;
  return kept;
}

/** Up to two initials of a name, upper-case ("Ada Lovelace" → "AL"); "" when it has no letter or digit. */
export function initialsOf(name: string): string {
  const parts = name.split(/\s+/u).map((w) => Array.from(w.replace(/[^\p{L}\p{N}]/gu, ''))[0]).filter(Boolean);
  const picked = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts.slice(0, 1);
  return picked.join('').toLocaleUpperCase();
}
