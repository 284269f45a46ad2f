import { afterEach, describe, expect, it } from 'vitest';
import { skipOrFail, type Missing } from './requirement.ts';

const missing: Missing = { requirement: 'FAULT_SURFACES', reason: 'drv has no processFaults surface', hint: 'a driver without processFaults does not run this test' };

describe('a test need: skipped where it is missing, failed where CI requires it', () => {
  const saved = process.env.DRILLBIT_REQUIRE_FAULT_SURFACES;
  afterEach(() => {
    if (saved === undefined) delete process.env.DRILLBIT_REQUIRE_FAULT_SURFACES;
    else process.env.DRILLBIT_REQUIRE_FAULT_SURFACES = saved;
  });

  it('not required: skips with the reason and the hint', () => {
    delete process.env.DRILLBIT_REQUIRE_FAULT_SURFACES;
    const notes: string[] = [];
    expect(() => skipOrFail((note) => { notes.push(note); throw new Error('skipped'); }, missing)).toThrow('skipped');
    expect(notes).toEqual(['drv has no processFaults surface (a driver without processFaults does not run this test)']);
  });

  it('DRILLBIT_REQUIRE_FAULT_SURFACES=1: fails naming the variable, the reason and the hint, and never skips', () => {
    process.env.DRILLBIT_REQUIRE_FAULT_SURFACES = '1';
    let skipped = false;
    expect(() => skipOrFail(() => { skipped = true; throw new Error('skipped'); }, missing))
      .toThrow('DRILLBIT_REQUIRE_FAULT_SURFACES=1, but drv has no processFaults surface; a driver without processFaults does not run this test');
    expect(skipped).toBe(false);
  });
});
