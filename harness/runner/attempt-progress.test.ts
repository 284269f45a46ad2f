import { describe, expect, it } from 'vitest';
import { SampleLog } from '../traffic/sample-log.ts';
import type { Step } from '../scenario/schema.ts';
import { PROGRESS_INTERVAL_MS, reportProgress, stepBudgetMs, type AttemptProgress } from './attempt-progress.ts';
import { Timeline } from './timeline.ts';

const sample = (ok: boolean) => ({ intendedMs: 1, sentMs: 1, doneMs: 2, latencyMs: 1, status: ok ? 200 : 503, ok, kind: 'read' as const, release: 'sha256:a' });

describe('attempt progress', () => {
  it('reports the running step with its length, and the requests and errors so far, until stopped', async () => {
    const timeline = new Timeline();
    const samples = new SampleLog();
    const steps = [{ kind: 'steady', for: '2s' }] as Step[];
    const seen: AttemptProgress[] = [];
    const stop = reportProgress(timeline, samples, steps, (p) => seen.push(p));
    timeline.emit('step-start', { step: 0, message: 'steady state for 2s' });
    for (const ok of [true, true, false]) samples.add(sample(ok));
    await new Promise((r) => setTimeout(r, PROGRESS_INTERVAL_MS * 1.6));
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)).toMatchObject({ step: 'steady state for 2s', stepBudgetMs: 2000, requests: 3, errors: 1 });
    expect(seen.at(-1)!.tMs).toBeGreaterThanOrEqual(seen.at(-1)!.stepStartedMs!);
    timeline.emit('step-end', { step: 0 });
    stop();
    const count = seen.length;
    await new Promise((r) => setTimeout(r, PROGRESS_INTERVAL_MS * 1.6));
    expect(seen.length, 'nothing after stop').toBe(count);
  });

  it('a step is set to last its for, else its within; a fault only when the step waits for it', () => {
    expect(stepBudgetMs({ kind: 'steady', for: '2s' } as Step)).toBe(2000);
    expect(stepBudgetMs({ kind: 'expectRollback', within: '5s' } as Step)).toBe(5000);
    expect(stepBudgetMs({ kind: 'verifyRestored', for: '1s', within: '10s' } as Step)).toBe(1000);
    expect(stepBudgetMs({ kind: 'fault', fault: 'partition', for: '3s', wait: true } as Step)).toBe(3000);
    expect(stepBudgetMs({ kind: 'fault', fault: 'partition', for: '3s', wait: false } as Step)).toBeUndefined();
    expect(stepBudgetMs({ kind: 'deploy', service: 'shop', release: 'v1' } as Step)).toBeUndefined();
  });
});
