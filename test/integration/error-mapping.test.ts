import { describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { toAppError } from '../../server/http/errors.js';

const { MongoNetworkError, MongoServerError, MongoServerSelectionError } = mongoose.mongo;

/** What a client is told when the database fails under a request: 503 `unavailable` for a database out of reach, never a 500. */
describe('errors of a database out of reach', () => {
  it('answers 503 unavailable for the driver’s network errors, as themselves or as the cause of another, and for errors labelled as a broken connection', () => {
    expect(toAppError(new MongoNetworkError('read ECONNRESET')).code).toBe('unavailable');
    expect(toAppError(new MongoServerSelectionError('read ECONNRESET', { type: 'Unknown' } as never)).code).toBe('unavailable');
    const wrapped = new Error('insert failed', { cause: new MongoNetworkError('connection 12 closed') });
    expect(toAppError(wrapped).code).toBe('unavailable');
    const labelled = new MongoServerError({ message: 'connection pool cleared', errorLabels: ['ResetPool'] });
    expect(toAppError(labelled).code).toBe('unavailable');
    expect(toAppError(labelled).status).toBe(503);
  });

  it('keeps other errors internal (500, logged), including a server error without those labels', () => {
    expect(toAppError(new Error('boom')).code).toBe('internal');
    expect(toAppError(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 })).code).toBe('internal');
    expect(toAppError(new Error('outer', { cause: new Error('inner') })).code).toBe('internal');
  });
});
