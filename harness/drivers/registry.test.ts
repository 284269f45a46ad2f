import { describe, expect, it } from 'vitest';
import { getDriver } from './registry.ts';

describe('getDriver', () => {
  it('creates the local driver', () => {
    expect(getDriver('local').name).toBe('local');
  });

  it('names the known drivers for an unknown one, as bad input', () => {
    expect(() => getDriver('kubernetes')).toThrow(/unknown driver "kubernetes"; known drivers: local/);
    expect(() => getDriver('toString')).toThrow(expect.objectContaining({ code: 'bad-input' }));
  });
});
