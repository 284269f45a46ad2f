import type { Step } from '../../scenario/schema.ts';
import { parseDuration } from '../../util/duration.ts';
import { sleep } from '../../util/sleep.ts';
import type { Drill } from '../drill.ts';

type WaitStep = Extract<Step, { kind: 'wait' }>;

export async function runWaitStep(step: WaitStep, drill: Drill): Promise<void> {
  await sleep(parseDuration(step.for), drill.ctx.signal);
}
