import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from './arrival-schedule.ts';

function takeAll(schedule: ArrivalSchedule, nowMs: number): number[] {
  const taken: number[] = [];
  for (let t = schedule.takeDue(nowMs); t !== undefined; t = schedule.takeDue(nowMs)) taken.push(t);
  return taken;
}

describe('ArrivalSchedule', () => {
  it('spaces arrivals evenly from the start, whenever they are taken', () => {
    const schedule = new ArrivalSchedule(200, 1000);
    expect(takeAll(schedule, 1000)).toEqual([1000]);
    expect(takeAll(schedule, 1012)).toEqual([1005, 1010]);
    expect(schedule.nextDueMs()).toBe(1015);
  });

  it('does not drift over many arrivals', () => {
    const schedule = new ArrivalSchedule(3, 0);
    const taken = takeAll(schedule, 1_000_000);
    expect(taken).toHaveLength(3001);
    expect(taken.at(-1)).toBeCloseTo(1_000_000, 6);
  });

  it('sends nothing at rate 0, and starts from now when the rate goes up', () => {
    const schedule = new ArrivalSchedule(0, 0);
    expect(schedule.nextDueMs()).toBeUndefined();
    expect(takeAll(schedule, 5000)).toEqual([]);
    schedule.setRate(10, 5000);
    expect(takeAll(schedule, 5250)).toEqual([5000, 5100, 5200]);
  });

  it('keeps an overdue arrival at its intended time across a rate change', () => {
    const schedule = new ArrivalSchedule(10, 0);
    takeAll(schedule, 0);
    schedule.setRate(1000, 250); // the arrival intended at 100 is overdue
    expect(takeAll(schedule, 103)).toEqual([100, 101, 102, 103]);
  });

  it('rejects a negative or non-finite rate', () => {
    expect(() => new ArrivalSchedule(-1, 0)).toThrow(RangeError);
    expect(() => new ArrivalSchedule(Number.NaN, 0)).toThrow(RangeError);
  });
});
