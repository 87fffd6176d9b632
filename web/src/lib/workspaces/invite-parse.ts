import { RoleSchema, type Role } from '$shared/schemas/auth.js';

export interface ParsedLine {
  email: string;
  /** A role given on the line (CSV), else null: the default role applies. */
  role: Role | null;
  problem: 'invalid' | 'duplicate' | null;
}

/** The same check as the server's, close enough to flag a typo before sending. */
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

/** Role names as people write them in a sheet, in English or French. */
const ROLE_WORDS: Record<string, Role> = {
  super_admin: 'super_admin',
  superadmin: 'super_admin',
  'super admin': 'super_admin',
  admin: 'super_admin',
  'super administrateur': 'super_admin',
  developer: 'developer',
  développeur: 'developer',
  developpeur: 'developer',
  creator: 'creator',
  créateur: 'creator',
  createur: 'creator',
  viewer: 'viewer',
  lecteur: 'viewer',
};

function roleOf(cell: string): Role | null {
  const word = cell.trim().toLowerCase().replace(/^"|"$/g, '');
  const parsed = RoleSchema.safeParse(word);
  return parsed.success ? parsed.data : (ROLE_WORDS[word] ?? null);
}

/** `Name <a@b.c>` or `"a@b.c"` → `a@b.c`. */
const cleanEmail = (cell: string) => {
  const trimmed = cell.trim().replace(/^"|"$/g, '').trim();
  const angled = /<([^>]+)>/.exec(trimmed);
  return (angled ? angled[1]! : trimmed).trim().toLowerCase();
};

/**
 * Reads what was typed or pasted: one address per line, or CSV lines of
 * `email,role` (comma, semicolon or tab), or several addresses on one line.
 * A header line (`email,role`) is skipped. Each address appears once; a
 * repeat is kept and flagged so the person sees it.
 */
export function parseInvites(text: string): ParsedLine[] {
  const lines: ParsedLine[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const cells = raw.split(/[,;\t]/).map((c) => c.trim()).filter(Boolean);
    if (!cells.length) continue;
    if (/^e-?mail$/i.test(cells[0]!.replace(/"/g, ''))) continue;
    let i = 0;
    while (i < cells.length) {
      const email = cleanEmail(cells[i]!);
      const next = cells[i + 1];
      const role = next !== undefined && !next.includes('@') ? roleOf(next) : null;
      // A cell after the address that is neither a role nor an address (a name column) is skipped.
      i += next !== undefined && !next.includes('@') ? 2 : 1;
      const problem = !EMAIL.test(email) ? 'invalid' : seen.has(email) ? 'duplicate' : null;
      seen.add(email);
      lines.push({ email, role, problem });
    }
  }
  return lines;
}
