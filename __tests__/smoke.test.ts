import { describe, expect, it } from '@jest/globals';
import { InputError } from '../src/inputs.js';

describe('project setup', () => {
  it('compiles and loads TypeScript modules under ESM', () => {
    const error = new InputError('token', 'token: missing');
    expect(error.input).toBe('token');
  });
});
