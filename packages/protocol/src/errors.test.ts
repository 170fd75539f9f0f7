import { describe, expect, it } from 'vitest';
import { DeploymentError, TributaryError } from './errors.js';

describe('errors', () => {
  it('carry a code, detail lines and a cause, and describe themselves on several lines', () => {
    const cause = new Error('socket closed');
    const error = new DeploymentError({
      code: 'CHAIN_MISMATCH',
      message: 'wrong chain',
      details: ['a', 'b'],
      cause,
    });
    expect(error).toBeInstanceOf(TributaryError);
    expect([error.name, error.code, error.message, error.cause]).toEqual([
      'DeploymentError',
      'CHAIN_MISMATCH',
      'wrong chain',
      cause,
    ]);
    expect(error.describe()).toBe('wrong chain\n  a\n  b');
    const bare = new TributaryError({ code: 'X', message: 'plain' });
    expect([bare.name, bare.details, bare.describe(), 'cause' in bare]).toEqual([
      'TributaryError',
      [],
      'plain',
      false,
    ]);
  });
});
