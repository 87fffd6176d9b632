import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../server/accounts/password.js';

describe('password hashing', () => {
  it('never runs more argon2id hashes at once than its cap, and finishes them all', async () => {
    const hasher = new PasswordHasher(2);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, hasher.active)), 1);
    const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.hash(`password-${i}`)));
    clearInterval(sampler);
    expect(peak).toBe(2);
    expect(hasher.active).toBe(0);
    expect(new Set(hashes).size).toBe(8);
    expect(await hasher.verify(hashes[3]!, 'password-3')).toBe(true);
    expect(await hasher.verify(hashes[3]!, 'password-4')).toBe(false);
  });

  it('treats a malformed stored hash as a wrong password, not a crash', async () => {
    expect(await new PasswordHasher(1).verify('not-a-hash', 'whatever')).toBe(false);
  });
});
