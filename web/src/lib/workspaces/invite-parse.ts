import Papa from 'papaparse';
import { EmailSchema, RoleSchema, type Role } from '$shared/schemas/auth.js';
import { en } from '../i18n/en.js';
import { fr } from '../i18n/fr.js';

export interface ParsedLine {
  email: string;
  /** A role given on the line (CSV), else null: the default role applies. */
  role: Role | null;
  problem: 'invalid' | 'duplicate' | 'unknown_role' | null;
  /** The role cell as written, when it names no role (`unknown_role`). */
  roleText?: string;
}

const normalise = (s: string) => s.normalize('NFC').trim().toLowerCase();

/**
 * A role cell names a role only by its id (`super_admin`) or by its display
 * name in English or French, whatever the case. Anything else ("admin",
 * "owner", a typo) names no role: guessing could hand out Super Admin.
 */
const ROLE_NAMES = new Map<string, Role>(
  RoleSchema.options.flatMap((role) => [role, en[`role.${role}`], fr[`role.${role}`]].map((name) => [normalise(name), role] as const)),
);

const EMAIL_HEADERS = new Set(['email', 'e-mail', 'mail', 'email address', 'e-mail address', 'adresse', 'adresse e-mail', 'adresse email', 'courriel']);
const ROLE_HEADERS = new Set(['role', 'rôle']);

/**
 * `"Doe, Jane" <jane@x.io>`: an address book's quoted display name is not
 * CSV quoting, so it is reduced to the address before the line is read.
 */
const MAILBOX = /"(?:[^"]|"")*"\s*<([^<>]*)>/g;

/** `Name <a@b.c>` → `a@b.c`, trimmed and lower-cased. */
function cleanEmail(cell: string) {
  const angled = /<([^>]*)>/.exec(cell);
  return normalise(angled ? angled[1]! : cell);
}

/** A cell holds one address, or several separated by commas, semicolons or spaces. */
function addressesOf(cell: string): string[] {
  if (cell.split('@').length <= 2) return [cleanEmail(cell)];
  return cell
    .split(/[,;\s]+/)
    .filter((piece) => piece.includes('@'))
    .map(cleanEmail);
}

/** One line of the paste as CSV cells (comma, semicolon or tab, guessed per line; quotes as in CSV). */
function cellsOf(line: string): string[] {
  const { data } = Papa.parse<string[]>(line.replace(MAILBOX, '<$1>'), { delimitersToGuess: [',', ';', '\t'] });
  return (data[0] ?? []).map((c) => c.trim());
}

interface Columns {
  email: number;
  role: number;
}

/** A first line without any address that names an email column is a header. */
function headerOf(cells: string[]): Columns | null {
  if (cells.some((c) => c.includes('@'))) return null;
  const names = cells.map(normalise);
  const email = names.findIndex((n) => EMAIL_HEADERS.has(n));
  return email < 0 ? null : { email, role: names.findIndex((n) => ROLE_HEADERS.has(n)) };
}

interface Entry {
  email: string;
  roleCell: string;
}

/**
 * The addresses of one line, each with the role cell that follows it. Cells
 * before the first address (a name column) are not addresses; a line with no
 * address at all is one invalid entry, so the person sees it.
 */
function entriesOf(cells: string[], columns: Columns | null, raw: string): Entry[] {
  if (columns) {
    const emailCell = cells[columns.email] ?? '';
    const roleCell = columns.role >= 0 ? (cells[columns.role] ?? '') : '';
    return emailCell.includes('@') ? addressesOf(emailCell).map((email) => ({ email, roleCell })) : [{ email: raw.trim(), roleCell }];
  }
  const entries: Entry[] = [];
  let last: Entry | null = null;
  for (const cell of cells) {
    if (cell.includes('@')) {
      for (const email of addressesOf(cell)) entries.push((last = { email, roleCell: '' }));
    } else if (cell && last && !last.roleCell) {
      last.roleCell = cell;
    }
  }
  return entries.length ? entries : [{ email: raw.trim(), roleCell: '' }];
}

/**
 * Reads what was typed or pasted: one address per line, several addresses
 * on a line, or CSV lines of `email,role` (comma, semicolon or tab, quoted
 * fields as in CSV), with or without a header line. Each address appears
 * once; a repeat is kept and flagged so the person sees it. A role that is
 * not one of ours is flagged on its line, never replaced by a guess.
 */
export function parseInvites(text: string): ParsedLine[] {
  const lines: ParsedLine[] = [];
  const seen = new Set<string>();
  let columns: Columns | null = null;
  let first = true;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim()) continue;
    const cells = cellsOf(raw);
    if (first) {
      first = false;
      columns = headerOf(cells);
      if (columns) continue;
    }
    for (const { email, roleCell } of entriesOf(cells, columns, raw)) {
      const role = roleCell ? (ROLE_NAMES.get(normalise(roleCell)) ?? null) : null;
      const valid = EmailSchema.safeParse(email).success;
      const problem = !valid ? 'invalid' : seen.has(email) ? 'duplicate' : roleCell && !role ? 'unknown_role' : null;
      if (valid) seen.add(email);
      lines.push(problem === 'unknown_role' ? { email, role, problem, roleText: roleCell } : { email, role, problem });
    }
  }
  return lines;
}
