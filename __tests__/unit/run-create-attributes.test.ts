/** The run's create attributes from the inputs: only what differs from the API's defaults. */
import { describe, expect, it } from '@jest/globals';
import { type RunOptions, runCreateAttributes } from '../../src/run-options.js';

const plain: RunOptions = {
  message: 'm',
  speculative: false,
  isDestroy: false,
  refresh: true,
  refreshOnly: false,
  savePlan: false,
  targets: [],
  replace: [],
  variables: [],
  terraformVersion: ''
};

describe('runCreateAttributes', () => {
  it('sends only the message for a plain run', () => {
    expect(runCreateAttributes(plain)).toEqual({ message: 'm' });
  });

  it.each([
    [{ speculative: true }, { 'plan-only': true }],
    [{ isDestroy: true }, { 'is-destroy': true }],
    [{ refresh: false }, { refresh: false }],
    [{ refreshOnly: true }, { 'refresh-only': true }],
    [{ savePlan: true }, { 'save-plan': true }],
    [{ targets: ['a.b'] }, { 'target-addrs': ['a.b'] }],
    [{ replace: ['c.d'] }, { 'replace-addrs': ['c.d'] }],
    [{ variables: [{ key: 'n', value: '2' }] }, { variables: [{ key: 'n', value: '2' }] }],
    [
      { terraformVersion: '1.9.5', speculative: true },
      { 'terraform-version': '1.9.5', 'plan-only': true }
    ]
  ] as [Partial<RunOptions>, Record<string, unknown>][])('maps %j', (options, attributes) => {
    expect(runCreateAttributes({ ...plain, ...options })).toEqual({ message: 'm', ...attributes });
  });
});
