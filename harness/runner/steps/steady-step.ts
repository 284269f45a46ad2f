import { measuredSliCheck } from '../../checks/measured-sli-check.ts';
import type { Step } from '../../scenario/schema.ts';
import { formatMs, parseDuration } from '../../util/duration.ts';
import { sleep } from '../../util/sleep.ts';
import type { Drill } from '../drill.ts';
import { measureSentBetween } from './window-slis.ts';

type SteadyStep = Extract<Step, { kind: 'steady' }>;

/** The steady-state hypothesis: over this window, the SLIs stay within the SLO. */
export async function runSteadyStep(step: SteadyStep, drill: Drill, index: number): Promise<void> {
  const { timeline, signal, scenario } = drill.ctx;
  const windowMs = parseDuration(step.for);
  const fromMs = timeline.now();
  await sleep(windowMs, signal);
  await drill.settleInFlight();
  const measure = measureSentBetween(drill, fromMs, fromMs + windowMs);
  drill.addCheck(measuredSliCheck(`steady state for ${formatMs(windowMs)} (step ${index + 1})`, measure, scenario.slo));
}
