import { describe, expect, it } from 'vitest';
import { parseInvites } from '../../web/src/lib/workspaces/invite-parse.js';

describe('reading pasted invitations', () => {
  it('reads one address per line, and several addresses on one line', () => {
    expect(parseInvites('ana@x.io\n\n  bruno@x.io  \r\ncara@x.io, dan@x.io; eve@x.io')).toEqual([
      { email: 'ana@x.io', role: null, problem: null },
      { email: 'bruno@x.io', role: null, problem: null },
      { email: 'cara@x.io', role: null, problem: null },
      { email: 'dan@x.io', role: null, problem: null },
      { email: 'eve@x.io', role: null, problem: null },
    ]);
  });

  it('reads a quoted display name with a comma, in an address book’s form and in CSV’s', () => {
    expect(parseInvites('"Doe, Jane" <Jane@X.io>,creator\n"""Roe, Rick"" <rick@x.io>",viewer\n"Poe, Pat <pat@x.io>";developer')).toEqual([
      { email: 'jane@x.io', role: 'creator', problem: null },
      { email: 'rick@x.io', role: 'viewer', problem: null },
      { email: 'pat@x.io', role: 'developer', problem: null },
    ]);
  });

  it('skips a header line and reads its columns, with comma, semicolon or tab', () => {
    expect(parseInvites('Name,Email,Role\nJane Doe,jane@x.io,Super Admin')).toEqual([{ email: 'jane@x.io', role: 'super_admin', problem: null }]);
    expect(parseInvites('email;rôle\nana@x.io;Lecteur')).toEqual([{ email: 'ana@x.io', role: 'viewer', problem: null }]);
    expect(parseInvites('e-mail\trole\nana@x.io\tDÉVELOPPEUR')).toEqual([{ email: 'ana@x.io', role: 'developer', problem: null }]);
  });

  it('knows the role ids and the English and French names, whatever the case, and nothing else', () => {
    const roleOf = (cell: string) => parseInvites(`ana@x.io,${cell}`)[0];
    for (const [cell, role] of [
      ['super_admin', 'super_admin'],
      ['SUPER ADMIN', 'super_admin'],
      ['Super administrateur', 'super_admin'],
      ['developer', 'developer'],
      ['Développeur', 'developer'],
      ['creator', 'creator'],
      ['créateur', 'creator'],
      ['Viewer', 'viewer'],
      ['lecteur', 'viewer'],
    ] as const) {
      expect(roleOf(cell)).toEqual({ email: 'ana@x.io', role, problem: null });
    }
    for (const cell of ['admin', 'superadmin', 'developpeur', 'owner', 'Jane Doe']) {
      expect(roleOf(cell)).toEqual({ email: 'ana@x.io', role: null, problem: 'unknown_role', roleText: cell });
    }
  });

  it('flags what it cannot send: a line without an address, a repeat, an unknown role', () => {
    expect(parseInvites('email,role\nana@x.io,admin\nnot-an-address\nANA@x.io\nbruno@x.io,viewer')).toEqual([
      { email: 'ana@x.io', role: null, problem: 'unknown_role', roleText: 'admin' },
      { email: 'not-an-address', role: null, problem: 'invalid' },
      { email: 'ana@x.io', role: null, problem: 'duplicate' },
      { email: 'bruno@x.io', role: 'viewer', problem: null },
    ]);
  });
});
