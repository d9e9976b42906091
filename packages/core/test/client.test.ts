import { describe, expect, it } from 'vitest';
import { isErrorEnvelope } from '@auterity/core/client';
import { AuterityError } from '@auterity/core';

describe('isErrorEnvelope', () => {
  it('accepts the envelope an AuterityError serialises to', () => {
    const error = new AuterityError('invalid_input', 'Invalid member: email: expected an email address', {
      issues: [{ path: 'email', message: 'expected an email address' }],
    });
    const body = JSON.parse(JSON.stringify({ error }));
    expect(isErrorEnvelope(body)).toBe(true);
    expect(isErrorEnvelope({ error: new AuterityError('not_found', 'Member "x" not found.').toJSON() })).toBe(true);
  });

  it.each([null, 'error', {}, { error: 'not_found' }, { error: { code: 'x' } }, { error: { code: 1, message: 'm' } }, { error: { code: 'x', message: 'm', issues: [{ path: 'a' }] } }])(
    'rejects %j',
    (value) => {
      expect(isErrorEnvelope(value)).toBe(false);
    },
  );
});
